import Foundation
import Semantic
import Testing
import Warehouse

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
private let goldenFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

/// The shipped model, loaded once per test.
func shippedQueryModel() throws -> DataModel {
    try DataModel.load(from: packageRoot.appendingPathComponent("model"))
}

/// Golden SQL per dialect: each query of ``QueryTable`` compiled and compared with
/// `Golden/<dialect>/<name>.sql` (SQL, then one `-- bind:` line per parameter). Set
/// `CONVAI_RECORD_GOLDEN=1` to write missing files.
@Suite("Query compiler golden SQL")
struct GoldenSQLTests {
    static func render(_ compiled: CompiledQuery) -> String {
        var text = compiled.sql + "\n"
        for bind in compiled.binds { text += "-- bind: \(bind)\n" }
        if let total = compiled.totalSQL { text += "-- total:\n" + total + "\n" }
        return text
    }

    @Test(arguments: SQLDialect.allCases)
    func golden(_ dialect: SQLDialect) throws {
        let compiler = QueryCompiler(model: try shippedQueryModel(), dialect: dialect)
        let asOf = SQLDate(iso: QueryTable.asOf)!
        for (name, json) in QueryTable.queries {
            try Self.expectGolden(try compiler.compile(try QueryTable.query(json), asOf: asOf), name: name, dialect: dialect)
        }
    }

    /// Compares `compiled` with `Golden/<dialect>/<name>.sql`, writing the file when it is
    /// missing and `CONVAI_RECORD_GOLDEN=1`.
    static func expectGolden(_ compiled: CompiledQuery, name: String, dialect: SQLDialect) throws {
        let text = render(compiled)
        let file = goldenFolder.appendingPathComponent(dialect.rawValue).appendingPathComponent(name + ".sql")
        if ProcessInfo.processInfo.environment["CONVAI_RECORD_GOLDEN"] == "1", !FileManager.default.fileExists(atPath: file.path) {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        #expect(text == expected, "\(dialect.rawValue)/\(name)")
    }

    @Test func placeholdersPerDialect() throws {
        let query = try QueryTable.query(
            #"{"measures":["Transactions.count"],"filters":[{"member":"Customers.zone","operator":"equals","values":["North","South"]}]}"#
        )
        let model = try shippedQueryModel()
        let asOf = SQLDate(iso: QueryTable.asOf)!
        #expect(try QueryCompiler(model: model, dialect: .duckdb).compile(query, asOf: asOf).sql.contains("IN (?, ?)"))
        #expect(try QueryCompiler(model: model, dialect: .sqlite).compile(query, asOf: asOf).sql.contains("IN (?, ?)"))
        #expect(try QueryCompiler(model: model, dialect: .postgres).compile(query, asOf: asOf).sql.contains("IN ($1, $2)"))
        #expect(try QueryCompiler(model: model, dialect: .sqlserver).compile(query, asOf: asOf).sql.contains("IN (@P1, @P2)"))
    }

    @Test(arguments: SQLDialect.allCases)
    func valuesOnlyInBinds(_ dialect: SQLDialect) throws {
        let evil = "x'); DROP TABLE y; --"
        let query = CubeQuery(
            measures: ["Transactions.count"], dimensions: ["Customers.city"],
            filters: [
                .member("Customers.city", .equals, [evil]), .member("Customers.city", .contains, [evil]),
                .or([.member("Customers.customerName", .notStartsWith, [evil])]),
            ])
        let compiled = try QueryCompiler(model: try shippedQueryModel(), dialect: dialect)
            .compile(query, asOf: SQLDate(iso: QueryTable.asOf)!)
        #expect(!compiled.sql.contains("DROP"))
        #expect(!compiled.sql.contains(evil))
        #expect(compiled.binds == [.string(evil), .string(evil), .string(evil)])
    }

    @Test func columnsAreLabelledLikeCube() throws {
        let compiled = try QueryCompiler(model: try shippedQueryModel(), dialect: .duckdb).compile(
            try QueryTable.query(QueryTable.queries.first { $0.name == "12_last_3_months" }!.json),
            asOf: SQLDate(iso: QueryTable.asOf)!)
        #expect(compiled.columns.map(\.name) == ["Products.brand", "Transactions.transactionDate.month", "Transactions.netSales"])
        #expect(compiled.columns[1].kind == .timeDimension(.month))
        #expect(compiled.columns[2].kind == .measure)
        #expect(compiled.binds == [.date(SQLDate(iso: "2025-03-01")!), .date(SQLDate(iso: "2025-06-01")!)])
    }
}
