import Foundation
import Testing
import Warehouse

/// Opens a DuckDB database for `body` and closes it afterwards, whether `body` throws or not.
func withDuckDB<T>(_ configuration: DuckDBDatabase.Configuration, _ body: (DuckDBDatabase) async throws -> T)
    async throws -> T
{
    try await withClosing(try DuckDBDatabase(configuration: configuration), body)
}

@Suite("DuckDB driver")
struct DuckDBDatabaseTests {
    func withDatabase<T>(path: String? = nil, maxConnections: Int = 4, _ body: (DuckDBDatabase) async throws -> T)
        async throws -> T
    {
        try await withDuckDB(.init(path: path, maxConnections: maxConnections), body)
    }

    static let roundTripCases: [(type: String, value: Value)] = [
        ("BOOLEAN", .bool(true)),
        ("BOOLEAN", .bool(false)),
        ("BIGINT", .int(Int64.max)),
        ("BIGINT", .int(Int64.min)),
        ("INTEGER", .int(-2_147_483_648)),
        ("SMALLINT", .int(7)),
        ("DOUBLE", .double(3.141592653589793)),
        ("DOUBLE", .double(-0.000001)),
        ("DECIMAL(12,2)", .decimal(SQLDecimal("1234.50")!)),
        ("DECIMAL(4,1)", .decimal(SQLDecimal("-12.5")!)),
        ("DECIMAL(9,3)", .decimal(SQLDecimal("0.005")!)),
        ("DECIMAL(18,4)", .decimal(SQLDecimal("12345678901234.5678")!)),
        ("DECIMAL(38,2)", .decimal(SQLDecimal("123456789012345678901234567890123456.78")!)),
        ("VARCHAR", .string("Bingo!")),
        ("VARCHAR", .string("Nestlé — Maggi 2-Minute Noodles, 70 g \"masala\" 'tangy'")),
        ("VARCHAR", .string("")),
        ("DATE", .date(SQLDate(year: 2025, month: 1, day: 31)!)),
        ("DATE", .date(SQLDate(year: 1969, month: 12, day: 31)!)),
        ("DATE", .date(SQLDate(year: 2024, month: 2, day: 29)!)),
        ("TIMESTAMP", .timestamp(SQLTimestamp(iso: "2025-06-30 23:59:59.123456")!)),
        ("TIMESTAMP", .timestamp(SQLTimestamp(iso: "1960-03-01 06:00:00")!)),
    ]

    @Test("every Value type round-trips through a bound parameter", arguments: roundTripCases)
    func bindRoundTrip(type: String, value: Value) async throws {
        try await withDatabase { db throws in
            let result = try await db.query("SELECT CAST(? AS \(type)) AS v", [value])
            #expect(result.rows == [[value]])
            // Decimals compare numerically; the text shows the scale survived too.
            #expect(result.rows.first?.first?.description == value.description)
            #expect(result.columns.first?.name == "v")
        }
    }

