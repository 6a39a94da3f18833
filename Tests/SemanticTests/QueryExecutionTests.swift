import Foundation
import Logging
import SampleData
import Semantic
import Testing
import Transform
import Warehouse

/// Every query of ``QueryTable`` run on DuckDB over seeded, transformed data; the key ones
/// compared with hand-written SQL over the marts.
@Suite("Query compiler on DuckDB data", .serialized)
struct QueryExecutionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Hand-written SQL per query name (results are compared as sorted rows).
    static let handWritten: [String: String] = [
        "01_count": "SELECT COUNT(*) FROM fact_sales_transactions",
        "02_sum_by_brand": """
            SELECT p.brand, SUM(t.net_amount) FROM fact_sales_transactions t
            LEFT JOIN dim_product p ON p.product_id = t.product_id GROUP BY p.brand
            """,
        "03_month": """
            SELECT date_trunc('month', transaction_date), SUM(net_amount) FROM fact_sales_transactions GROUP BY 1
            """,
        "05_day_range": """
            SELECT transaction_date::TIMESTAMP, SUM(quantity) FROM fact_sales_transactions
            WHERE transaction_date BETWEEN DATE '2025-06-01' AND DATE '2025-06-07' GROUP BY 1
            """,
        "09_last_7_days": """
            SELECT SUM(net_amount) FROM fact_sales_transactions
            WHERE transaction_date BETWEEN DATE '2025-06-23' AND DATE '2025-06-29'
            """,
        "11_this_month": """
            SELECT SUM(net_amount) FROM fact_sales_transactions WHERE transaction_date >= DATE '2025-06-01'
            """,
        "14_equals": """
            SELECT c.state, SUM(t.net_amount) FROM fact_sales_transactions t
            JOIN dim_customer c ON c.customer_id = t.customer_id WHERE c.zone = 'North' GROUP BY c.state
            """,
        "16_not_equals": """
            SELECT c.zone, COUNT(*) FROM fact_sales_transactions t
            LEFT JOIN dim_customer c ON c.customer_id = t.customer_id
            WHERE c.zone IS DISTINCT FROM 'North' GROUP BY c.zone
            """,
        "17_contains": """
            SELECT p.category, COUNT(*) FROM fact_sales_transactions t
            JOIN dim_product p ON p.product_id = t.product_id WHERE p.category ILIKE '%biscuit%'
            GROUP BY p.category
            """,
        "24_notset": "SELECT COUNT(*) FROM dim_product WHERE unit_volume IS NULL",
        "25_in_date_range": """
            SELECT COUNT(*) FROM fact_sales_transactions WHERE transaction_date BETWEEN '2025-05-01' AND '2025-05-31'
            """,
        "26_not_in_date_range": """
            SELECT COUNT(*) FROM fact_sales_transactions WHERE transaction_date NOT BETWEEN '2025-05-01' AND '2025-05-31'
            """,
        "28_on_or": """
            SELECT COUNT(*) FROM fact_sales_transactions WHERE transaction_date BETWEEN '2025-05-01' AND '2025-05-31'
            """,
        "29_nested_and_or": """
            SELECT c.zone, SUM(t.net_amount) FROM fact_sales_transactions t
            JOIN dim_customer c ON c.customer_id = t.customer_id
            WHERE c.zone = 'North' OR (c.zone = 'South' AND c.customer_type = 'General Trade') GROUP BY c.zone
            """,
        "30_having": """
            SELECT p.brand, SUM(t.net_amount) FROM fact_sales_transactions t
            LEFT JOIN dim_product p ON p.product_id = t.product_id GROUP BY p.brand HAVING SUM(t.net_amount) > 0
            """,
        "31_measure_filters": """
            SELECT c.zone,
                   SUM(t.net_amount) FILTER (WHERE y.code = 'SALE'),
                   SUM(-t.net_amount) FILTER (WHERE y.code = 'RETURN'),
                   100.0 * SUM(-t.net_amount) FILTER (WHERE y.code = 'RETURN')
                     / NULLIF(SUM(t.net_amount) FILTER (WHERE y.code = 'SALE'), 0)
            FROM fact_sales_transactions t
            LEFT JOIN dim_customer c ON c.customer_id = t.customer_id
            LEFT JOIN dim_transaction_type y ON y.transaction_type_id = t.transaction_type_id
            GROUP BY c.zone
            """,
        "33_count_distinct": """
            SELECT a.zone, COUNT(DISTINCT t.customer_id), COUNT(DISTINCT t.product_id) FROM fact_sales_transactions t
            LEFT JOIN dim_account a ON a.account_id = t.account_id GROUP BY a.zone
            """,
        "35_segment": """
            SELECT p.category, SUM(t.net_amount) FROM fact_sales_transactions t
            JOIN dim_product p ON p.product_id = t.product_id
            JOIN dim_transaction_type y ON y.transaction_type_id = t.transaction_type_id
            JOIN dim_customer c ON c.customer_id = t.customer_id
            WHERE y.code = 'SALE' AND c.customer_type = 'Modern Trade' GROUP BY p.category
            """,
        "38_ungrouped": """
            SELECT t.transaction_id, p.brand, t.net_amount FROM fact_sales_transactions t
            LEFT JOIN dim_product p ON p.product_id = t.product_id ORDER BY t.transaction_id LIMIT 20
            """,
        "40_fan_out": """
            WITH c AS (SELECT state, COUNT(*) AS n FROM dim_customer GROUP BY state),
                 s AS (SELECT c.state, SUM(t.net_amount) AS v FROM fact_sales_transactions t
                       LEFT JOIN dim_customer c ON c.customer_id = t.customer_id GROUP BY c.state)
            SELECT COALESCE(c.state, s.state), c.n, s.v FROM c FULL OUTER JOIN s ON c.state IS NOT DISTINCT FROM s.state
            """,
        "42_accounts_shortest_path": """
            SELECT a.account_type, SUM(t.net_amount) FROM fact_sales_transactions t
            LEFT JOIN dim_account a ON a.account_id = t.account_id GROUP BY a.account_type
            """,
        "45_fan_out_filtered": """
            WITH s AS (SELECT c.zone, SUM(t.net_amount) AS v FROM fact_sales_transactions t
                       LEFT JOIN dim_customer c ON c.customer_id = t.customer_id
                       WHERE c.customer_type = 'General Trade' GROUP BY c.zone),
                 c AS (SELECT zone, COUNT(*) AS n FROM dim_customer WHERE customer_type = 'General Trade' GROUP BY zone)
            SELECT COALESCE(s.zone, c.zone), s.v, c.n FROM s FULL OUTER JOIN c ON s.zone IS NOT DISTINCT FROM c.zone
            WHERE s.v > 0
            """,
        "44_view": "SELECT SUM(net_amount) FROM fact_sales_transactions",
    ]

    static func rows(_ result: ResultSet) -> [String] {
        result.rows.map { row in
            row.map { value -> String in
                switch value {
                case .double(let d): return String(format: "%.6f", d)
                case .decimal(let d): return String(format: "%.6f", d.doubleValue)
                case .int(let i): return String(format: "%.6f", Double(i))
                case .timestamp(let t): return String(t.description.prefix(10))
                default: return value.description
                }
            }.joined(separator: " | ")
        }.sorted()
    }

    @Test func compiledQueriesMatchHandWrittenSQL() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("semantic-exec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try DuckDBDatabase(configuration: .init(path: folder.appendingPathComponent("t.duckdb").path))
        let logger = Logger(label: "test")
        let migrations = try Migration.load(from: Self.root.appendingPathComponent("database"), dialect: .duckdb)
        _ = try await MigrationRunner(database: db, migrations: migrations, logger: logger).run()
        _ = try await SampleDataGenerator(
            options: SeedOptions(tenant: .itc, endDate: SQLDate(iso: "2025-06-30")!, days: 120, scale: 0.02)
        ).seed(into: db)
        let report = try await TransformRunner(
            project: try DbtProject.load(from: Self.root.appendingPathComponent("transform")), database: db,
            logger: logger
        ).run(.init(runTests: false))
        #expect(report.succeeded, "\(report.summary)")

        let compiler = QueryCompiler(model: try shippedQueryModel(), dialect: .duckdb)
        let asOf = SQLDate(iso: QueryTable.asOf)!
        var compared = 0
        for (name, json) in QueryTable.queries {
            let compiled = try compiler.compile(try QueryTable.query(json), asOf: asOf)
            let result: ResultSet
            do {
                result = try await db.query(compiled.sql, compiled.binds)
            } catch {
                Issue.record("\(name) failed to run: \(error)\n\(compiled.sql)")
                continue
            }
            #expect(result.columns.map(\.name) == compiled.columns.map(\.name), "\(name)")
            if let total = compiled.totalSQL {
                let all = try await db.query(total, compiled.binds)
                let states = try await db.query("SELECT COUNT(DISTINCT state) + MAX(CASE WHEN state IS NULL THEN 1 ELSE 0 END) FROM dim_customer")
                #expect(all.scalar?.intValue == states.scalar?.intValue, "\(name) total")
                #expect(result.rows.count == 3)
            }
            guard let expectedSQL = Self.handWritten[name] else { continue }
            let expected = try await db.query(expectedSQL)
            #expect(!expected.rows.isEmpty, "\(name): the hand-written query returns no rows")
            #expect(Self.rows(result) == Self.rows(expected), "\(name)\n\(compiled.sql)")
            compared += 1
        }
        #expect(compared == Self.handWritten.count)

        // The naive single join inflates Customers.count (each outlet once per bill line);
        // the compiled query must not.
        let naive = try await db.query("""
            SELECT SUM(n) FROM (SELECT c.state, COUNT(*) AS n FROM fact_sales_transactions t
            LEFT JOIN dim_customer c ON c.customer_id = t.customer_id GROUP BY c.state)
            """)
        let fanOut = try compiler.compile(
            try QueryTable.query(QueryTable.queries.first { $0.name == "40_fan_out" }!.json), asOf: asOf)
        let compiled = try await db.query("SELECT SUM(\"Customers.count\") FROM (\(fanOut.sql))", fanOut.binds)
        let truth = try await db.query("SELECT COUNT(*) FROM dim_customer")
        #expect(compiled.scalar?.intValue == truth.scalar?.intValue)
        #expect(naive.scalar?.intValue != truth.scalar?.intValue)
        try await db.close()
    }
}
