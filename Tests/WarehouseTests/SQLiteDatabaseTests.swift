import Foundation
import Logging
import Testing
import Warehouse

@Suite("SQLite driver")
struct SQLiteDatabaseTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// A database in a fresh file (or in memory), closed afterwards.
    func withDatabase<T>(inMemory: Bool = false, maxConnections: Int = 4, _ body: (SQLiteDatabase) async throws -> T)
        async throws -> T
    {
        try await withTemporaryDirectory { folder in
            let path = inMemory ? nil : folder.appendingPathComponent("test.sqlite").path
            return try await withClosing(
                try SQLiteDatabase(configuration: .init(path: path, maxConnections: maxConnections)), body)
        }
    }

    static let typedTable = """
        CREATE TABLE typed (
            id INTEGER PRIMARY KEY, flag BOOLEAN, n BIGINT, x DOUBLE, amount DECIMAL(12,2), weight DECIMAL(10,3),
            name VARCHAR, day DATE, at TIMESTAMP
        )
        """

    static let typedRows: [[Value]] = [
        [
            .int(1), .bool(true), .int(Int64.max), .double(3.141592653589793), .decimal(SQLDecimal("1234.50")!),
            .decimal(SQLDecimal("0.005")!), .string("Nestlé — Maggi \"masala\" 'tangy'"),
            .date(SQLDate(year: 2024, month: 2, day: 29)!), .timestamp(SQLTimestamp(iso: "2025-06-30 23:59:59.123456")!),
        ],
        [
            .int(2), .bool(false), .int(Int64.min), .double(-0.000001), .decimal(SQLDecimal("-12.00")!),
            .decimal(SQLDecimal("7")!), .string(""), .date(SQLDate(year: 1969, month: 12, day: 31)!),
            .timestamp(SQLTimestamp(iso: "1960-03-01 06:00:00")!),
        ],
        [.int(3), .null, .null, .null, .null, .null, .null, .null, .null],
    ]

    @Test("every Value type round-trips through a table, DECIMAL scale and NULLs included", arguments: [false, true])
    func tableRoundTrip(inMemory: Bool) async throws {
        try await withDatabase(inMemory: inMemory) { db throws in
            try await db.execute(Self.typedTable)
            for row in Self.typedRows {
                let inserted = try await db.execute(
                    "INSERT INTO typed VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", row)
                #expect(inserted == 1)
            }
            let result = try await db.query("SELECT * FROM typed ORDER BY id")
            #expect(result.rows == Self.typedRows)
            // Equality of decimals is numeric; the text shows the declared scale came back.
            #expect(result.rows[0][4].description == "1234.50")
            #expect(result.rows[1][4].description == "-12.00")
            #expect(result.rows[0][5].description == "0.005")
            #expect(result.rows[1][5].description == "7.000")
            #expect(result.rows[0][8].description == "2025-06-30 23:59:59.123456")
            #expect(
                result.columns.map(\.type.kind) == [
                    .int, .bool, .int, .double, .decimal(precision: 12, scale: 2), .decimal(precision: 10, scale: 3),
                    .string, .date, .timestamp,
                ])
            #expect(result.columns.map(\.name) == ["id", "flag", "n", "x", "amount", "weight", "name", "day", "at"])

            // Typed binds compare correctly with stored values.
            let byDate = try await db.query(
                "SELECT id FROM typed WHERE day = ? AND amount > ? AND flag = ?",
                [.date(SQLDate(year: 2024, month: 2, day: 29)!), .decimal(SQLDecimal("1000.1")!), .bool(true)])
            #expect(byDate.rows == [[.int(1)]])
            let byTime = try await db.query(
                "SELECT id FROM typed WHERE at < ?", [.timestamp(SQLTimestamp(iso: "2000-01-01 00:00:00")!)])
            #expect(byTime.rows == [[.int(2)]])
        }
    }

    @Test("expressions without a declared type come back by storage class; empty results keep column names")
    func storageClasses() async throws {
        try await withDatabase { db throws in
            let result = try await db.query("SELECT 1 AS i, 2.5 AS r, 'x' AS t, NULL AS z, ? AS b", [.bool(true)])
            #expect(result.rows == [[.int(1), .double(2.5), .string("x"), .null, .int(1)]])
            #expect(result.columns.map(\.type.sqlName) == ["INTEGER", "REAL", "TEXT", "NULL", "INTEGER"])
            try await db.execute(Self.typedTable)
            let empty = try await db.query("SELECT id, day FROM typed WHERE id = ?", [.int(42)])
            #expect(empty.rows.isEmpty)
            #expect(empty.columns.map(\.name) == ["id", "day"])
            #expect(empty.columns.map(\.type.kind) == [.int, .date])
            let limited = try await db.query("SELECT id, day FROM typed WHERE name <> ? ORDER BY id LIMIT ?", ["?", 5])
            #expect(limited.columns.map(\.type.kind) == [.int, .date])
            // SUM over a DECIMAL column mixes INTEGER and REAL per group: one kind per column.
            try await db.execute(
                "INSERT INTO typed (id, name, amount) VALUES (1, 'a', ?), (2, 'b', ?)",
                [.decimal(SQLDecimal("2.00")!), .decimal(SQLDecimal("2.50")!)])
            let sums = try await db.query("SELECT name, SUM(amount) AS s FROM typed GROUP BY name ORDER BY name")
            #expect(sums.rows == [[.string("a"), .double(2)], [.string("b"), .double(2.5)]])
        }
    }

    @Test("the widest warehouse amount, DECIMAL(14,2), keeps every digit")
    func widestAmount() async throws {
        try await withDatabase { db throws in
            try await db.execute("CREATE TABLE a (v DECIMAL(14, 2))")
            let values = ["999999999999.99", "-999999999999.99", "0.01", "123456789012.30"].map { Value.decimal(SQLDecimal($0)!) }
            try await db.bulkLoad(into: "a", columns: ["v"], rows: values.map { [$0] })
            let read = try await db.query("SELECT v FROM a")
            #expect(read.rows.map { $0[0].description } == values.map(\.description))
        }
    }

    @Test("a value with quotes is bound, never spliced into the SQL")
    func quotesAreBound() async throws {
        try await withDatabase { db throws in
            try await db.execute("CREATE TABLE people (name VARCHAR)")
            let evil = "O'Brien'); DROP TABLE people; --"
            try await db.execute("INSERT INTO people (name) VALUES (?)", [.string(evil)])
            let found = try await db.query("SELECT name FROM people WHERE name = ?", [.string(evil)])
            #expect(found.rows == [[.string(evil)]])
            let like = try await db.query("SELECT COUNT(*) FROM people WHERE name LIKE '%' || ? || '%'", [.string("'); DROP")])
            #expect(like.scalar == .int(1))
            #expect(try await db.query("SELECT COUNT(*) FROM people").scalar == .int(1))
        }
    }

    @Test("execute returns the rows changed by the last statement and runs scripts")
    func executeCounts() async throws {
        try await withDatabase { db throws in
            #expect(try await db.execute("CREATE TABLE n (v INTEGER); INSERT INTO n VALUES (1), (2); INSERT INTO n VALUES (3)") == 1)
            #expect(try await db.execute("UPDATE n SET v = v + 1 WHERE v >= ?", [.int(2)]) == 2)
            #expect(try await db.execute("CREATE TABLE m (v INTEGER)") == 0)
            #expect(try await db.execute("DELETE FROM n") == 3)
        }
    }

    @Test("bulk load of 100k rows in one transaction")
    func bulkLoad() async throws {
        try await withDatabase { db throws in
            try await db.execute("CREATE TABLE facts (id INTEGER PRIMARY KEY, day DATE, amount DECIMAL(14,2), note VARCHAR)")
            let day = SQLDate(year: 2025, month: 1, day: 1)!
            let rows: [[Value]] = (0..<100_000).map { i in
                [
                    .int(Int64(i)), .date(day.adding(days: i % 365)), .decimal(SQLDecimal(unscaled: Int128(i), scale: 2)),
                    i % 7 == 0 ? .null : .string("row \(i) 'quoted'"),
                ]
            }
            let loaded = try await db.bulkLoad(into: "facts", columns: ["id", "day", "amount", "note"], rows: rows)
            #expect(loaded == 100_000)
            #expect(try await db.query("SELECT COUNT(*) FROM facts").scalar == .int(100_000))
            let sample = try await db.query("SELECT day, amount, note FROM facts WHERE id = ?", [.int(12_345)])
            #expect(sample.rows == [rows[12_345].dropFirst().map { $0 }])
            // A failing row loads nothing.
            let error = await #expect(throws: WarehouseError.self) {
                try await db.bulkLoad(
                    into: "facts", columns: ["id", "day", "amount", "note"],
                    rows: [[.int(200_000), .null, .null, .null], [.int(1), .null, .null, .null]])
            }
            #expect(error?.code == .bulkLoadFailed)
            #expect(error?.resultCode == 19)
            #expect(try await db.query("SELECT COUNT(*) FROM facts").scalar == .int(100_000))
        }
    }

    @Test("a failed transaction rolls back only itself")
    func transactionRollback() async throws {
        try await withDatabase { db throws in
            try await db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR)")
            try await db.transaction([Statement("INSERT INTO t VALUES (?, ?)", [1, "kept"])])
            await #expect(throws: WarehouseError.self) {
                try await db.transaction([
                    Statement("INSERT INTO t VALUES (?, ?)", [2, "lost"]),
                    Statement("UPDATE t SET v = ? WHERE id = ?", ["changed", 1]),
                    Statement("INSERT INTO no_such_table VALUES (1)"),
                ])
            }
            let rows = try await db.query("SELECT id, v FROM t ORDER BY id")
            #expect(rows.rows == [[.int(1), .string("kept")]])
            // The connection is usable again: no transaction was left open.
            try await db.transaction([Statement("INSERT INTO t VALUES (?, ?)", [3, "after"])])
            #expect(try await db.query("SELECT COUNT(*) FROM t").scalar == .int(2))
        }
    }

    @Test("readers run concurrently with a write and see whole transactions only")
    func concurrentReaders() async throws {
        try await withDatabase(maxConnections: 4) { db throws in
            try await db.execute("CREATE TABLE c (id INTEGER PRIMARY KEY, v INTEGER)")
            try await db.bulkLoad(into: "c", columns: ["id", "v"], rows: (0..<10_000).map { [.int(Int64($0)), .int(1)] })
            let counts = try await withThrowingTaskGroup(of: [Int64].self) { group in
                group.addTask {
                    try await db.bulkLoad(
                        into: "c", columns: ["id", "v"], rows: (10_000..<210_000).map { [.int(Int64($0)), .int(1)] })
                    return []
                }
                for _ in 0..<6 {
                    group.addTask {
                        var seen: [Int64] = []
                        for _ in 0..<10 {
                            seen.append(try await db.query("SELECT COUNT(*) FROM c").scalar?.intValue ?? -1)
                        }
                        return seen
                    }
                }
                var all: [Int64] = []
                for try await seen in group { all += seen }
                return all
            }
            #expect(counts.count == 60)
            #expect(counts.allSatisfy { $0 == 10_000 || $0 == 210_000 }, "\(Set(counts))")
            #expect(try await db.query("SELECT COUNT(*) FROM c").scalar == .int(210_000))
        }
    }

    @Test("errors carry SQLite's result code and message")
    func errors() async throws {
        try await withDatabase { db throws in
            let missing = await #expect(throws: WarehouseError.self) { try await db.query("SELECT * FROM nope") }
            #expect(missing?.code == .statementFailed)
            #expect(missing?.resultCode == 1)
            #expect(missing?.message.contains("SQLITE_ERROR (1)") == true)
            #expect(missing?.message.contains("no such table: nope") == true)
            #expect(missing?.statement == "SELECT * FROM nope")

            let syntax = await #expect(throws: WarehouseError.self) { try await db.execute("SELEC 1") }
            #expect(syntax?.resultCode == 1)
            #expect(syntax?.message.contains("syntax error") == true)

            try await db.execute("CREATE TABLE u (id INTEGER PRIMARY KEY)")
            try await db.execute("INSERT INTO u VALUES (1)")
            let extraStatement = await #expect(throws: WarehouseError.self) {
                try await db.execute("INSERT INTO u VALUES (?); DELETE FROM u", [2])
            }
            #expect(extraStatement?.code == .bindFailed)
            let missingBind = await #expect(throws: WarehouseError.self) {
                try await db.query("SELECT * FROM u WHERE id = ? OR id = ?", [1])
            }
            #expect(missingBind?.code == .bindFailed)
            #expect(try await db.query("SELECT COUNT(*) FROM u WHERE id = '?' OR id = ?", [1]).scalar == .int(1))

            let duplicate = await #expect(throws: WarehouseError.self) { try await db.execute("INSERT INTO u VALUES (?)", [1]) }
            #expect(duplicate?.resultCode == 19)
            #expect(duplicate?.message.contains("UNIQUE constraint failed") == true)
        }
    }

    @Test("a closed database refuses work")
    func closed() async throws {
        let db = try SQLiteDatabase(configuration: .init())
        #expect(try await db.query("SELECT 1").scalar == .int(1))
        try await db.close()
        let error = await #expect(throws: WarehouseError.self) { try await db.query("SELECT 1") }
        #expect(error?.code == .closed)
    }

    @Test("engine sqlite in the configuration: path required, opened by the router, settings become PRAGMAs")
    func configuration() async throws {
        struct Root: Decodable { var tenants: [String: TenantConfiguration] }
        let root = try ConfigurationFile.decode(
            Root.self,
            yaml: """
                tenants:
                  small:
                    database: {engine: sqlite, path: data/small.sqlite, max_connections: 2, settings: {synchronous: NORMAL}}
                """, file: "x.yaml")
        let small = try #require(root.tenants["small"])
        #expect(
            small.database
                == DatabaseConfiguration(
                    engine: .sqlite, path: "data/small.sqlite", maxConnections: 2, settings: ["synchronous": "NORMAL"]))
        #expect(throws: WarehouseError.self) {
            _ = try ConfigurationFile.decode(Root.self, yaml: "tenants:\n  s:\n    database: {engine: sqlite}", file: "x.yaml")
        }
        try await withTemporaryDirectory { folder throws in
            let router = TenantRouter(tenants: [small.resolvingPaths(against: folder.path)], logger: Logger(label: "test"))
            let db = try await router.database(for: "small")
            #expect(db.dialect == .sqlite)
            #expect(try await db.query("PRAGMA synchronous").scalar == .int(1))
            #expect(try await db.query("PRAGMA journal_mode").scalar == .string("wal"))
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("data/small.sqlite").path))
            #expect(await router.health().map(\.status) == ["up"])
            await router.closeAll()
        }
        #expect(throws: WarehouseError.self) {
            _ = try SQLiteDatabase(configuration: .init(pragmas: ["synchronous": "OFF; DROP TABLE x"]))
        }
    }

    @Test("migrations create the warehouse schema, and a second run changes nothing")
    func migrate() async throws {
        try await withDatabase { db throws in
            let migrations = try Migration.load(from: Self.root.appendingPathComponent("database"), dialect: .sqlite)
            let logger = Logger(label: "test")
            let first = try await MigrationRunner(database: db, migrations: migrations, logger: logger).run()
            #expect(first.applied == [1, 2])
            let tables = try await db.query(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            #expect(
                tables.rows.map { $0[0].description } == [
                    "dim_account", "dim_customer", "dim_date", "dim_product", "dim_sales_hierarchy",
                    "dim_transaction_type", "etl_transform_runs", "fact_primary_sales", "fact_sales_transactions", "schema_migrations",
                ])
            let applied = try await db.query("SELECT version, applied_at FROM schema_migrations")
            #expect(applied.rows.first?.first == .int(1))
            #expect(applied.columns.last?.type.kind == .timestamp)
            let second = try await MigrationRunner(database: db, migrations: migrations, logger: logger).run()
            #expect(second.applied.isEmpty)
            #expect(second.alreadyApplied == [1, 2])
        }
    }
}
