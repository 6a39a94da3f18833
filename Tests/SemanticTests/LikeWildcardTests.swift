import Foundation
import Semantic
import Testing
import Warehouse

/// Cube's `contains`, `startsWith` and `endsWith` are literal substring matches: a `%`, `_`
/// or `\` in a filter value matches only itself (the compiler escapes LIKE's wildcards in the
/// bound value and writes `ESCAPE '\'`). Run on DuckDB, SQLite and PostgreSQL; SQL Server's
/// extra escape (`[`) is checked in its binds.
@Suite("LIKE wildcards in filter values are literal")
struct LikeWildcardTests {
    static let brands = ["50% Off", "50 Off", "A_B", "AXB", #"Back\Slash"#, "Plain"]

    /// Filter value, operator → the brands that must match.
    static let cases: [(String, String, Set<String>)] = [
        ("%", "contains", ["50% Off"]),
        ("_", "contains", ["A_B"]),
        (#"\"#, "contains", [#"Back\Slash"#]),
        ("50%", "startsWith", ["50% Off"]),
        ("_b", "endsWith", ["A_B"]),
        ("%", "notContains", ["50 Off", "A_B", "AXB", #"Back\Slash"#, "Plain"]),
        ("off", "contains", ["50% Off", "50 Off"]),
    ]

    static func query(_ value: String, _ op: String) throws -> CubeQuery {
        let filter: [String: Any] = ["member": "Products.brand", "operator": op, "values": [value]]
        let body: [String: Any] = ["dimensions": ["Products.brand"], "filters": [filter]]
        return try CubeQuery(json: JSONSerialization.data(withJSONObject: body))
    }

    static func check(_ database: any Database, dialect: SQLDialect) async throws {
        _ = try await database.execute("CREATE TABLE dim_product (product_id INTEGER, brand VARCHAR(40))")
        _ = try await database.bulkLoad(
            into: "dim_product", columns: ["product_id", "brand"],
            rows: brands.enumerated().map { [.int(Int64($0.offset)), .string($0.element)] })
        let compiler = QueryCompiler(model: try shippedQueryModel(), dialect: dialect)
        for (value, op, expected) in cases {
            let compiled = try compiler.compile(try query(value, op), asOf: SQLDate(iso: "2025-06-30")!)
            #expect(compiled.sql.contains(#"ESCAPE '\'"#))
            let rows = try await database.query(compiled.sql, compiled.binds).rows
            let found = Set(rows.compactMap { row -> String? in if case .string(let s) = row.first { s } else { nil } })
            #expect(found == expected, "\(dialect.rawValue): \(op) \(value)")
        }
    }

    @Test func duckdb() async throws {
        let database = try DuckDBDatabase(configuration: .init())
        try await Self.check(database, dialect: .duckdb)
        try await database.close()
    }

    @Test func sqlite() async throws {
        let database = try SQLiteDatabase(configuration: .init())
        try await Self.check(database, dialect: .sqlite)
        try await database.close()
    }

    @Test(.enabled(if: testPostgresURL != nil, "CONVAI_TEST_PG_URL is not set (scripts/test starts a PostgreSQL)"))
    func postgres() async throws {
        let schema = "like_" + UUID().uuidString.lowercased().replacing("-", with: "")
        let admin = try PostgresDatabase(configuration: try PostgresDatabase.Configuration(url: try #require(testPostgresURL)))
        _ = try await admin.execute("CREATE SCHEMA \(SQLDialect.postgres.quoteIdentifier(schema))")
        try await admin.close()
        var settings = try PostgresDatabase.Configuration(url: try #require(testPostgresURL))
        settings.schema = schema
        let database = try PostgresDatabase(configuration: settings)
        try await Self.check(database, dialect: .postgres)
        try await database.close()
    }

    @Test func sqlServerAlsoEscapesCharacterClasses() throws {
        let compiled = try QueryCompiler(model: try shippedQueryModel(), dialect: .sqlserver)
            .compile(try Self.query("[a-z]%", "contains"), asOf: SQLDate(iso: "2025-06-30")!)
        #expect(compiled.binds == [.string(#"\[a-z]\%"#)])
    }
}
