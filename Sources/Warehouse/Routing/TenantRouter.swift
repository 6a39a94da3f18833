public import Logging

/// Hands out each tenant's ``Database``, opening it on first use and keeping it for the
/// life of the process. A tenant's database is only ever reached through its own id.
public actor TenantRouter {
    /// The state of one tenant's database, for `/health`.
    public struct Health: Sendable, Hashable, Codable {
        /// The tenant id.
        public var tenant: String
        /// The engine name.
        public var engine: String
        /// `up` or `down`.
        public var status: String
        /// How long `SELECT 1` took, in milliseconds (when up).
        public var latencyMs: Double?
        /// Why it is down (when down), in general words: the engine's own message may name
        /// files or data, so it goes to the log, not to an unauthenticated client.
        public var error: String?
    }

    /// How busy one tenant's database is, for the pool-usage metrics.
    public struct Usage: Sendable, Hashable {
        /// The tenant id.
        public var tenant: String
        /// The engine name.
        public var engine: String
        /// Statements running now.
        public var inFlight: Int
        /// The most that may run at once (the configured pool size).
        public var maxConnections: Int
    }

    private let tenants: [String: TenantConfiguration]
    private var open: [String: any Database] = [:]
    private let logger: Logger
    private let inFlight: [String: InFlightCounter]

    /// Makes a router over the configured tenants.
    public init(tenants: [TenantConfiguration], logger: Logger) {
        self.tenants = Dictionary(tenants.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        self.logger = logger
        self.inFlight = self.tenants.mapValues { _ in InFlightCounter() }
    }

    /// Per tenant, statements running now against the pool size; read without waiting for
    /// the router (a metrics scrape must not queue behind a slow open).
    public nonisolated func usage() -> [Usage] {
        tenantIDs.compactMap { id in
            guard let configuration = tenants[id], let counter = inFlight[id] else { return nil }
            return Usage(
                tenant: id, engine: configuration.database.engine.rawValue, inFlight: counter.value,
                maxConnections: configuration.database.maxConnections)
        }
    }

    /// The configured tenant ids, sorted.
    public nonisolated var tenantIDs: [String] { tenants.keys.sorted() }

    /// The configuration of a tenant; an unknown id is an error listing the known ones.
    public nonisolated func configuration(for tenant: String) throws -> TenantConfiguration {
        guard let configuration = tenants[tenant] else {
            throw WarehouseError(
                .unknownTenant,
                "unknown tenant '\(tenant)'; known tenants: \(tenantIDs.joined(separator: ", "))")
        }
        return configuration
    }

    /// The tenant's database, opened on first use.
    public func database(for tenant: String) throws -> any Database {
        if let database = open[tenant] { return database }
        let configuration = try configuration(for: tenant)
        let base: any Database
        do {
            base = try Self.open(configuration, logger: logger)
        } catch var error as WarehouseError {
            error.message = "tenant \(tenant) (\(configuration.database.engine.rawValue)): " + error.message
            throw error
        }
        let database = TenantDatabase(
            tenant: tenant, engine: configuration.database.engine, base: base, inFlight: inFlight[tenant] ?? InFlightCounter())
        open[tenant] = database
        logger.info(
            "opened tenant database",
            metadata: ["tenant.id": "\(tenant)", "db.engine": "\(configuration.database.engine.rawValue)"])
        return database
    }

    static func open(_ tenant: TenantConfiguration, logger: Logger) throws -> any Database {
        switch tenant.database.engine {
        case .duckdb:
            var logger = logger
            logger[metadataKey: "tenant.id"] = "\(tenant.id)"
            return try DuckDBDatabase(
                configuration: .init(
                    path: tenant.database.path, maxConnections: tenant.database.maxConnections,
                    settings: tenant.database.settings,
                    statementTimeoutMilliseconds: tenant.database.statementTimeoutMilliseconds),
                logger: logger)
        case .postgres:
            var logger = logger
            logger[metadataKey: "tenant.id"] = "\(tenant.id)"
            return try PostgresDatabase(configuration: .init(tenant.database), logger: logger)
        case .sqlserver:
            guard let sqlServer = tenant.database.sqlServer else {
                throw WarehouseError(.invalidConfiguration, "tenant \(tenant.id): engine sqlserver needs url or host/user/password/database")
            }
            var logger = logger
            logger[metadataKey: "tenant.id"] = "\(tenant.id)"
            return try SQLServerDatabase(configuration: sqlServer, logger: logger)
        case .sqlite:
            var logger = logger
            logger[metadataKey: "tenant.id"] = "\(tenant.id)"
            return try SQLiteDatabase(
                configuration: .init(
                    path: tenant.database.path, maxConnections: tenant.database.maxConnections,
                    pragmas: tenant.database.settings),
                logger: logger)
        }
    }

    /// Checks every tenant's database with `SELECT 1`, concurrently.
    public func health() async -> [Health] {
        var databases: [(String, Result<any Database, any Error>)] = []
        for id in tenantIDs {
            databases.append((id, Result { try database(for: id) }))
        }
        let engines = tenants.mapValues(\.database.engine.rawValue)
        let logger = self.logger
        return await withTaskGroup(of: Health.self) { group in
            for (id, opened) in databases {
                let engine = engines[id] ?? "unknown"
                group.addTask {
                    switch opened {
                    case .failure(let error):
                        logger.warning("tenant database cannot open", metadata: ["tenant.id": "\(id)", "error": "\(error)"])
                        return Health(tenant: id, engine: engine, status: "down", error: "the database cannot be opened")
                    case .success(let database):
                        let clock = ContinuousClock()
                        let start = clock.now
                        do {
                            _ = try await database.query("SELECT 1")
                            let elapsed = clock.now - start
                            let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
                            return Health(tenant: id, engine: engine, status: "up", latencyMs: (ms * 1000).rounded() / 1000)
                        } catch {
                            logger.warning("tenant health query failed", metadata: ["tenant.id": "\(id)", "error": "\(error)"])
                            return Health(tenant: id, engine: engine, status: "down", error: "the health query failed")
                        }
                    }
                }
            }
            var results: [Health] = []
            for await health in group { results.append(health) }
            return results.sorted { $0.tenant < $1.tenant }
        }
    }

    /// Closes every open database.
    public func closeAll() async {
        // Take each database out before awaiting its close, so one opened meanwhile is
        // not forgotten unclosed.
        while let (tenant, database) = open.first {
            open[tenant] = nil
            do { try await database.close() } catch {
                logger.warning("closing tenant database failed", metadata: ["tenant.id": "\(tenant)", "error": "\(error)"])
            }
        }
    }
}
