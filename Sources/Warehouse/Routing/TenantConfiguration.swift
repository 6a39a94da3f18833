/// Where and how one tenant's warehouse database is reached.
public struct DatabaseConfiguration: Sendable, Hashable, Decodable {
    /// The engines this build can open.
    public enum Engine: String, Sendable, Hashable, CaseIterable, Decodable {
        case duckdb
        case sqlserver

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let raw = try container.decode(String.self)
            guard let engine = Engine(rawValue: raw.lowercased() == "mssql" ? "sqlserver" : raw.lowercased()) else {
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
    /// The database file for DuckDB, relative to the project root unless absolute.
    public var path: String?
    /// The most connections to keep open at once.
    public var maxConnections: Int
    /// Engine settings passed when opening (DuckDB: `threads`, `memory_limit`, …).
    public var settings: [String: String]
    /// Where a `sqlserver` (or `mssql`) database is: from `url` or the separate keys
    /// (see ``SQLServerConfiguration/init(decoding:)``).
    public var sqlServer: SQLServerConfiguration?

    /// Makes a database configuration.
    public init(engine: Engine, path: String? = nil, maxConnections: Int = 4, settings: [String: String] = [:]) {
        self.engine = engine
        self.path = path
        self.maxConnections = maxConnections
        self.settings = settings
    }

    /// Makes a SQL Server database configuration.
    public init(sqlServer: SQLServerConfiguration) {
        self.init(engine: .sqlserver, maxConnections: sqlServer.maxConnections)
        self.sqlServer = sqlServer
    }

    enum CodingKeys: String, CodingKey {
        case engine, path, settings
        case maxConnections = "max_connections"
    }

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
            sqlServer = try SQLServerConfiguration(decoding: decoder, maxConnections: maxConnections)
        }
        if engine == .duckdb, (path ?? "").isEmpty {
            throw DecodingError.keyNotFound(
                CodingKeys.path, .init(codingPath: container.codingPath, debugDescription: "DuckDB needs a file path"))
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
