import Foundation
import Logging
import SampleData
import Semantic
import Testing
import Transform
import Warehouse

/// Every reference query compiled for SQLite and run on a migrated SQLite database that
/// holds the star schema, copied from seeded, transformed DuckDB data; the number of rows
/// each returns is checked against the same query on DuckDB.
@Suite("Query compiler on SQLite data", .serialized)
struct SQLiteQueryExecutionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let starTables = [
        "dim_date", "dim_product", "dim_account", "dim_customer", "dim_transaction_type", "dim_sales_hierarchy",
        "fact_sales_transactions", "fact_primary_sales",
    ]

    static func normalized(_ result: ResultSet) -> [String] {
        result.rows.map { row in
            row.map { value -> String in
                switch value {
                case .double(let d): return String(format: "%.4f", d)
                case .decimal(let d): return String(format: "%.4f", d.doubleValue)
                case .int(let i): return String(format: "%.4f", Double(i))
                case .timestamp(let t): return String(t.description.prefix(10))
                case .date(let d): return d.description
                case .string(let s) where SQLTimestamp(iso: s) != nil: return String(s.prefix(10))
                default: return value.description
                }
            }.joined(separator: " | ")
        }.sorted()
    }

    @Test func everyReferenceQueryRunsOnSQLite() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("semantic-sqlite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let logger = Logger(label: "test")
        let databaseFolder = Self.root.appendingPathComponent("database")

        let duck = try DuckDBDatabase(configuration: .init(path: folder.appendingPathComponent("t.duckdb").path))
        let lite = try SQLiteDatabase(configuration: .init(path: folder.appendingPathComponent("t.sqlite").path))
        do {
            _ = try await MigrationRunner(
                database: duck, migrations: try Migration.load(from: databaseFolder, dialect: .duckdb), logger: logger
            ).run()
            _ = try await SampleDataGenerator(
                options: SeedOptions(tenant: .itc, endDate: SQLDate(iso: "2025-06-30")!, days: 120, scale: 0.02)
            ).seed(into: duck)
            let report = try await TransformRunner(
                project: try DbtProject.load(from: Self.root.appendingPathComponent("transform")), database: duck,
                logger: logger
            ).run(.init(runTests: false))
            #expect(report.succeeded, "\(report.summary)")

            let migrated = try await MigrationRunner(
                database: lite, migrations: try Migration.load(from: databaseFolder, dialect: .sqlite), logger: logger
            ).run()
            #expect(migrated.applied == [1, 2])
            for table in Self.starTables {
                let rows = try await duck.query("SELECT * FROM \(table)")
                try await lite.bulkLoad(into: table, columns: rows.columns.map(\.name), rows: rows.rows)
                #expect(!rows.rows.isEmpty, "\(table) is empty")
            }

            let model = try shippedQueryModel()
            let sqlite = QueryCompiler(model: model, dialect: .sqlite)
            let duckdb = QueryCompiler(model: model, dialect: .duckdb)
            let asOf = SQLDate(iso: ReferenceQueries.asOf)!
            var ran = 0
            for (name, json) in ReferenceQueries.all {
                let query = try QueryTable.query(json)
                let compiled = try sqlite.compile(query, asOf: asOf)
                let result: ResultSet
                do {
                    result = try await lite.query(compiled.sql, compiled.binds)
                } catch {
                    Issue.record("\(name) failed on SQLite: \(error)")
                    continue
                }
                #expect(result.columns.map(\.name) == compiled.columns.map(\.name), "\(name)")
                let reference = try duckdb.compile(query, asOf: asOf)
                let expected = try await duck.query(reference.sql, reference.binds)
                #expect(result.rows.count == expected.rows.count, "\(name)\n\(compiled.sql)")
                // Unordered queries (and ties) may list rows differently, so compare as sorted
                // text; SQLite sums DECIMALs as REAL, and a truncated time is text there.
                if !result.rows.isEmpty, !name.hasPrefix("38_") {
                    #expect(Self.normalized(result) == Self.normalized(expected), "\(name)\n\(compiled.sql)")
                }
                ran += 1
                if let total = compiled.totalSQL {
                    let count = try await lite.query(total, compiled.binds)
                    let expectedCount = try await duck.query(reference.totalSQL ?? "", reference.binds)
                    #expect(count.scalar?.intValue == expectedCount.scalar?.intValue, "\(name) total")
                }
            }

            #expect(ran == ReferenceQueries.all.count)

            // Spot checks of values, not only shapes: exact sums of DECIMAL amounts agree.
            let net = try await lite.query("SELECT SUM(net_amount) FROM fact_sales_transactions").scalar?.doubleValue
            let duckNet = try await duck.query("SELECT SUM(net_amount) FROM fact_sales_transactions").scalar?.doubleValue
            #expect(net != nil && duckNet != nil && abs(net! - duckNet!) < 0.01)
        } catch {
            try? await lite.close()
            try? await duck.close()
            throw error
        }
        try await lite.close()
        try await duck.close()
    }
}
