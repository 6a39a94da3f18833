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
        /// How long one statement (``query(_:_:)`` or ``execute(_:_:)``) may run, in
        /// milliseconds, before it is interrupted and fails with ``WarehouseError/Code/timeout``;
        /// nil or 0 for no limit. DuckDB has no `statement_timeout` setting: the driver
        /// interrupts the connection (`duckdb_interrupt`) when the time is up. Bulk loads and
        /// transactions are not limited.
        public var statementTimeoutMilliseconds: Int?

        /// Makes a configuration; `path: nil` is in memory.
        public init(
            path: String? = nil, maxConnections: Int = 4, settings: [String: String] = [:],
            statementTimeoutMilliseconds: Int? = nil
        ) {
            self.path = path
            self.maxConnections = maxConnections
            self.settings = settings
            self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        }
    }

    public var dialect: SQLDialect { .duckdb }

    private let handle: DuckDBHandle
    private let pool: DuckDBConnectionPool
    private let threadPool: NIOThreadPool
    private let closed = Atomic<Bool>(false)
    private let logger: Logger
    private let statementTimeoutMilliseconds: Int?

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
        self.statementTimeoutMilliseconds = configuration.statementTimeoutMilliseconds.flatMap { $0 > 0 ? $0 : nil }
        logger.debug("opened DuckDB database", metadata: ["db.path": "\(handle.path)"])
    }

    /// The version string of the linked libduckdb, e.g. `v1.4.1`.
    public static var libraryVersion: String { DuckDBConnection.libraryVersion }

    /// Runs `body` on a leased connection on the thread pool; with `timed` set to the
    /// statement and a statement timeout configured, interrupts it when the time is up.
    private func withConnection<T: Sendable>(
        timed sql: String? = nil, _ body: @escaping @Sendable (DuckDBConnection) throws -> T
    ) async throws -> T {
        let connection = try await pool.acquire()
        defer { pool.release(connection) }
        do {
            if let sql, let milliseconds = statementTimeoutMilliseconds {
                return try await runTimed(sql, on: connection, milliseconds: milliseconds, body)
            }
            return try await threadPool.runIfActive { try body(connection) }
        } catch let error as WarehouseError {
            throw error
        } catch where closed.load(ordering: .relaxed) {
            throw WarehouseError(.closed, "the DuckDB database \(handle.path) is closed")
        }
    }

    /// Runs `body` beside a timer that interrupts the connection once `milliseconds` have
    /// passed, again every 50 ms until the statement ends (an interrupt that lands between
    /// two C calls, e.g. while binding, is otherwise lost: DuckDB clears the flag when a
    /// statement starts). The statement's generation keeps a late timer from touching the
    /// connection's next statement; the timer is also cancelled and awaited before the
    /// connection goes back to the pool.
    private func runTimed<T: Sendable>(
        _ sql: String, on connection: DuckDBConnection, milliseconds: Int,
        _ body: @escaping @Sendable (DuckDBConnection) throws -> T
    ) async throws -> T {
        let threadPool = self.threadPool
        let generation = connection.beginTimedStatement()
        let outcome = await withTaskGroup(of: Result<T, any Error>?.self) { group in
            group.addTask {
                do {
                    return .success(
                        try await threadPool.runIfActive {
                            defer { connection.endTimedStatement() }
                            return try body(connection)
                        })
                } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                guard (try? await Task.sleep(for: .milliseconds(milliseconds))) != nil else { return nil }
                while connection.interrupt(generation: generation) {
                    guard (try? await Task.sleep(for: .milliseconds(50))) != nil else { break }
                }
                return nil
            }
            var outcome: Result<T, any Error>?
            for await result in group {
                guard let result else { continue }
                outcome = result
                group.cancelAll()
            }
            return outcome
        }
        // The statement has ended (or never ran); the flag says whether the timer stopped it.
        let interrupted = connection.endTimedStatement()
        switch outcome {
        case .success(let value)?:
            return value
        case .failure? where interrupted:
            throw WarehouseError(
                .timeout, "the statement ran longer than \(milliseconds) ms (statement_timeout_ms) and was stopped",
                statement: sql)
        case .failure(let error)?:
            throw error
        case nil:
            throw CancellationError()
        }
    }

    public func query(_ sql: String, _ binds: [Value]) async throws -> ResultSet {
        try await withConnection(timed: sql) { try $0.query(sql, binds) }
    }

    @discardableResult
    public func execute(_ sql: String, _ binds: [Value]) async throws -> Int {
        try await withConnection(timed: sql) { try $0.execute(sql, binds) }
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
