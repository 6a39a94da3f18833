public import Logging
import NIOPosix
import Synchronization

/// A Microsoft SQL Server database behind the ``Database`` protocol, through FreeTDS
/// db-lib (TDS 7.4).
///
/// db-lib calls block and a DBPROCESS serves one job at a time, so each call leases a
/// connection from a pool and runs on this database's own `NIOThreadPool`, never on
/// Swift's cooperative pool. Binds travel as typed `sp_executesql` parameters
/// (`@P1`, `@P2`, … in the SQL text); bulk loads use db-lib's bcp API.
public final class SQLServerDatabase: Database {
    /// How to reach the server: ``SQLServerConfiguration``.
    public typealias Configuration = SQLServerConfiguration

    public var dialect: SQLDialect { .sqlserver }

    /// Where the database is, without the password.
    public let configuration: SQLServerConfiguration
    private let pool: SQLServerConnectionPool
    private let threadPool: NIOThreadPool
    private let closed = Atomic<Bool>(false)
    private let logger: Logger

    /// Prepares the pool; connections are opened on first use, so an unreachable server
    /// fails the first statement (with host, port and database named), not this init.
    public init(configuration: SQLServerConfiguration, logger: Logger = Logger(label: "convai.warehouse.sqlserver")) throws {
        guard (1...256).contains(configuration.maxConnections) else {
            throw WarehouseError(.invalidConfiguration, "max_connections must be 1 to 256, found \(configuration.maxConnections)")
        }
        let threadPool = NIOThreadPool(numberOfThreads: configuration.maxConnections)
        threadPool.start()
        self.threadPool = threadPool
        self.configuration = configuration
        self.logger = logger
        self.pool = SQLServerConnectionPool(endpoint: configuration.endpoint, maxConnections: configuration.maxConnections) {
            try await threadPool.runIfActive { try SQLServerConnection(configuration: configuration) }
        }
    }

    /// Opens one connection now, to report a bad address or login at startup.
    public static func connect(
        configuration: SQLServerConfiguration, logger: Logger = Logger(label: "convai.warehouse.sqlserver")
    ) async throws -> SQLServerDatabase {
        let database = try SQLServerDatabase(configuration: configuration, logger: logger)
        do {
            _ = try await database.query("SELECT 1")
        } catch {
            try? await database.close()
            throw error
        }
        return database
    }

    /// The linked FreeTDS version, e.g. `freetds v1.3.17`; loading it proves the library links.
    public static var libraryVersion: String { FreeTDSLibrary.version }

    private func withConnection<T: Sendable>(_ body: @escaping @Sendable (SQLServerConnection) throws -> T) async throws -> T {
        let connection = try await pool.acquire()
        defer { pool.release(connection) }
        do {
            return try await threadPool.runIfActive { try body(connection) }
        } catch let error as WarehouseError {
            throw error
        } catch where closed.load(ordering: .relaxed) {
            throw WarehouseError(.closed, "the SQL Server database \(configuration.endpoint) is closed")
        }
    }

    public func query(_ sql: String, _ binds: [Value]) async throws -> ResultSet {
        try await withConnection { try $0.query(sql, binds) }
    }

    @discardableResult
    public func execute(_ sql: String, _ binds: [Value]) async throws -> Int {
        try await withConnection { try $0.execute(sql, binds) }
    }

    @discardableResult
    public func bulkLoad(into table: String, columns: [String], rows: [[Value]]) async throws -> Int {
        try await withConnection { try $0.bulkLoad(into: table, columns: columns, rows: rows) }
    }

    public func transaction(_ statements: [Statement]) async throws {
        try await withConnection { try $0.transaction(statements) }
    }

    /// Waits for running statements, then closes every connection once.
    public func close() async throws {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await pool.close()
        try await threadPool.shutdownGracefully()
        logger.debug("closed SQL Server database", metadata: ["db.endpoint": "\(configuration.endpoint)"])
    }

    deinit {
        if !closed.load(ordering: .relaxed) { threadPool.shutdownGracefully { _ in } }
    }
}
