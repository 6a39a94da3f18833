import Foundation
import Logging
import SampleData
import Semantic
import Testing
import Transform
import Warehouse

/// The PostgreSQL that `scripts/test` starts; nil when the tests run without one.
let testPostgresURL = ProcessInfo.processInfo.environment["CONVAI_TEST_PG_URL"].flatMap { $0.isEmpty ? nil : $0 }

/// The same seeded data on DuckDB and on PostgreSQL, built by the same transform; every
/// reference query compiled for each engine must return the same rows on both.
@Suite(
    "Cross-engine equivalence: DuckDB and PostgreSQL",
    .enabled(if: testPostgresURL != nil, "CONVAI_TEST_PG_URL is not set (scripts/test starts a PostgreSQL)"))
struct EngineEquivalenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Seeds, migrates and transforms `database` building in `schema`.
    static func build(_ database: any Database, schema: String? = nil) async throws {
        let logger = Logger(label: "test")
        let folder = root.appendingPathComponent("database")
        _ = try await MigrationRunner(
            database: database, migrations: try Migration.load(from: folder, dialect: database.dialect), logger: logger
        ).run()
        _ = try await SampleDataGenerator(
            options: SeedOptions(tenant: .nestle, endDate: SQLDate(iso: ReferenceQueries.asOf)!, days: 120, scale: 0.05)
        ).seed(into: database)
        let report = try await TransformRunner(
            project: try DbtProject.load(from: root.appendingPathComponent("transform")), database: database,
            schema: schema, logger: logger
        ).run(.init(runTests: false))
        #expect(report.succeeded, "\(database.dialect): \(report.summary)")
    }

    /// A value as compared across engines: numbers to 2 decimals, dates as midnight.
    static func comparable(_ value: Value) -> String {
        func number(_ x: Double) -> String {
            let text = String(format: "%.2f", x)
            return text == "-0.00" ? "0.00" : text
        }
        switch value {
        case .null: return "NULL"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let x): return number(Double(x))
        case .double(let x): return number(x)
        case .decimal(let x): return number(x.doubleValue)
        case .string(let text): return text
        case .date(let date): return "\(SQLTimestamp(date: date))"
        case .timestamp(let timestamp): return "\(timestamp)"
        }
    }

    static func rows(_ result: ResultSet) -> [[String]] { result.rows.map { $0.map(comparable) } }

    @Test("every reference query returns the same rows on DuckDB and PostgreSQL")
    func sameAnswers() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-equiv-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let duckdb = try DuckDBDatabase(configuration: .init(path: folder.appendingPathComponent("t.duckdb").path))
        try await Self.build(duckdb)

        let schema = "equiv_" + UUID().uuidString.lowercased().replacing("-", with: "")
        let admin = try PostgresDatabase(configuration: try PostgresDatabase.Configuration(url: try #require(testPostgresURL)))
        try await admin.execute("CREATE SCHEMA \(SQLDialect.postgres.quoteIdentifier(schema))")
        var settings = try PostgresDatabase.Configuration(url: try #require(testPostgresURL))
        settings.schema = schema
        let postgres = try PostgresDatabase(configuration: settings)
        do {
            try await Self.build(postgres, schema: schema)
            let model = try DataModel.load(from: Self.root.appendingPathComponent("model"))
            let asOf = SQLDate(iso: ReferenceQueries.asOf)!
            var nonEmpty = 0
            for (name, json) in ReferenceQueries.all {
                let query = try CubeQuery(json: Data(json.utf8))
                let onDuck = try QueryCompiler(model: model, dialect: .duckdb).compile(query, asOf: asOf)
                let onPostgres = try QueryCompiler(model: model, dialect: .postgres).compile(query, asOf: asOf)
                let duckRows = Self.rows(try await duckdb.query(onDuck.sql, onDuck.binds))
                let postgresRows: [[String]]
                do {
                    postgresRows = Self.rows(try await postgres.query(onPostgres.sql, onPostgres.binds))
                } catch {
                    Issue.record("\(name) fails on PostgreSQL: \(error)\n\(onPostgres.sql)")
                    continue
                }
                if !duckRows.isEmpty { nonEmpty += 1 }
                if query.order != nil {
                    #expect(postgresRows == duckRows, "\(name): rows or their order differ\n\(onPostgres.sql)")
                } else {
                    #expect(postgresRows.sorted { $0.lexicographicallyPrecedes($1) } == duckRows.sorted { $0.lexicographicallyPrecedes($1) }, "\(name): rows differ\n\(onPostgres.sql)")
                }
                if let totalDuck = onDuck.totalSQL, let totalPostgres = onPostgres.totalSQL {
                    let a = try await duckdb.query(totalDuck, onDuck.binds).scalar.map(Self.comparable)
                    let b = try await postgres.query(totalPostgres, onPostgres.binds).scalar.map(Self.comparable)
                    #expect(a == b, "\(name): total differs")
                }
            }
            // Most queries find data in the seeded period; an empty answer on both would prove nothing.
            #expect(nonEmpty >= ReferenceQueries.all.count - 5, "only \(nonEmpty) queries returned rows")
        } catch {
            Issue.record("\(error)")
        }
        try await postgres.close()
        try await admin.execute("DROP SCHEMA \(SQLDialect.postgres.quoteIdentifier(schema)) CASCADE")
        try await admin.close()
        try await duckdb.close()
    }
}