    @Test("every Value type round-trips through a table, NULLs included")
    func tableRoundTrip() async throws {
        try await withDatabase { db throws in
            try await db.execute(
                """
                CREATE TABLE t (b BOOLEAN, i BIGINT, d DOUBLE, m DECIMAL(14,2), s VARCHAR, dt DATE, ts TIMESTAMP)
                """)
            let row: [Value] = [
                .bool(true), .int(42), .double(2.5), .decimal(SQLDecimal("99.10")!), .string("Sunfeast Dark Fantasy"),
                .date(SQLDate(iso: "2025-03-15")!), .timestamp(SQLTimestamp(iso: "2025-03-15 10:30:00")!),
            ]
            let nulls = [Value](repeating: .null, count: 7)
            try await db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", row)
            try await db.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?)", nulls)
            let result = try await db.query("SELECT * FROM t ORDER BY i NULLS LAST")
            #expect(result.rows == [row, nulls])
            #expect(result.columns.map(\.type.sqlName) == ["BOOLEAN", "BIGINT", "DOUBLE", "DECIMAL(14,2)", "VARCHAR", "DATE", "TIMESTAMP"])
            #expect(result.columns[3].type.kind == .decimal(precision: 14, scale: 2))
        }
    }

    @Test("DECIMAL keeps its scale through arithmetic and aggregation")
    func decimalScale() async throws {
        try await withDatabase { db throws in
            let result = try await db.query(
                "SELECT 1.20::DECIMAL(10,2) AS a, sum(x) AS total FROM (VALUES (1.10::DECIMAL(10,2)), (2.00)) v(x)")
            #expect(result.rows[0][0].description == "1.20")
            #expect(result.rows[0][0] == .decimal(SQLDecimal(unscaled: 120, scale: 2)))
            #expect(result.rows[0][1].description == "3.10")
            guard case .decimal(let total) = result.rows[0][1] else {
                Issue.record("sum of DECIMAL should stay DECIMAL, got \(result.rows[0][1])")
                return
            }
            #expect(total.scale == 2)
        }
    }

    @Test("integers wider than 64 bits: SUM(BIGINT) reads as int, overflow as decimal")
    func hugeint() async throws {
        try await withDatabase { db throws in
            let result = try await db.query(
                "SELECT sum(x) AS s, 170141183460469231731687303715884105727::HUGEINT AS big FROM (VALUES (1::BIGINT), (2)) v(x)")
            #expect(result.rows[0][0] == .int(3))
            #expect(result.rows[0][1].description == "170141183460469231731687303715884105727")
        }
    }

    @Test("a failing statement throws with DuckDB's message and the statement")
    func failingStatement() async throws {
        try await withDatabase { db throws in
            let sql = "SELECT * FROM no_such_table"
            let error = await #expect(throws: WarehouseError.self) { try await db.query(sql) }
            #expect(error?.code == .statementFailed)
            #expect(error?.message.contains("no_such_table") == true)
            #expect(error?.message.contains("Catalog Error") == true)
            #expect(error?.statement == sql)
            // The connection that failed is still good for the next statement.
            #expect(try await db.query("SELECT 1 AS one").scalar == .int(1))
        }
    }

    @Test("a wrong number of binds is a clear error, not a crash")
    func bindCountMismatch() async throws {
        try await withDatabase { db throws in
            let error = await #expect(throws: WarehouseError.self) { try await db.query("SELECT ? + ?", [.int(1)]) }
            #expect(error?.code == .bindFailed)
            #expect(error?.message.contains("2 parameter(s) but 1 value(s)") == true)
        }
    }

    @Test("32 concurrent tasks querying one database get correct results")
    func concurrentQueries() async throws {
        try await withTemporaryDirectory { folder throws in
            try await withDatabase(path: folder.appendingPathComponent("c.duckdb").path, maxConnections: 4) { db throws in
                try await db.execute("CREATE TABLE n AS SELECT range AS i FROM range(100000)")
                let sums = try await withThrowingTaskGroup(of: (Int64, Value?).self) { group in
                    for task in 0..<32 {
                        let limit = Int64(1000 * (task + 1))
                        group.addTask {
                            for _ in 0..<5 { _ = try await db.query("SELECT count(*) FROM n WHERE i < ?", [.int(limit)]) }
                            return (limit, try await db.query("SELECT sum(i) FROM n WHERE i < ?", [.int(limit)]).scalar)
                        }
                    }
                    var all: [(Int64, Value?)] = []
                    for try await result in group { all.append(result) }
                    return all
                }
                #expect(sums.count == 32)
                for (limit, sum) in sums {
                    #expect(sum == .int(limit * (limit - 1) / 2), "sum below \(limit)")
                }
            }
        }
    }

    @Test("the Appender loads 1,000,000 rows and a count reads them back")
    func appenderMillionRows() async throws {
        try await withDatabase { db throws in
            try await db.execute(
                "CREATE TABLE sales (id BIGINT, day DATE, qty INTEGER, amount DECIMAL(14,2), brand VARCHAR, ok BOOLEAN, note VARCHAR)")
            let start = SQLDate(iso: "2024-01-01")!
            let brands = ["Aashirvaad", "Sunfeast", "Bingo!", "Yippee!", "Classmate notebooks, long ruled"]
            let rows: [[Value]] = (0..<1_000_000).map { i in
                [
                    .int(Int64(i)), .date(start.adding(days: i % 730)), .int(Int64(i % 50)),
                    .decimal(SQLDecimal(unscaled: Int128(i % 10_000), scale: 2)), .string(brands[i % 5]),
                    .bool(i % 2 == 0), i % 100 == 0 ? .null : .string("line \(i)"),
                ]
            }
            let loaded = try await db.bulkLoad(
                into: "sales", columns: ["id", "day", "qty", "amount", "brand", "ok", "note"], rows: rows)
            #expect(loaded == 1_000_000)
            let check = try await db.query(
                """
                SELECT count(*), count(note), sum(qty), sum(amount), count(DISTINCT brand), max(day),
                       sum(CASE WHEN ok THEN 1 ELSE 0 END)
                FROM sales
                """)
            let expectedQty = (0..<1_000_000).reduce(Int64(0)) { $0 + Int64($1 % 50) }
            let expectedAmount = (0..<1_000_000).reduce(Int128(0)) { $0 + Int128($1 % 10_000) }
            #expect(check.rows[0][0] == .int(1_000_000))
            #expect(check.rows[0][1] == .int(990_000))
            #expect(check.rows[0][2] == .int(expectedQty))
            #expect(check.rows[0][3] == .decimal(SQLDecimal(unscaled: expectedAmount, scale: 2)))
            #expect(check.rows[0][4] == .int(5))
            #expect(check.rows[0][5] == .date(start.adding(days: 729)))
            #expect(check.rows[0][6] == .int(500_000))
            let sample = try await db.query("SELECT brand, note FROM sales WHERE id = ?", [.int(12_343)])
            #expect(sample.rows == [[.string("Yippee!"), .string("line 12343")]])
        }
    }

    @Test("a bulk load with a bad row adds nothing and names the row and column")
    func appenderBadRow() async throws {
        try await withDatabase { db throws in
            try await db.execute("CREATE TABLE t (id INTEGER, amount DECIMAL(6,2))")
            try await db.execute("INSERT INTO t VALUES (1, 1.50)")
            var rows: [[Value]] = (0..<5000).map { [.int(Int64($0)), .decimal(SQLDecimal("2.25")!)] }
            rows[4321][1] = .string("lots")
            let error = await #expect(throws: WarehouseError.self) {
                try await db.bulkLoad(into: "t", columns: ["id", "amount"], rows: rows)
            }
            #expect(error?.code == .bulkLoadFailed)
            #expect(error?.message.contains("row 4322, column amount") == true)
            #expect(try await db.query("SELECT count(*) FROM t").scalar == .int(1))
            let tooPrecise = [[Value.int(9), .decimal(SQLDecimal("1.005")!)]]
            await #expect(throws: WarehouseError.self) { try await db.bulkLoad(into: "t", columns: ["id", "amount"], rows: tooPrecise) }
            await #expect(throws: WarehouseError.self) {
                try await db.bulkLoad(into: "missing_table", columns: ["id"], rows: [[.int(1)]])
            }
        }
    }

    @Test("a transaction is all or nothing")
    func transactionRollsBack() async throws {
        try await withDatabase(maxConnections: 1) { db throws in
            try await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY)")
            await #expect(throws: WarehouseError.self) {
                try await db.transaction([Statement("INSERT INTO t VALUES (?)", [.int(1)]), Statement("INSERT INTO t VALUES (1)")])
            }
            #expect(try await db.query("SELECT count(*) FROM t").scalar == .int(0))
            try await db.transaction([Statement("INSERT INTO t VALUES (?)", [.int(1)]), Statement("INSERT INTO t VALUES (2)")])
            #expect(try await db.query("SELECT count(*) FROM t").scalar == .int(2))
        }
    }

    @Test("the database closes once; later use is a clear error; the file reopens")
    func closeOnce() async throws {
        try await withTemporaryDirectory { folder throws in
            let path = folder.appendingPathComponent("c.duckdb").path
            let db = try DuckDBDatabase(configuration: .init(path: path))
            try await db.execute("CREATE TABLE kept (x INTEGER); INSERT INTO kept VALUES (7)")
            try await db.close()
            try await db.close()
            let error = await #expect(throws: WarehouseError.self) { try await db.query("SELECT 1") }
            #expect(error?.code == .closed)
            // Closing released the file lock, and the data is there.
            let again = try DuckDBDatabase(configuration: .init(path: path))
            #expect(try await again.query("SELECT x FROM kept").scalar == .int(7))
            try await again.close()
        }
    }

    @Test("extreme and infinite dates and times are exact or a clear error, never a crash")
    func extremeTemporals() async throws {
        try await withDatabase { db throws in
            let early = try await db.query(
                "SELECT TIMESTAMP '1969-12-31 23:59:59.999999' AS a, TIMESTAMP_NS '1969-12-31 23:59:59.9999995' AS b, "
                    + "TIME '24:00:00' AS c, TIMESTAMP_MS '1900-01-01 00:00:00.001' AS d")
            #expect(early.rows[0].map(\.description) == [
                "1969-12-31 23:59:59.999999", "1969-12-31 23:59:59.999999", "24:00:00", "1900-01-01 00:00:00.001000",
            ])
            for sql in ["SELECT '-infinity'::TIMESTAMP", "SELECT 'infinity'::DATE", "SELECT '-infinity'::TIMESTAMP_S"] {
                let error = await #expect(throws: WarehouseError.self) { try await db.query(sql) }
                #expect(error?.code == .unsupportedType, "\(sql)")
            }
            let oldest = try await db.query("SELECT TIMESTAMP '290309-12-22 (BC) 00:00:00' AS t")
            #expect(oldest.rows[0][0].description.hasSuffix("00:00:00"))
            let tooWide = SQLDecimal("1.\(String(repeating: "0", count: 38))")!
            let bind = await #expect(throws: WarehouseError.self) { try await db.query("SELECT ?", [.decimal(tooWide)]) }
            #expect(bind?.code == .bindFailed)
        }
    }

    @Test("types carried as text: TIME, INTERVAL, UUID, ENUM")
    func textTypes() async throws {
        try await withDatabase { db throws in
            let result = try await db.query(
                """
                SELECT TIME '13:45:10' AS t, '4f6a7c2e-0b1d-4e5f-8a9b-1c2d3e4f5a6b'::UUID AS u,
                       'South'::ENUM('North', 'South') AS z
                """)
            #expect(result.rows[0] == [.string("13:45:10"), .string("4f6a7c2e-0b1d-4e5f-8a9b-1c2d3e4f5a6b"), .string("South")])
            let list = await #expect(throws: WarehouseError.self) { try await db.query("SELECT [1, 2] AS l") }
            #expect(list?.code == .unsupportedType)
        }
    }
}
