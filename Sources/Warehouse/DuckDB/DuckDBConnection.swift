import CDuckDB
import Synchronization

/// One DuckDB connection: prepared statements, typed binds, result decoding and the
/// Appender. Every method blocks; callers run them on a thread pool.
///
/// `@unchecked Sendable`: a DuckDB connection must not be used by two threads at once.
/// ``DuckDBConnectionPool`` guarantees that: a connection is leased to exactly one job
/// at a time and only moves between threads while no job holds it. The one exception is
/// ``interrupt(generation:)``, which DuckDB allows from any thread (`duckdb_interrupt`
/// only sets a flag the running statement polls); it runs under `statement`'s lock and
/// only while a timed statement is running, so the connection is leased and open.
final class DuckDBConnection: @unchecked Sendable {
    private var connection: duckdb_connection?
    // Keeps the database alive for as long as any of its connections exists.
    private let handle: DuckDBHandle

    /// The timed statement running now, if any. Each statement gets a new generation, so
    /// a timer armed for one statement can never interrupt the next one.
    private struct TimedStatement {
        var generation: UInt64 = 0
        var running = false
        var interrupted = false
    }

    private let statement = Mutex(TimedStatement())

    init(handle: DuckDBHandle) throws {
        self.handle = handle
        self.connection = try handle.connect()
    }

    func disconnect() {
        // Under the statement lock, so that a late interrupt never sees a freed connection.
        statement.withLock { _ in
            if connection != nil { duckdb_disconnect(&connection) }
        }
    }

    deinit { disconnect() }

    private func open() throws -> duckdb_connection {
        guard let connection else { throw WarehouseError(.closed, "the DuckDB connection is closed") }
        return connection
    }

    // MARK: Statement timeout

    /// Marks the start of a timed statement and returns its generation.
    func beginTimedStatement() -> UInt64 {
        statement.withLock { state in
            state.generation &+= 1
            state.running = true
            state.interrupted = false
            return state.generation
        }
    }

    /// Marks the end of the timed statement; from now on ``interrupt(generation:)`` for it
    /// does nothing. Returns whether it was interrupted.
    @discardableResult
    func endTimedStatement() -> Bool {
        statement.withLock { state in
            state.running = false
            return state.interrupted
        }
    }

    /// Interrupts the statement of `generation` if it is still running; returns false
    /// (and does nothing) once it has ended or another statement has started. Safe from
    /// any thread.
    func interrupt(generation: UInt64) -> Bool {
        statement.withLock { state in
            guard state.running, state.generation == generation, let connection else { return false }
            duckdb_interrupt(connection)
            state.interrupted = true
            return true
        }
    }

    // MARK: Statements

    /// Prepares, binds and runs one statement, reading the whole result.
    func query(_ sql: String, _ binds: [Value]) throws -> ResultSet {
        try withPreparedResult(sql, binds) { result in try DuckDBResultReader.read(&result) }
    }

    /// Runs DDL/DML. Without binds the text may hold several statements.
    func execute(_ sql: String, _ binds: [Value]) throws -> Int {
        if binds.isEmpty {
            var result = duckdb_result()
            defer { duckdb_destroy_result(&result) }
            guard duckdb_query(try open(), sql, &result) == DuckDBSuccess else {
                throw WarehouseError(.statementFailed, Self.errorMessage(&result), statement: sql)
            }
            return Int(duckdb_rows_changed(&result))
        }
        return try withPreparedResult(sql, binds) { result in Int(duckdb_rows_changed(&result)) }
    }

    private func withPreparedResult<T>(_ sql: String, _ binds: [Value], _ body: (inout duckdb_result) throws -> T)
        throws -> T
    {
        var statement: duckdb_prepared_statement?
        defer { duckdb_destroy_prepare(&statement) }
        guard duckdb_prepare(try open(), sql, &statement) == DuckDBSuccess, let statement else {
            let message = statement.flatMap { duckdb_prepare_error($0) }.map { String(cString: $0) }
            throw WarehouseError(.statementFailed, message ?? "DuckDB could not prepare the statement", statement: sql)
        }
        let expected = Int(duckdb_nparams(statement))
        guard expected == binds.count else {
            throw WarehouseError(
                .bindFailed, "the statement has \(expected) parameter(s) but \(binds.count) value(s) were bound",
                statement: sql)
        }
        for (offset, value) in binds.enumerated() {
            try Self.bind(value, at: offset + 1, to: statement, sql: sql)
        }
        var result = duckdb_result()
        defer { duckdb_destroy_result(&result) }
        guard duckdb_execute_prepared(statement, &result) == DuckDBSuccess else {
            throw WarehouseError(.statementFailed, Self.errorMessage(&result), statement: sql)
        }
        return try body(&result)
    }

