extension SQLServerConfiguration {
    private enum Keys: String, CodingKey {
        case url, host, port, user, password, database, tls, encrypt
        case loginTimeoutSeconds = "login_timeout_seconds"
        case queryTimeoutSeconds = "query_timeout_seconds"
        case maxConnections = "max_connections"
    }

    /// Reads a tenant's `database:` mapping (engine `sqlserver` or `mssql`):
    ///
    /// - `url`: `sqlserver://user:password@host:port/database?encrypt=require`; or
    /// - `host`, `port` (default 1433), `user`, `password`, `database`;
    /// - `tls` or `encrypt`: `off`, `request` (default) or `require` (`true`/`false` too);
    /// - `login_timeout_seconds` (default 15), `query_timeout_seconds` (default none);
    /// - `max_connections` is the shared key, passed in as `maxConnections` (a URL's
    ///   `max_connections` parameter applies when the key is absent).
    ///
    /// Keys given beside `url` override what the URL says.
    init(decoding decoder: any Decoder, maxConnections: Int) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        func corrupt(_ key: Keys, _ why: String) -> DecodingError {
            DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: why)
        }
        if let url = try container.decodeIfPresent(String.self, forKey: .url) {
            do { self = try SQLServerConfiguration(url: url) } catch let error as WarehouseError {
                throw corrupt(.url, error.message)
            }
        } else {
            func required(_ key: Keys) throws -> String {
                guard let value = try container.decodeIfPresent(String.self, forKey: key), !value.isEmpty else {
                    throw DecodingError.keyNotFound(
                        key, .init(codingPath: container.codingPath, debugDescription: "SQL Server needs url or \(key.stringValue)"))
                }
                return value
            }
            self.init(
                host: try required(.host), user: try required(.user), password: try required(.password),
                database: try required(.database))
        }
        if let host = try container.decodeIfPresent(String.self, forKey: .host) { self.host = host }
        if let port = try container.decodeIfPresent(Int.self, forKey: .port) {
            guard (1...65535).contains(port) else { throw corrupt(.port, "expected a port from 1 to 65535, found \(port)") }
            self.port = port
        }
        for key in [Keys.tls, .encrypt] {
            guard container.contains(key) else { continue }
            let text: String
            if let flag = try? container.decode(Bool.self, forKey: key) {
                text = flag ? "require" : "off"
            } else {
                text = try container.decode(String.self, forKey: key)
            }
            guard let encryption = Encryption(text: text) else {
                throw corrupt(key, "expected off, request or require, found '\(text)'")
            }
            self.encryption = encryption
        }
        if let seconds = try container.decodeIfPresent(Int.self, forKey: .loginTimeoutSeconds) {
            guard seconds > 0 else { throw corrupt(.loginTimeoutSeconds, "expected seconds above 0, found \(seconds)") }
            loginTimeoutSeconds = seconds
        }
        if let seconds = try container.decodeIfPresent(Int.self, forKey: .queryTimeoutSeconds) {
            guard seconds >= 0 else { throw corrupt(.queryTimeoutSeconds, "expected seconds (0 for none), found \(seconds)") }
            queryTimeoutSeconds = seconds == 0 ? nil : seconds
        }
        // The YAML key wins; without it a max_connections in the URL stands.
        if container.contains(.maxConnections) || !container.contains(.url) { self.maxConnections = maxConnections }
    }
}
