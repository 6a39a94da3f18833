/// How ConvAI reaches its outgoing mail server.
///
/// Verification of the server's certificate is always on; `caCertificateFile` only adds a
/// trust root (a company CA, or the tests' self-signed certificate).
public struct SMTPSettings: Sendable, Hashable, CustomStringConvertible {
    /// How the connection is protected.
    public struct Security: Sendable, Hashable, CustomStringConvertible {
        let raw: String

        /// Plain connection upgraded with STARTTLS before anything else (port 587); the
        /// client refuses to go on when the server does not offer it.
        public static let startTLS = Security(raw: "starttls")
        /// TLS from the first byte (port 465).
        public static let implicitTLS = Security(raw: "implicit-tls")
        /// No TLS at all; allowed only for a server on the loopback interface.
        public static let plain = Security(raw: "plain")

        /// `starttls`, `implicit-tls` or `plain`.
        public var description: String { raw }
    }

    /// The server's host name or IP address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// How the connection is protected.
    public var security: Security
    /// The user to authenticate as; `nil` sends no AUTH.
    public var username: String?
    /// The password; never logged or shown.
    public var password: String?
    /// The envelope sender and `From:` address.
    public var fromAddress: String
    /// The `From:` display name.
    public var fromName: String
    /// The name given in EHLO.
    public var heloName: String
    /// The limit for connecting and for each command's reply.
    public var timeoutSeconds: Double
    /// A PEM file with an extra trust root, added to the system's.
    public var caCertificateFile: String?

    /// Makes settings; STARTTLS on port 587 unless told otherwise.
    public init(
        host: String, port: Int = 587, security: Security = .startTLS, username: String? = nil,
        password: String? = nil, fromAddress: String, fromName: String = "ConvAI", heloName: String = "localhost",
        timeoutSeconds: Double = 30, caCertificateFile: String? = nil
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.fromAddress = fromAddress
        self.fromName = fromName
        self.heloName = heloName
        self.timeoutSeconds = timeoutSeconds
        self.caCertificateFile = caCertificateFile
    }

    /// The settings with the password redacted.
    public var description: String {
        "SMTPSettings(host: \(host), port: \(port), security: \(security), username: \(username ?? "-"), "
            + "password: \(password == nil ? "-" : "<redacted>"), from: \(fromAddress))"
    }

    /// Whether `host` names this machine, where a plaintext connection cannot be overheard.
    var isLoopback: Bool {
        let host = host.lowercased().trimmingPrefixAndSuffix("[", "]")
        return host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

extension String {
    fileprivate func trimmingPrefixAndSuffix(_ prefix: Character, _ suffix: Character) -> String {
        var text = Substring(self)
        if text.first == prefix { text = text.dropFirst() }
        if text.last == suffix { text = text.dropLast() }
        return String(text)
    }
}

extension SMTPSettings: Decodable {
    enum CodingKeys: String, CodingKey {
        case host, port, security, username, password, from
        case fromName = "from_name", caFile = "ca_file"
    }

    /// Reads the configuration's `smtp:` keys (`host`, `port`, `security`, `username`,
    /// `password`, `from`, `from_name`, `ca_file`) with the defaults of
    /// ``init(host:port:security:username:password:fromAddress:fromName:heloName:timeoutSeconds:caCertificateFile:)``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            host: try c.decode(String.self, forKey: .host),
            port: try c.decodeIfPresent(Int.self, forKey: .port) ?? 587,
            security: try c.decodeIfPresent(Security.self, forKey: .security) ?? .startTLS,
            username: try c.decodeIfPresent(String.self, forKey: .username),
            password: try c.decodeIfPresent(String.self, forKey: .password),
            fromAddress: try c.decode(String.self, forKey: .from),
            fromName: try c.decodeIfPresent(String.self, forKey: .fromName) ?? "ConvAI",
            caCertificateFile: try c.decodeIfPresent(String.self, forKey: .caFile))
    }
}

extension SMTPSettings.Security: Decodable {
    /// The security a configuration names, in any case: `starttls`; `tls`, `ssl` or
    /// `implicit-tls`; `none` or `plain`. `nil` for anything else.
    init?(configurationValue text: String) {
        switch text.lowercased() {
        case "starttls": self = .startTLS
        case "tls", "ssl", "implicit-tls": self = .implicitTLS
        case "none", "plain": self = .plain
        default: return nil
        }
    }

    /// Reads one of the names ``init(configurationValue:)`` knows; any other is an error at
    /// the key (`insights.smtp.security`), found when the configuration is read rather than
    /// when the first digest is sent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let security = Self(configurationValue: text) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected starttls, tls or none, not '\(text)'")
        }
        self = security
    }
}
