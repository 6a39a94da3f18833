import CFreeTDS

/// One db-lib connection (`DBPROCESS`): login, batches, typed `sp_executesql` calls,
/// result decoding and bulk copy. Every method blocks; callers run them on a thread pool.
///
/// `@unchecked Sendable`: a DBPROCESS must never be used by two threads at once.
/// ``SQLServerConnectionPool`` leases a connection to exactly one job at a time, and it
/// only moves between threads while no job holds it, so no two calls ever overlap.
final class SQLServerConnection: @unchecked Sendable {
    private var process: OpaquePointer?
    let configuration: SQLServerConfiguration

    /// Logs in; fails with a ``WarehouseError/Code/connectionFailed`` error naming the
    /// host, port and database (never the password).
    init(configuration: SQLServerConfiguration) throws {
        self.configuration = configuration
        guard FreeTDSLibrary.initialized else {
            throw WarehouseError(.connectionFailed, "FreeTDS db-lib could not be initialised")
        }
        let server = try FreeTDSLibrary.serverName(for: configuration)
        let (result, messages) = FreeTDSLibrary.collecting { () throws -> OpaquePointer in
            guard let login = dblogin() else { throw WarehouseError(.connectionFailed, "db-lib could not allocate a login") }
            defer { dbloginfree(login) }
            _ = dbsetlname(login, configuration.user, DBSETUSER)
            _ = dbsetlname(login, configuration.password, DBSETPWD)
            _ = dbsetlname(login, "convai", DBSETAPP)
            _ = dbsetlname(login, configuration.database, DBSETDBNAME)
            // Strings cross the API as UTF-8; FreeTDS converts to and from UCS-2.
            _ = dbsetlname(login, "UTF-8", DBSETCHARSET)
            _ = dbsetlversion(login, BYTE(DBVERSION_74))
            // bcp_init is refused on a connection whose login did not ask for bulk copy.
            _ = dbsetlbool(login, 1, DBSETBCP)
            guard let process = convai_dbopen(login, server) else {
                throw WarehouseError(.connectionFailed, "")
            }
            return process
        }
        switch result {
        case .success(let process):
            self.process = process
        case .failure(let error as WarehouseError) where !error.message.isEmpty:
            throw error
        case .failure:
            throw Self.connectionError(configuration, messages, section: server)
        }
        if let seconds = configuration.queryTimeoutSeconds {
            _ = dbsetopt(process, DBSETTIME, String(seconds), 0)
        }
        // db-lib's session defaults predate ANSI SQL: without these, text is cut at 4 KB,
        // "quoted" names are strings, and a failed statement leaves its transaction open.
        do {
            _ = try run(
                """
                SET TEXTSIZE 2147483647; SET QUOTED_IDENTIFIER ON; SET ANSI_NULLS ON; SET ANSI_WARNINGS ON;
                SET ANSI_PADDING ON; SET CONCAT_NULL_YIELDS_NULL ON; SET ARITHABORT ON; SET XACT_ABORT ON;
                """, [])
        } catch {
            disconnect()
            throw error
        }
    }

    /// The clearest account of a failed login: the server's refusal when it sent one,
    /// else db-lib's network error with the operating system's reason.
    static func connectionError(
        _ configuration: SQLServerConfiguration, _ messages: [FreeTDSMessage], section: String = ""
    ) -> WarehouseError {
        let target = "SQL Server at \(configuration.host):\(configuration.port) (database '\(configuration.database)')"
        // db-lib names the freetds.conf section ("… does not exist (convai-1)"), which
        // means nothing to an operator: host and port are already in the message.
        func scrub(_ text: String) -> String {
            let text = section.isEmpty ? text : text.replacing(" (\(section))", with: "")
            return configuration.password.isEmpty ? text : text.replacing(configuration.password, with: "***")
        }
        if let refusal = messages.first(where: { !$0.fromLibrary && $0.severity > 10 }) {
            let what: String
            switch refusal.number {
            case 18456: what = "refused the login for user '\(configuration.user)'"
            case 4060: what = "cannot open the database (it does not exist or the login may not use it)"
            default: what = "refused the connection"
            }
            return WarehouseError(
                .connectionFailed, "\(target) \(what): SQL Server error \(refusal.number): \(scrub(refusal.text))",
                serverError: .init(number: refusal.number, severity: refusal.severity, state: refusal.state))
        }
        let details = messages.filter(\.fromLibrary).map { m in m.text + (m.osText.map { " (\($0))" } ?? "") }
        let reason = details.isEmpty ? "no answer" : Array(Set(details)).sorted().joined(separator: "; ")
        return WarehouseError(.connectionFailed, "cannot connect to \(target): \(scrub(reason))")
    }