    private static func bind(_ value: Value, at index: Int, to statement: duckdb_prepared_statement, sql: String)
        throws
    {
        let i = idx_t(index)
        let state: duckdb_state
        switch value {
        case .null: state = duckdb_bind_null(statement, i)
        case .bool(let v): state = duckdb_bind_boolean(statement, i, v)
        case .int(let v): state = duckdb_bind_int64(statement, i, v)
        case .double(let v): state = duckdb_bind_double(statement, i, v)
        case .string(let v):
            state = withUTF8CString(v) { duckdb_bind_varchar_length(statement, i, $0, idx_t($1)) }
        case .date(let v): state = duckdb_bind_date(statement, i, duckdb_date(days: v.daysSinceEpoch))
        case .timestamp(let v):
            state = duckdb_bind_timestamp(statement, i, duckdb_timestamp(micros: v.microsecondsSinceEpoch))
        case .decimal(let v):
            let digits = String(v.unscaled.magnitude).count
            guard digits <= 38 else {
                throw WarehouseError(.bindFailed, "parameter \(index): \(v) has more than 38 digits", statement: sql)
            }
            let width = UInt8(min(38, max(digits, v.scale + 1, 1)))
            let decimal = duckdb_decimal(width: width, scale: UInt8(v.scale), value: makeHugeint(v.unscaled))
            state = duckdb_bind_decimal(statement, i, decimal)
        }
        guard state == DuckDBSuccess else {
            throw WarehouseError(.bindFailed, "DuckDB could not bind parameter \(index)", statement: sql)
        }
    }

    static func errorMessage(_ result: inout duckdb_result) -> String {
        duckdb_result_error(&result).map { String(cString: $0) } ?? "DuckDB reported an error without a message"
    }

    /// Runs statements in one transaction; on failure rolls back so that the pooled
    /// connection is clean for its next user.
    func transaction(_ statements: [Statement]) throws {
        _ = try execute("BEGIN TRANSACTION", [])
        do {
            for statement in statements { _ = try execute(statement.sql, statement.binds) }
            _ = try execute("COMMIT", [])
        } catch {
            _ = try? execute("ROLLBACK", [])
            throw error
        }
    }

    // MARK: Appender

    /// Appends `rows` to `table` through DuckDB's Appender, filling whole data chunks.
    /// Runs inside a transaction so that a failed load adds nothing.
    func append(into table: String, columns: [String], rows: [[Value]]) throws -> Int {
        let connection = try open()
        _ = try execute("BEGIN TRANSACTION", [])
        do {
            try DuckDBAppendWriter.append(connection: connection, table: table, columns: columns, rows: rows)
            _ = try execute("COMMIT", [])
        } catch {
            _ = try? execute("ROLLBACK", [])
            throw error
        }
        return rows.count
    }
}

func makeHugeint(_ v: Int128) -> duckdb_hugeint {
    duckdb_hugeint(lower: UInt64(truncatingIfNeeded: v), upper: Int64(truncatingIfNeeded: v >> 64))
}

func int128(_ h: duckdb_hugeint) -> Int128 {
    (Int128(h.upper) << 64) | Int128(h.lower)
}

extension DuckDBConnection {
    static var libraryVersion: String { String(cString: duckdb_library_version()) }
}

/// Calls `body` with a pointer to the string's UTF-8 bytes and their count (not
/// NUL-terminated: DuckDB's `_length` functions take the count), without copying when
/// the string is already contiguous.
func withUTF8CString<T>(_ text: String, _ body: (UnsafePointer<CChar>, Int) -> T) -> T {
    var text = text
    return text.withUTF8 { utf8 in
        guard let base = utf8.baseAddress, utf8.count > 0 else { return "".withCString { body($0, 0) } }
        return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { body($0, utf8.count) }
    }
}
