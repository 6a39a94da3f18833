/// Where and how one tenant's warehouse database is reached.
public struct DatabaseConfiguration: Sendable, Hashable, Decodable {
    /// The engines this build can open.
    public enum Engine: String, Sendable, Hashable, CaseIterable, Decodable {
        case duckdb
        /// PostgreSQL (`postgresql` is accepted as well).
        case postgres
        /// Microsoft SQL Server (`mssql` is accepted as well).
        case sqlserver
        /// SQLite (a file; `settings` are PRAGMAs run on each connection).
        case sqlite

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let raw = try container.decode(String.self)
            let aliases = ["postgresql": "postgres", "mssql": "sqlserver"]
            let name = aliases[raw.lowercased()] ?? raw.lowercased()
            guard let engine = Engine(rawValue: name) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "expected one of \(Engine.allCases.map(\.rawValue).joined(separator: ", ")), "
                        + "found '\(raw)'")
            }
            self = engine
        }
    }

    /// The engine.
    public var engine: Engine
    /// The database file for DuckDB and SQLite, relative to the project root unless absolute.
    public var path: String?
    /// The most connections to keep open at once.
    public var maxConnections: Int
    /// Engine settings passed when opening (DuckDB: `threads`, `memory_limit`, …).
    public var settings: [String: String]
    /// PostgreSQL: the server's host name or address.
    public var host: String?
    /// PostgreSQL: the server's port (5432 when nil).
    public var port: Int?
    /// PostgreSQL: the role to log in as.
    public var user: String?
    /// PostgreSQL: the role's password.
    public var password: SecretString?
    /// PostgreSQL: the database name.
    public var database: String?
    /// PostgreSQL: TLS use (prefer when nil).
    public var tls: PostgresDatabase.TLSMode?
    /// PostgreSQL and DuckDB: how long one statement of this tenant may run, in
    /// milliseconds (`statement_timeout_ms`; nil or 0 = no limit). PostgreSQL sets
    /// `statement_timeout`; DuckDB, which has no such setting, interrupts the statement.
    public var statementTimeoutMilliseconds: Int?
    /// PostgreSQL: the schema unqualified table names resolve to (`search_path`).
    public var schema: String?
    /// PostgreSQL: the session time zone (`UTC` when nil; `server` keeps the server's).
    public var timeZone: String?
    /// SQL Server: where the database is, from `url` or the separate keys
    /// (see ``SQLServerConfiguration/init(decoding:maxConnections:)``).
    public var sqlServer: SQLServerConfiguration?

    /// Makes a database configuration.
    public init(
        engine: Engine, path: String? = nil, maxConnections: Int = 4, settings: [String: String] = [:],
        host: String? = nil, port: Int? = nil, user: String? = nil, password: SecretString? = nil,
        database: String? = nil, tls: PostgresDatabase.TLSMode? = nil, statementTimeoutMilliseconds: Int? = nil,
        schema: String? = nil, timeZone: String? = nil
    ) {
        self.engine = engine
        self.path = path
        self.maxConnections = maxConnections
        self.settings = settings
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.tls = tls
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.schema = schema
        self.timeZone = timeZone
    }

    /// Makes a SQL Server database configuration.
    public init(sqlServer: SQLServerConfiguration) {
        self.init(engine: .sqlserver, maxConnections: sqlServer.maxConnections)
        self.sqlServer = sqlServer
    }

    enum CodingKeys: String, CodingKey {
        case engine, path, settings, url, host, port, user, password, database, tls, schema
        case maxConnections = "max_connections"
        case timeZone = "time_zone"
        case statementTimeoutMilliseconds = "statement_timeout_ms"
    }

    // Keys (PostgreSQL): `url` (postgres://user:password@host:port/database?sslmode=…), or
    // `host`, `port`, `user`, `password`, `database`; a key given beside `url` overrides
    // that part of it. `tls` (disable, prefer, require), `statement_timeout_ms`, `schema`,
    // `time_zone` (UTC by default; `server` keeps the server's).
    // Keys (DuckDB): `path`, `settings`, `statement_timeout_ms` (0 or absent = no limit).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        engine = try container.decode(Engine.self, forKey: .engine)
        path = try container.decodeIfPresent(String.self, forKey: .path)
        maxConnections = try container.decodeIfPresent(Int.self, forKey: .maxConnections) ?? 4
        settings = try container.decodeIfPresent([String: String].self, forKey: .settings) ?? [:]
        guard (1...256).contains(maxConnections) else {
            throw DecodingError.dataCorruptedError(
                forKey: .maxConnections, in: container,
                debugDescription: "expected a whole number from 1 to 256, found \(maxConnections)")
        }
        if engine == .sqlserver {
            // SQL Server reads its own keys, `url` included (sqlserver://…).
            sqlServer = try SQLServerConfiguration(decoding: decoder, maxConnections: maxConnections)
            return
        }
        var fromURL = PostgresDatabase.Configuration.URLParts()
        if let url = try container.decodeIfPresent(String.self, forKey: .url) {
            do { fromURL = try PostgresDatabase.Configuration.parse(url: url) } catch let error as WarehouseError {
                throw DecodingError.dataCorruptedError(forKey: .url, in: container, debugDescription: error.message)
            }
        }
        host = try container.decodeIfPresent(String.self, forKey: .host) ?? fromURL.host
        port = try container.decodeIfPresent(Int.self, forKey: .port) ?? fromURL.port
        user = try container.decodeIfPresent(String.self, forKey: .user) ?? fromURL.username
        password = try container.decodeIfPresent(String.self, forKey: .password).map(SecretString.init)
            ?? fromURL.password.map(SecretString.init)
        database = try container.decodeIfPresent(String.self, forKey: .database) ?? fromURL.database
        schema = try container.decodeIfPresent(String.self, forKey: .schema)
        timeZone = try container.decodeIfPresent(String.self, forKey: .timeZone)
        if let raw = try container.decodeIfPresent(String.self, forKey: .tls) {
            guard let mode = PostgresDatabase.TLSMode(rawValue: raw.lowercased()) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .tls, in: container, debugDescription: "expected disable, prefer or require, found '\(raw)'")
            }
            tls = mode
        } else {
            tls = fromURL.tls
        }
        statementTimeoutMilliseconds =
            try container.decodeIfPresent(Int.self, forKey: .statementTimeoutMilliseconds)
            ?? fromURL.statementTimeoutMilliseconds
        if let timeout = statementTimeoutMilliseconds, timeout < 0 {
            throw DecodingError.dataCorruptedError(
                forKey: .statementTimeoutMilliseconds, in: container,
                debugDescription: "expected milliseconds (0 = no limit), found \(timeout)")
        }
        if let port, !(1...65535).contains(port) {
            throw DecodingError.dataCorruptedError(
                forKey: .port, in: container, debugDescription: "expected a port from 1 to 65535, found \(port)")
        }
        switch engine {
        case .duckdb:
            if (path ?? "").isEmpty {
                throw DecodingError.keyNotFound(
                    CodingKeys.path,
                    .init(codingPath: container.codingPath, debugDescription: "DuckDB needs a file path"))
            }
        case .sqlite:
            if (path ?? "").isEmpty {
                throw DecodingError.keyNotFound(
                    CodingKeys.path,
                    .init(codingPath: container.codingPath, debugDescription: "SQLite needs a file path"))
            }
        case .postgres:
            for (key, value) in [(CodingKeys.host, host), (.user, user), (.database, database)] where (value ?? "").isEmpty {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container,
                    debugDescription: "missing; PostgreSQL needs url (postgres://user:password@host:port/database) "
                        + "or host, user and database")
            }
        case .sqlserver:
            break
        }
    }
}

