import Foundation
import Logging
import Testing
@testable import Warehouse

/// Runs for minutes unless interrupted: DuckDB scans 10^11 generated rows.
private let endless = "SELECT count(*) FROM range(100000000000) a"

@Suite("DuckDB statement timeout", .timeLimit(.minutes(2)))
struct DuckDBStatementTimeoutTests {
    func withDatabase<T>(timeout milliseconds: Int?, _ body: (DuckDBDatabase) async throws -> T) async throws -> T {
        // One connection: the statement after a timeout runs on the interrupted connection.
        try await withDuckDB(.init(maxConnections: 1, statementTimeoutMilliseconds: milliseconds), body)
    }

    @Test("a statement past the timeout fails with .timeout and the same connection answers right afterwards")
    func longStatementTimesOut() async throws {
        try await withDatabase(timeout: 200) { db throws in
            let error = await #expect(throws: WarehouseError.self) { try await db.query(endless) }
            #expect(error?.code == .timeout)
            #expect(error?.message.contains("longer than 200 ms") == true, "\(error?.message ?? "")")
            #expect(error?.statement == endless)
            #expect(try await db.query("SELECT 42").scalar == .int(42))
            // execute() is limited as well, and the connection still works after it.
            let again = await #expect(throws: WarehouseError.self) {
                try await db.execute("CREATE TABLE t AS \(endless)")
            }
            #expect(again?.code == .timeout)
            #expect(try await db.query("SELECT 42 + $1", [.int(1)]).scalar == .int(43))
        }
    }

    @Test("fast statements under the timeout succeed, one after another on one connection")
    func fastStatementsSucceed() async throws {
        try await withDatabase(timeout: 200) { db throws in
            for i in 0..<50 {
                #expect(try await db.query("SELECT $1::BIGINT * 2", [.int(Int64(i))]).scalar == .int(Int64(i * 2)))
            }
            try await db.execute("CREATE TABLE t(x INTEGER)")
            #expect(try await db.execute("INSERT INTO t VALUES (1), (2)") == 2)
        }
    }

    @Test("without a timeout (nil or 0) nothing is interrupted", arguments: [nil, 0] as [Int?])
    func noTimeoutNoInterrupt(_ milliseconds: Int?) async throws {
        try await withDatabase(timeout: milliseconds) { db throws in
            #expect(try await db.query("SELECT count(*) FROM range(20000000)").scalar == .int(20_000_000))
        }
    }

    @Test("a late timer for one statement cannot interrupt the next one")
    func generationGuardsTheNextStatement() throws {
        let handle = try DuckDBHandle(path: nil, settings: [:])
        let connection = try DuckDBConnection(handle: handle)
        defer {
            connection.disconnect()
            handle.close()
        }
        let first = connection.beginTimedStatement()
        #expect(connection.endTimedStatement() == false)
        #expect(connection.interrupt(generation: first) == false, "the statement has ended")
        let second = connection.beginTimedStatement()
        #expect(second != first)
        #expect(connection.interrupt(generation: first) == false, "a stale generation is ignored")
        #expect(connection.endTimedStatement() == false)
        let third = connection.beginTimedStatement()
        #expect(connection.interrupt(generation: third))
        #expect(connection.endTimedStatement(), "the running statement was interrupted")
        // DuckDB clears the interrupt when the next statement starts.
        #expect(try connection.query("SELECT 42", []).scalar == .int(42))
    }

    @Test("statement_timeout_ms in a DuckDB tenant's configuration reaches the driver")
    func tenantConfiguration() async throws {
        struct Root: Decodable { var tenants: [String: TenantConfiguration] }
        try await withTemporaryDirectory { folder throws in
            let root = try ConfigurationFile.decode(
                Root.self,
                yaml: """
                    tenants:
                      itc:
                        database: {engine: duckdb, path: \(folder.path)/itc.duckdb, statement_timeout_ms: 200}
                    """,
                file: "config/test.yaml")
            let tenant = try #require(root.tenants["itc"])
            #expect(tenant.database.statementTimeoutMilliseconds == 200)
            let router = TenantRouter(tenants: [tenant], logger: Logger(label: "test"))
            let db = try await router.database(for: "itc")
            let error = await #expect(throws: WarehouseError.self) { try await db.query(endless) }
            #expect(error?.code == .timeout)
            #expect(try await db.query("SELECT 42").scalar == .int(42))
            await router.closeAll()
        }
    }
}