    /// True once db-lib has seen the connection die; the pool then discards it.
    var isDead: Bool {
        guard let process else { return true }
        return dbdead(process) != 0
    }

    func disconnect() {
        if let process { dbclose(process) }
        process = nil
    }

    deinit { disconnect() }

    private func open() throws -> OpaquePointer {
        guard let process else { throw WarehouseError(.closed, "the SQL Server connection to \(configuration.endpoint) is closed") }
        return process
    }

    // MARK: Statements

    func query(_ sql: String, _ binds: [Value]) throws -> ResultSet {
        let outcome = try run(sql, binds)
        return outcome.results.first ?? ResultSet(columns: [], rows: [])
    }

    func execute(_ sql: String, _ binds: [Value]) throws -> Int {
        try run(sql, binds).rowsAffected
    }

    /// Runs the statements between BEGIN and COMMIT; any error rolls back (XACT_ABORT is
    /// on, and the explicit ROLLBACK covers errors raised before the server saw them).
    func transaction(_ statements: [Statement]) throws {
        _ = try run("BEGIN TRANSACTION", [])
        do {
            for statement in statements { _ = try run(statement.sql, statement.binds) }
            _ = try run("COMMIT TRANSACTION", [])
        } catch {
            _ = try? run("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION", [])
            throw error
        }
    }

    struct Outcome {
        var results: [ResultSet] = []
        var rowsAffected = 0
    }

    /// Sends a plain batch (no binds) or a typed `sp_executesql` call (binds) and reads
    /// every result. Server errors of severity 11 and above become a WarehouseError with
    /// the server's number; the connection is left ready for its next job.
    func run(_ sql: String, _ binds: [Value]) throws -> Outcome {
        let process = try open()
        let (result, messages) = FreeTDSLibrary.collecting { () throws -> Outcome in
            var arena = Arena()
            defer { arena.free() }
            if binds.isEmpty {
                guard dbcmd(process, sql) == SUCCEED else { return Outcome() }
                guard dbsqlexec(process) == SUCCEED else { return Outcome() }
            } else {
                try sendExecuteSQL(process, sql, binds, arena: &arena)
                guard dbsqlok(process) == SUCCEED else { return Outcome() }
            }
            return try readResults(process)
        }
        if let error = messages.first(where: \.isError) {
            if dbdead(process) == 0 { _ = dbcancel(process) }
            throw statementError(error, sql: sql)
        }
        switch result {
        case .success(let outcome): return outcome
        case .failure(let error):
            if dbdead(process) == 0 { _ = dbcancel(process) }
            throw error
        }
    }

    private func statementError(_ message: FreeTDSMessage, sql: String) -> WarehouseError {
        let server = WarehouseError.ServerError(number: message.number, severity: message.severity, state: message.state)
        if message.fromLibrary {
            // 20003 SYBETIME: the query timeout fired and db-lib cancelled the statement.
            let text =
                message.number == 20003
                ? "the statement ran longer than query_timeout_seconds (\(configuration.queryTimeoutSeconds ?? 0) s) on \(configuration.endpoint)"
                : "db-lib error \(message.number) on \(configuration.endpoint): \(message.text)"
                    + (message.osText.map { " (\($0))" } ?? "")
            return WarehouseError(
                message.number == 20003 ? .timeout : .statementFailed, text, statement: sql, serverError: server)
        }
        return WarehouseError(
            .statementFailed, "SQL Server error \(message.number): \(message.text)", statement: sql, serverError: server)
    }

