import Foundation

/// How to reach one SQL Server database.
///
/// Build it directly, from a `sqlserver://user:pass@host:port/database?encrypt=require`
/// URL (``init(url:)``), or from a tenant's `database:` YAML keys.
public struct SQLServerConfiguration: Sendable, Hashable {
    /// TLS on the TDS connection, as FreeTDS's `encryption` setting.
    public enum Encryption: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP (only the login packet is encrypted, when the server insists).
        case off
        /// TLS when the server offers it.
        case request
        /// TLS or no connection.
        case require

        /// Reads `off`/`request`/`require` and the boolean spellings of `tls: true`.
        public init?(text: String) {
            switch text.lowercased() {
            case "off", "false", "no", "disable", "disabled": self = .off
            case "request", "prefer", "preferred", "optional": self = .request
            case "require", "required", "true", "yes", "strict": self = .require
            default: return nil
            }
        }
    }

    /// The server's host name or address.
    public var host: String
    /// The TCP port; SQL Server listens on 1433 by default.
    public var port: Int
    /// The SQL login name.
    public var user: String
    /// The SQL login's password; never printed (see ``description``).
    public var password: String
    /// The database to use after login.
    public var database: String
    /// TLS on the connection.
    public var encryption: Encryption
    /// How long a login may take before it fails.
    public var loginTimeoutSeconds: Int
    /// How long one statement may run; nil waits for ever.
    public var queryTimeoutSeconds: Int?
    /// The most connections (and so concurrent statements) at once.
    public var maxConnections: Int

    /// Makes a configuration.
    public init(
        host: String, port: Int = 1433, user: String, password: String, database: String,
        encryption: Encryption = .request, loginTimeoutSeconds: Int = 15, queryTimeoutSeconds: Int? = nil,
        maxConnections: Int = 4
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.encryption = encryption
        self.loginTimeoutSeconds = loginTimeoutSeconds
        self.queryTimeoutSeconds = queryTimeoutSeconds
        self.maxConnections = maxConnections
    }

    /// `host:port/database`, the name errors and logs use: it never includes the password.
    public var endpoint: String { "\(host):\(port)/\(database)" }

    /// Parses `sqlserver://user:password@host[:port]/database[?encrypt=off|request|require
    /// &login_timeout_seconds=N&query_timeout_seconds=N&max_connections=N]` (`mssql://` is
    /// accepted too). User and password may be percent-encoded. Errors never quote the
    /// password.
    public init(url: String) throws {
        func invalid(_ why: String) -> WarehouseError {
            WarehouseError(.invalidConfiguration, "SQL Server URL \(Self.redacting(url)): \(why)")
        }
        guard let schemeEnd = url.range(of: "://") else {
            throw invalid("expected sqlserver://user:password@host:port/database")
        }
        let scheme = url[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "sqlserver" || scheme == "mssql" else {
            throw invalid("the scheme must be sqlserver:// or mssql://, found \(scheme)://")
        }
        var rest = Substring(url[schemeEnd.upperBound...])
        var queryText: Substring?
        if let q = rest.firstIndex(of: "?") {
            queryText = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        // The password may contain '@' or '/' when percent-encoded, never raw '@' after
        // the host: the last '@' separates credentials from the host.
        guard let at = rest.lastIndex(of: "@") else { throw invalid("user and password are missing (user:password@host)") }
        let credentials = rest[..<at]
        let location = rest[rest.index(after: at)...]
        guard let colon = credentials.firstIndex(of: ":") else { throw invalid("the password is missing (user:password@host)") }
        guard let user = Self.percentDecoded(credentials[..<colon]),
            let password = Self.percentDecoded(credentials[credentials.index(after: colon)...])
        else { throw invalid("the user or password has a malformed %-escape") }
        guard !user.isEmpty else { throw invalid("the user is empty") }

        let slash = location.firstIndex(of: "/")
        let hostPort = slash.map { location[..<$0] } ?? location
        let databasePart = slash.map { location[location.index(after: $0)...] } ?? ""
        guard let database = Self.percentDecoded(databasePart), !database.isEmpty, !database.contains("/") else {
            throw invalid("the database name is missing (…@host:port/database)")
        }
        var host = String(hostPort)
        var port = 1433
        if hostPort.hasPrefix("[") {
            // An IPv6 literal: [::1]:1433.
            guard let close = hostPort.firstIndex(of: "]") else { throw invalid("unterminated [IPv6] host") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":", let p = Int(after.dropFirst()) else { throw invalid("malformed port '\(after)'") }
                port = p
            }
        } else if let c = hostPort.lastIndex(of: ":") {
            host = String(hostPort[..<c])
            let portText = hostPort[hostPort.index(after: c)...]
            guard let p = Int(portText) else { throw invalid("the port '\(portText)' is not a number") }
            port = p
        }
        guard !host.isEmpty else { throw invalid("the host is missing") }
        guard (1...65535).contains(port) else { throw invalid("the port \(port) is outside 1…65535") }

        self.init(host: host, port: port, user: user, password: password, database: database)
        for pair in (queryText ?? "").split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = parts[0].lowercased()
            let value = parts.count == 2 ? (Self.percentDecoded(parts[1]) ?? "") : ""
            switch key {
            case "encrypt", "tls", "encryption":
                guard let encryption = Encryption(text: value) else {
                    throw invalid("\(key)=\(value): expected off, request or require")
                }
                self.encryption = encryption
            case "login_timeout_seconds", "login_timeout":
                guard let n = Int(value), n > 0 else { throw invalid("\(key)=\(value): expected a whole number of seconds above 0") }
                loginTimeoutSeconds = n
            case "query_timeout_seconds", "query_timeout":
                guard let n = Int(value), n >= 0 else { throw invalid("\(key)=\(value): expected a whole number of seconds") }
                queryTimeoutSeconds = n == 0 ? nil : n
            case "max_connections":
                guard let n = Int(value), (1...256).contains(n) else { throw invalid("\(key)=\(value): expected 1 to 256") }
                maxConnections = n
            default:
                throw invalid(
                    "unknown parameter '\(key)'; known: encrypt, login_timeout_seconds, query_timeout_seconds, max_connections")
            }
        }
    }

    /// The URL with its password replaced by `***`, for error messages.
    static func redacting(_ url: String) -> String {
        guard let schemeEnd = url.range(of: "://") else { return url }
        let afterScheme = url[schemeEnd.upperBound...]
        let end = afterScheme.firstIndex(of: "?") ?? afterScheme.endIndex
        guard let at = afterScheme[..<end].lastIndex(of: "@"),
            let colon = afterScheme[..<at].firstIndex(of: ":")
        else { return url }
        return String(url[..<afterScheme.index(after: colon)]) + "***" + String(url[at...])
    }

    static func percentDecoded(_ text: some StringProtocol) -> String? {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next(), let low = iterator.next(),
                let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)
            else { return nil }
            bytes.append(value)
        }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension SQLServerConfiguration: CustomStringConvertible {
    /// `sqlserver://user:***@host:port/database?encrypt=…`: safe for logs.
    public var description: String {
        "sqlserver://\(user):***@\(host):\(port)/\(database)?encrypt=\(encryption.rawValue)"
    }
}
