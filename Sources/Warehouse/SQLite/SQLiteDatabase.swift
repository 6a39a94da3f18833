import Foundation
public import Logging
import NIOCore
import NIOPosix
import SQLiteNIO
import Synchronization

/// An SQLite database (a file or in memory) behind the ``Database`` protocol, on
/// SQLiteNIO.
///
/// A file database runs in WAL mode: one writer connection takes every `execute`,
/// `transaction` and `bulkLoad` in turn (SQLite allows one writer at a time anyway, so
/// queueing here beats spinning on the file lock), while up to `maxConnections - 1`
/// reader connections serve queries concurrently with it. `busy_timeout` covers other
/// processes holding the lock. An in-memory database lives inside one connection, so
/// it has exactly one, shared by reads and writes.
///
/// SQLite's storage classes are NULL, INTEGER, REAL, TEXT and BLOB; see
/// ``SQLiteValueCoding`` for how DATE, TIMESTAMP, DECIMAL and BOOLEAN travel.
public final class SQLiteDatabase: Database {
    /// How to open the database.
    public struct Configuration: Sendable {
        /// The database file; nil for an in-memory database.
        public var path: String?
        /// The most connections at once: one writer plus readers (at least 2 for a file;
        /// always 1 in memory).
        public var maxConnections: Int
        /// How long a statement waits for another process's lock, in milliseconds.
        public var busyTimeoutMilliseconds: Int
        /// Further PRAGMAs run on every new connection, e.g. `synchronous: NORMAL` or
        /// `cache_size: -64000`.
        public var pragmas: [String: String]

        /// Makes a configuration; `path: nil` is in memory.
        public init(
            path: String? = nil, maxConnections: Int = 4, busyTimeoutMilliseconds: Int = 5000,
            pragmas: [String: String] = [:]
        ) {
            self.path = path
            self.maxConnections = maxConnections
            self.busyTimeoutMilliseconds = busyTimeoutMilliseconds
            self.pragmas = pragmas
        }
    }

    public var dialect: SQLDialect { .sqlite }

    /// The version of the SQLite library linked in through SQLiteNIO, e.g. `3.54.1`.
    public static var libraryVersion: String { SQLiteConnection.libraryVersionString() }

    private let writer: SQLiteConnectionPool
    private let readers: SQLiteConnectionPool
    private let threadPool: NIOThreadPool
    private let closed = Atomic<Bool>(false)
    private let logger: Logger
    private let name: String

    /// Opens the database lazily (the first statement opens a connection, creating the
    /// file when missing); the parent folder is created now.
    public init(configuration: Configuration, logger: Logger = Logger(label: "convai.warehouse.sqlite")) throws {
        for (key, value) in configuration.pragmas {
            guard Self.isPragmaName(key), Self.isPragmaValue(value) else {
                throw WarehouseError(
                    .invalidConfiguration,
                    "SQLite setting '\(key)' must be a PRAGMA name with a plain value (letters, digits, '.', '-')")
            }
        }
        let storage: SQLiteConnection.Storage
        if let path = configuration.path {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            storage = .file(path: path)
            name = path
        } else {
            storage = .memory
            name = ":memory:"
        }
        let threadPool = NIOThreadPool(numberOfThreads: max(1, min(configuration.maxConnections, 4)))
        threadPool.start()
        self.threadPool = threadPool
        self.logger = logger

        // busy_timeout first: switching to WAL takes a lock another connection may hold.
        let setup =
            ["PRAGMA busy_timeout = \(max(0, configuration.busyTimeoutMilliseconds))"]
            + (configuration.path != nil ? ["PRAGMA journal_mode = WAL"] : [])
            + configuration.pragmas.sorted { $0.key < $1.key }.map { "PRAGMA \($0.key) = \($0.value)" }
        let name = self.name
        let open: @Sendable () async throws -> SQLiteConnection = {
            let connection: SQLiteConnection
            do {
                connection = try await SQLiteConnection.open(
                    storage: storage, threadPool: threadPool, logger: logger,
                    on: MultiThreadedEventLoopGroup.singleton.any())
            } catch let error as SQLiteError {
                throw WarehouseError.sqlite(error, code: .connectionFailed, statement: nil)
            }
            do {
                for pragma in setup { _ = try await connection.query(pragma) }
            } catch let error as SQLiteError {
                try? await connection.close()
                throw WarehouseError.sqlite(error, code: .connectionFailed, statement: nil)
            }
            logger.debug("opened SQLite connection", metadata: ["db.path": "\(name)"])
            return connection
        }
        writer = SQLiteConnectionPool(name: name, maxConnections: 1, open: open)
        readers =
            configuration.path == nil
            ? writer : SQLiteConnectionPool(name: name, maxConnections: max(1, configuration.maxConnections - 1), open: open)
    }