/// One tenant: a company whose users ask questions of its own database.
public struct TenantConfiguration: Sendable, Hashable, Decodable {
    /// The tenant id used in tokens and URLs, e.g. `itc`.
    public var id: String
    /// A human name, e.g. `ITC Limited`.
    public var displayName: String
    /// The tenant's warehouse.
    public var database: DatabaseConfiguration
    /// The tenant's own semantic model folder (`model_path:`, like Cube's
    /// `repositoryFactory`); `nil` means the shared `model/` folder.
    public var modelPath: String?

    /// Makes a tenant configuration.
    public init(id: String, displayName: String? = nil, database: DatabaseConfiguration, modelPath: String? = nil) {
        self.id = id
        self.displayName = displayName ?? id
        self.database = database
        self.modelPath = modelPath
    }

    enum CodingKeys: String, CodingKey {
        case displayName = "display_name"
        case database
        case modelPath = "model_path"
    }

    // The id is the key of the tenant's entry in the `tenants` mapping; the decoder
    // fills it in from the coding path.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = decoder.codingPath.last?.stringValue ?? ""
        database = try container.decode(DatabaseConfiguration.self, forKey: .database)
        displayName = try container.decodeIfPresent(String.self, forKey: .displayName) ?? id
        modelPath = try container.decodeIfPresent(String.self, forKey: .modelPath)
    }

    /// The same tenant with its relative database and model paths resolved against `root`.
    public func resolvingPaths(against root: String) -> TenantConfiguration {
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : (root.hasSuffix("/") ? root + path : root + "/" + path)
        }
        var copy = self
        copy.database.path = database.path.map(resolve)
        copy.modelPath = modelPath.map(resolve)
        return copy
    }
}
