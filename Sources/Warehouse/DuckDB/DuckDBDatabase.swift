public import Logging
import NIOPosix
import Synchronization
import Foundation

/// A DuckDB database (a file or in memory) behind the ``Database`` protocol.
///
/// Blocking C calls run on the database's own `NIOThreadPool`, never on Swift's
/// cooperative pool, each on a connection leased from a pool, so that many tasks can
/// query at once and a slow analytical query does not starve the HTTP server.
public final class DuckDBDatabase: Database {
    /// How to open the database.
    public struct Configuration: Sendable {
        /// The database file; nil for an in-memory database.
        public var path: String?
        /// The most connections (and so concurrent statements) at once.
        public var maxConnections: Int
        /// DuckDB settings passed at open, e.g. `threads` or `memory_limit`.
        public var settings: [String: String]

        /// Makes a configuration; `path: nil` is in memory.
        public init(path: String? = nil, maxConnections: Int = 4, settings: [String: String] = [:]) {
            self.path = path
            self.maxConnections = maxConnections
            self.settings = settings
        }
    }

    public var dialect: SQLDialect { .duckdb }

    private let handle: DuckDBHandle
    private let pool: DuckDBConnectionPool
    private let threadPool: NIOThreadPool
    private let closed = Atomic<Bool>(false)
    private let logger: Logger

    /// Opens (creating when missing) the database and its parent folder.
    public init(configuration: Configuration, logger: Logger = Logger(label: "convai.warehouse.duckdb")) throws {
        if let path = configuration.path {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        self.handle = try DuckDBHandle(path: configuration.path, settings: configuration.settings)
        self.pool = DuckDBConnectionPool(handle: handle, maxConnections: configuration.maxConnections)
        self.threadPool = NIOThreadPool(numberOfThreads: max(1, configuration.maxConnections))
        self.threadPool.start()
        self.logger = logger
        logger.debug("opened DuckDB database", metadata: ["db.path": "\(handle.path)"])
    }

    /// The version string of the linked libduckdb, e.g. `v1.4.1`.
    public static var libraryVersion: String { DuckDBConnection.libraryVersion }

    private func withConnection<T: Sendable>(_ body: @escaping @Sendable (DuckDBConnection) throws -> T) async throws -> T {
        let connection = try await pool.acquire()
        defer { pool.release(connection) }
        do {
            return try await threadPool.runIfActive { try body(connection) }
        } catch let error as WarehouseError {
            throw error
        } catch where closed.load(ordering: .relaxed) {
            throw WarehouseError(.closed, "the DuckDB database \(handle.path) is closed")
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
        try await withConnection { try $0.append(into: table, columns: columns, rows: rows) }
    }

    public func transaction(_ statements: [Statement]) async throws {
        try await withConnection { try $0.transaction(statements) }
    }

    /// Waits for running statements, then closes connections and the database once.
    public func close() async throws {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await pool.close()
        handle.close()
        try await threadPool.shutdownGracefully()
        logger.debug("closed DuckDB database", metadata: ["db.path": "\(handle.path)"])
    }

    deinit {
        // A database dropped without close() still releases its file; the thread pool's
        // threads end when it is deallocated after shutdown.
        if !closed.load(ordering: .relaxed) {
            handle.close()
            threadPool.shutdownGracefully { _ in }
        }
    }
}
