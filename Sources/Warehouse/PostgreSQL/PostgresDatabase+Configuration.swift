import Foundation

extension PostgresDatabase.TLSMode {
    /// Reads a `tls:` value or a libpq `sslmode`: `disable`; `allow`/`prefer` → prefer;
    /// `require`/`verify-ca`/`verify-full` → require (which always verifies).
    public init?(sslMode: String) {
        switch sslMode.lowercased() {
        case "disable": self = .disable
        case "allow", "prefer": self = .prefer
        case "require", "verify-ca", "verify-full": self = .require
        default: return nil
        }
    }
}

extension PostgresDatabase.Configuration {
    /// Parts of a `postgres://` URL; absent parts are nil.
    struct URLParts: Sendable, Hashable {
        var host: String?
        var port: Int?
        var username: String?
        var password: String?
        var database: String?
        var tls: PostgresDatabase.TLSMode?
        var statementTimeoutMilliseconds: Int?
    }

    /// Reads `postgres://user:password@host:port/database?sslmode=…` (also `postgresql://`);
    /// user name and password may be percent-encoded. Errors never repeat the URL, which
    /// holds the password.
    static func parse(url text: String) throws -> URLParts {
        guard let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "postgres" || scheme == "postgresql"
        else {
            throw WarehouseError(
                .invalidConfiguration, "expected a URL of the form postgres://user:password@host:port/database")
        }
        var parts = URLParts()
        parts.host = components.host.flatMap { $0.isEmpty ? nil : $0 }
        parts.port = components.port
        parts.username = components.user.flatMap { $0.isEmpty ? nil : $0 }
        parts.password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        parts.database = path.isEmpty ? nil : path
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(PostgresDatabase.TLSMode.init(sslMode:)) else {
                    throw WarehouseError(
                        .invalidConfiguration,
                        "URL option sslmode: expected disable, allow, prefer, require, verify-ca or verify-full, "
                            + "found '\(item.value ?? "")'")
                }
                parts.tls = mode
            case "statement_timeout":
                guard let ms = item.value.flatMap(Int.init), ms >= 0 else {
                    throw WarehouseError(
                        .invalidConfiguration, "URL option statement_timeout: expected milliseconds (a whole number)")
                }
                parts.statementTimeoutMilliseconds = ms
            default:
                throw WarehouseError(
                    .invalidConfiguration,
                    "URL option \(item.name): unknown (known: sslmode, statement_timeout)")
            }
        }
        return parts
    }

    /// Reads a `postgres://user:password@host:port/database?sslmode=…` URL. The host
    /// defaults to localhost, the port to 5432, the database to the user name.
    public init(url text: String) throws {
        let parts = try Self.parse(url: text)
        guard let username = parts.username else {
            throw WarehouseError(.invalidConfiguration, "the PostgreSQL URL names no user (postgres://user@host/db)")
        }
        self.init(
            host: parts.host ?? "localhost", port: parts.port ?? 5432, username: username,
            password: parts.password.map(SecretString.init), database: parts.database ?? username,
            tls: parts.tls ?? .prefer, statementTimeoutMilliseconds: parts.statementTimeoutMilliseconds)
    }

    /// The driver configuration of a tenant's `database:` entry (already validated when decoded).
    init(_ database: DatabaseConfiguration) throws {
        guard let host = database.host, let user = database.user, let name = database.database else {
            throw WarehouseError(
                .invalidConfiguration, "a PostgreSQL database needs url, or host, user and database")
        }
        self.init(
            host: host, port: database.port ?? 5432, username: user, password: database.password, database: name,
            tls: database.tls ?? .prefer, statementTimeoutMilliseconds: database.statementTimeoutMilliseconds,
            maxConnections: database.maxConnections, schema: database.schema,
            timeZone: database.timeZone.map { $0.isEmpty || $0.lowercased() == "server" ? nil : $0 } ?? "UTC")
    }
}