    /// `EXEC sp_executesql @stmt, N'@P1 bigint, …', @P1 = …`: every value is a typed
    /// RPC parameter, never text in the statement.
    private func sendExecuteSQL(_ process: OpaquePointer, _ sql: String, _ binds: [Value], arena: inout Arena) throws {
        guard dbrpcinit(process, "sp_executesql", 0) == SUCCEED else { throw bindError(sql, "dbrpcinit failed") }
        try addUnicode(process, nil, SQLServerTypes.statementText(sql, binds: binds), arena: &arena, sql: sql)
        try addUnicode(process, nil, SQLServerTypes.parameterDeclaration(for: binds), arena: &arena, sql: sql)
        for (offset, value) in binds.enumerated() {
            let name = "@P\(offset + 1)"
            let rc: RETCODE
            switch value {
            case .null, .string(""):
                rc = dbrpcparam(process, name, 0, SQLServerTypes.Code.xNVarChar, -1, 0, nil)
            case .string(let text):
                try addUnicode(process, name, text, arena: &arena, sql: sql)
                continue
            case .bool(let v):
                rc = dbrpcparam(process, name, 0, Int32(SYBBITN), 1, 1, arena.bytes(of: UInt8(v ? 1 : 0)))
            case .int(let v):
                rc = dbrpcparam(process, name, 0, Int32(SYBINT8), -1, -1, arena.bytes(of: v))
            case .double(let v):
                rc = dbrpcparam(process, name, 0, Int32(SYBFLT8), -1, -1, arena.bytes(of: v))
            case .decimal(let v):
                let bytes = try SQLServerTypes.encodeNumeric(v)
                rc = dbrpcparam(process, name, 0, Int32(SYBDECIMAL), -1, DBINT(bytes.count), arena.bytes(bytes))
            case .date(let v):
                var all = convai_datetimeall(
                    DBINT(Int64(v.daysSinceEpoch) + SQLServerTypes.daysFrom1900To1970), 0, 0)
                rc = dbrpcparam(
                    process, name, 0, Int32(SYBMSDATE), -1, DBINT(MemoryLayout<DBDATETIMEALL>.size),
                    arena.bytes(of: &all))
            case .timestamp(let v):
                let fields = SQLServerTypes.dateTimeAllFields(v)
                var all = convai_datetimeall(fields.daysSince1900, fields.ticks100ns, 1)
                rc = dbrpcparam(
                    process, name, 0, Int32(SYBMSDATETIME2), -1, DBINT(MemoryLayout<DBDATETIMEALL>.size),
                    arena.bytes(of: &all))
            }
            guard rc == SUCCEED else { throw bindError(sql, "parameter \(name) (\(SQLServerTypes.declaredType(of: value))) was refused") }
        }
        guard dbrpcsend(process) == SUCCEED else { throw bindError(sql, "dbrpcsend failed") }
    }

    /// Unicode text as nvarchar, or as ntext beyond nvarchar's 4000 characters (UTF-8
    /// never has fewer bytes than UTF-16 has code units, so the byte count is a safe bound).
    private func addUnicode(_ process: OpaquePointer, _ name: String?, _ text: String, arena: inout Arena, sql: String) throws {
        let bytes = Array(text.utf8)
        let type = bytes.count <= 4000 ? SQLServerTypes.Code.xNVarChar : SQLServerTypes.Code.nText
        let rc = dbrpcparam(process, name, 0, type, -1, DBINT(bytes.count), arena.bytes(bytes))
        guard rc == SUCCEED else { throw bindError(sql, "parameter \(name ?? "statement") was refused") }
    }

    private func bindError(_ sql: String, _ why: String) -> WarehouseError {
        WarehouseError(.bindFailed, "could not bind the sp_executesql call on \(configuration.endpoint): \(why)", statement: sql)
    }

    // MARK: Results