    static func isPragmaName(_ key: String) -> Bool {
        !key.isEmpty && key.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0 == "_") }
    }

    static func isPragmaValue(_ value: String) -> Bool {
        !value.isEmpty
            && value.unicodeScalars.allSatisfy {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0))
            }
    }

    private func checkOpen() throws {
        if closed.load(ordering: .relaxed) { throw WarehouseError(.closed, "the SQLite database \(name) is closed") }
    }

    public func query(_ sql: String, _ binds: [Value]) async throws -> ResultSet {
        try checkOpen()
        try checkSingleStatement(sql, binds: binds.count)
        return try await readers.withConnection { connection in
            let sqliteBinds = binds.map(SQLiteValueCoding.bind)
            let rows = try await run(sql, sqliteBinds, on: connection)
            let declared = await declaredColumns(of: sql, on: connection)
            return Self.resultSet(rows: rows, declared: declared)
        }
    }

    @discardableResult
    public func execute(_ sql: String, _ binds: [Value]) async throws -> Int {
        try checkOpen()
        return try await writer.withConnection { connection in
            try await executeScript(sql, binds, on: connection)
        }
    }

    @discardableResult
    public func bulkLoad(into table: String, columns: [String], rows: [[Value]]) async throws -> Int {
        try checkOpen()
        guard !columns.isEmpty else { throw WarehouseError(.bulkLoadFailed, "bulk load into \(table) names no columns") }
        if let bad = rows.firstIndex(where: { $0.count != columns.count }) {
            throw WarehouseError(
                .bulkLoadFailed,
                "row \(bad) of the bulk load into \(table) has \(rows[bad].count) values for \(columns.count) columns")
        }
        let target = dialect.quoteQualifiedName(table)
        let columnList = columns.map(dialect.quoteIdentifier).joined(separator: ", ")
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        // SQLiteNIO prepares a statement per call and offers no way to keep one, so rows go
        // in as multi-row VALUES batches: one prepare per batch instead of one per row.
        // ~32k parameters per statement keeps well below SQLite's variable limit.
        let rowsPerBatch = max(1, min(500, 32_000 / columns.count))
        return try await writer.withConnection { connection in
            do {
                try await inTransaction(on: connection) {
                    var start = 0
                    var fullBatchSQL: String?
                    while start < rows.count {
                        let end = min(start + rowsPerBatch, rows.count)
                        let count = end - start
                        let sql: String
                        if count == rowsPerBatch, let cached = fullBatchSQL {
                            sql = cached
                        } else {
                            sql = "INSERT INTO \(target) (\(columnList)) VALUES "
                                + Array(repeating: tuple, count: count).joined(separator: ", ")
                            if count == rowsPerBatch { fullBatchSQL = sql }
                        }
                        var binds: [SQLiteData] = []
                        binds.reserveCapacity(count * columns.count)
                        for row in rows[start..<end] { binds.append(contentsOf: row.map(SQLiteValueCoding.bind)) }
                        _ = try await run(sql, binds, on: connection)
                        start = end
                    }
                }
            } catch let error as WarehouseError {
                throw WarehouseError(
                    .bulkLoadFailed, "bulk load into \(table) failed: \(error.message)", resultCode: error.resultCode)
            }
            return rows.count
        }
    }

    public func transaction(_ statements: [Statement]) async throws {
        try checkOpen()
        try await writer.withConnection { connection in
            try await inTransaction(on: connection) {
                for statement in statements {
                    _ = try await executeScript(statement.sql, statement.binds, on: connection)
                }
            }
        }
    }

    /// Waits for running statements, then closes every connection once.
    public func close() async throws {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        await writer.close()
        if readers !== writer { await readers.close() }
        try await threadPool.shutdownGracefully()
        logger.debug("closed SQLite database", metadata: ["db.path": "\(name)"])
    }

    deinit {
        // Connections not closed here stay open until the process ends (SQLiteNIO's
        // connections must be closed asynchronously); the threads are released.
        if !closed.load(ordering: .relaxed) { threadPool.shutdownGracefully { _ in } }
    }

    // MARK: - Statements on one connection

    /// SQLiteNIO runs only the first statement of its text and binds missing parameters
    /// as NULL, both silently; here either is an error instead.
    private func checkSingleStatement(_ sql: String, binds: Int) throws {
        let statements = SQLiteStatementText.split(sql)
        if statements.count > 1 {
            throw WarehouseError(
                binds > 0 ? .bindFailed : .statementFailed,
                "\(statements.count) statements given where one is expected (several are allowed only in execute "
                    + "without binds)", statement: sql)
        }
        if let markers = SQLiteStatementText.markerCount(sql), markers != binds {
            throw WarehouseError(
                .bindFailed, "the statement has \(markers) parameter(s) but \(binds) value(s) were bound", statement: sql)
        }
    }

    private func run(_ sql: String, _ binds: [SQLiteData], on connection: SQLiteConnection) async throws -> [SQLiteRow] {
        do {
            return try await connection.query(sql, binds)
        } catch let error as SQLiteError {
            throw WarehouseError.sqlite(error, statement: sql)
        } catch where closed.load(ordering: .relaxed) {
            throw WarehouseError(.closed, "the SQLite database \(name) is closed")
        }
    }

    /// Runs a statement, or a script when there are no binds, and returns the rows
    /// changed by the last statement.
    private func executeScript(_ sql: String, _ binds: [Value], on connection: SQLiteConnection) async throws -> Int {
        if !binds.isEmpty { try checkSingleStatement(sql, binds: binds.count) }
        let statements = binds.isEmpty ? SQLiteStatementText.split(sql) : [sql]
        guard let last = statements.last else { return 0 }
        for statement in statements.dropLast() { _ = try await run(statement, [], on: connection) }
        // changes() keeps the count of the previous INSERT/UPDATE/DELETE after DDL, so
        // it counts only when total_changes() moved.
        let before = try await run("SELECT total_changes()", [], on: connection).first?.columns.first?.data.integer ?? 0
        _ = try await run(last, binds.map(SQLiteValueCoding.bind), on: connection)
        let after = try await run("SELECT total_changes(), changes()", [], on: connection).first?.columns
        guard let after, after.count == 2, let total = after[0].data.integer, total != before else { return 0 }
        return Int(after[1].data.integer ?? 0)
    }

    /// BEGIN IMMEDIATE takes the write lock up front, so a transaction waits at its
    /// start (under busy_timeout) rather than failing half-way when another writer holds it.
    private func inTransaction(on connection: SQLiteConnection, _ body: () async throws -> Void) async throws {
        _ = try await run("BEGIN IMMEDIATE", [], on: connection)
        do {
            try await body()
            _ = try await run("COMMIT", [], on: connection)
        } catch {
            // SQLite may have rolled back already (e.g. on SQLITE_FULL); the rollback's
            // own error then says nothing new.
            _ = try? await run("ROLLBACK", [], on: connection)
            throw error
        }
    }

    // MARK: - Result typing

    private static let probeView = "convai_result_columns"

    /// The declared types (and names) of the statement's result columns. SQLiteNIO does
    /// not expose `sqlite3_column_decltype`, but a temporary view over the same SELECT
    /// gets its column types from the same place, and `table_info` reads them. nil when
    /// the statement cannot be a view (PRAGMA, DML with RETURNING, …).
    private func declaredColumns(of sql: String, on connection: SQLiteConnection) async -> [(name: String, type: String)]? {
        let keyword = SQLiteStatementText.firstKeyword(sql)
        guard ["SELECT", "WITH", "VALUES"].contains(keyword), let body = SQLiteStatementText.replacingMarkersWithNull(sql)
        else { return nil }
        let view = "temp." + Self.probeView
        do {
            _ = try await connection.query("DROP VIEW IF EXISTS \(view)")
            _ = try await connection.query("CREATE TEMP VIEW \(Self.probeView) AS \(body)")
            let rows = try await connection.query(
                "SELECT name, type FROM pragma_table_info(?, 'temp') ORDER BY cid", [.text(Self.probeView)])
            _ = try? await connection.query("DROP VIEW IF EXISTS \(view)")
            return rows.map { ($0.columns[0].data.string ?? "", $0.columns[1].data.string ?? "") }
        } catch {
            _ = try? await connection.query("DROP VIEW IF EXISTS \(view)")
            return nil
        }
    }

    static func resultSet(rows: [SQLiteRow], declared: [(name: String, type: String)]?) -> ResultSet {
        let names: [String]
        let cells: [[SQLiteData]] = rows.map { $0.columns.map(\.data) }
        if let first = rows.first {
            names = first.columns.map(\.name)
        } else {
            names = declared?.map(\.name) ?? []
        }
        var columns: [Column] = []
        for (index, name) in names.enumerated() {
            let declaredType = declared.flatMap { index < $0.count ? $0[index].type : nil }
            let type = SQLiteValueCoding.columnType(declared: declaredType, values: cells.map { $0[index] })
            columns.append(Column(name: name, type: type))
        }
        let values = cells.map { row in
            row.enumerated().map { SQLiteValueCoding.value($0.element, as: columns[$0.offset].type) }
        }
        return ResultSet(columns: columns, rows: values)
    }
}