    private func readResults(_ process: OpaquePointer) throws -> Outcome {
        var outcome = Outcome()
        while true {
            let rc = dbresults(process)
            if rc == NO_MORE_RESULTS || rc == FAIL { break }
            let count = Int(dbnumcols(process))
            if count > 0 {
                let reader = try SQLServerResultReader(process: process, columnCount: count)
                var rows: [[Value]] = []
                while true {
                    let row = dbnextrow(process)
                    if row == NO_MORE_ROWS || row == FAIL { break }
                    // Compute rows (COMPUTE BY) are not part of ConvAI's SQL; skip them.
                    guard row == REG_ROW else { continue }
                    rows.append(try reader.row(process))
                }
                outcome.results.append(ResultSet(columns: reader.columns, rows: rows))
            }
            if dbiscount(process) != 0 { outcome.rowsAffected = Int(dbcount(process)) }
        }
        return outcome
    }

    // MARK: Bulk copy

    /// Loads rows through db-lib's bcp API inside a transaction, so that a failed load
    /// adds nothing.
    func bulkLoad(into table: String, columns: [String], rows: [[Value]]) throws -> Int {
        let quoted = SQLDialect.sqlserver.quoteQualifiedName(table)
        // bcp binds by the table's column ordinal, which only the table knows.
        let tableColumns = try query("SELECT TOP (0) * FROM \(quoted)", []).columns.map(\.name)
        let ordinals = try columns.map { name in
            guard let index = tableColumns.firstIndex(where: { $0.lowercased() == name.lowercased() }) else {
                throw WarehouseError(.bulkLoadFailed, "table \(table) on \(configuration.endpoint) has no column '\(name)'")
            }
            return Int32(index + 1)
        }
        for (number, row) in rows.enumerated() where row.count != columns.count {
            throw WarehouseError(
                .bulkLoadFailed, "row \(number + 1) has \(row.count) value(s) for \(columns.count) column(s) of \(table)")
        }
        let plan = try SQLServerBulkPlan(columns: columns, rows: rows)
        let process = try open()
        _ = try run("BEGIN TRANSACTION", [])
        let (result, messages) = FreeTDSLibrary.collecting { () throws -> Int in
            try plan.send(process: process, table: quoted, ordinals: ordinals, rows: rows)
        }
        let failure = messages.first(where: \.isError)
        if failure != nil || (try? result.get()) == nil {
            if dbdead(process) == 0 { _ = dbcancel(process) }
            _ = try? run("IF @@TRANCOUNT > 0 ROLLBACK TRANSACTION", [])
            let server = failure.map {
                WarehouseError.ServerError(number: $0.number, severity: $0.severity, state: $0.state)
            }
            let why = failure.map { $0.fromLibrary ? "db-lib error \($0.number): \($0.text)" : "SQL Server error \($0.number): \($0.text)" }
            if case .failure(let error) = result, failure == nil { throw error }
            throw WarehouseError(
                .bulkLoadFailed, "bulk copy into \(table) on \(configuration.endpoint) failed: \(why ?? "unknown error")",
                serverError: server)
        }
        _ = try run("COMMIT TRANSACTION", [])
        return try result.get()
    }
}

/// Memory handed to db-lib that must outlive the call that received it (dbrpcparam keeps
/// the pointer until dbrpcsend), freed together afterwards.
struct Arena {
    private var blocks: [UnsafeMutableRawBufferPointer] = []

    mutating func bytes(_ source: [UInt8]) -> UnsafeMutablePointer<BYTE> {
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, source.count), alignment: 16)
        source.withUnsafeBytes { block.copyMemory(from: $0) }
        blocks.append(block)
        return block.baseAddress!.assumingMemoryBound(to: BYTE.self)
    }

    mutating func bytes<T>(of value: T) -> UnsafeMutablePointer<BYTE> {
        var copy = value
        return bytes(withUnsafeBytes(of: &copy) { Array($0) })
    }

    mutating func bytes<T>(of value: inout T) -> UnsafeMutablePointer<BYTE> {
        bytes(withUnsafeBytes(of: &value) { Array($0) })
    }

    func free() {
        for block in blocks { block.deallocate() }
    }
}
