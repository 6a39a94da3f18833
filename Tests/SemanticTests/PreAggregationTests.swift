import Foundation
import Logging
import SampleData
import Semantic
import Testing
import Transform
import Warehouse

/// Pre-aggregations: how they are read from the model, which queries a rollup answers
/// exactly, the SQL that reads a rollup, and — on seeded DuckDB data with the rollups built —
/// that every reference query a rollup answers returns the raw tables' rows.
@Suite("Pre-aggregations: model, matching, SQL and results")
struct PreAggregationTests {
    static let asOf = SQLDate(iso: ReferenceQueries.asOf)!

    static func rollups(_ model: DataModel) -> [PreAggregation] {
        model.cubeNames.flatMap { model.cubes[$0]!.preAggregations }
    }

    static func query(_ json: String) throws -> CubeQuery { try JSONDecoder().decode(CubeQuery.self, from: Data(json.utf8)) }

    /// The rollup `json` is read from, or nil.
    static func used(_ json: String, restriction: RowLevelRestriction? = nil) throws -> String? {
        let model = try shippedQueryModel()
        let compiler = QueryCompiler(model: model, dialect: .duckdb, restriction: restriction, rollups: rollups(model))
        return try compiler.compile(try query(json), asOf: asOf).usedPreAggregation
    }

    @Test("the shipped model's rollups are read with qualified members, partitions and refresh keys")
    func shippedRollups() throws {
        let model = try shippedQueryModel()
        let rollups = Self.rollups(model)
        #expect(rollups.map(\.id) == ["Transactions.daily_by_product", "Transactions.daily_by_geography", "Transactions.monthly_by_brand_and_city"])
        let monthly = try #require(rollups.last)
        #expect(monthly.measures.contains("Transactions.uniqueCustomers"))
        #expect(monthly.dimensions == ["Products.brand", "Customers.zone", "Customers.state", "Customers.city"])
        #expect(monthly.timeDimension == "Transactions.transactionDate")
        #expect(monthly.granularity == .month && monthly.partitionGranularity == .year)
        #expect(monthly.refreshKey == .init(everySeconds: 3600, incremental: true, updateWindowDays: 7))
        #expect(monthly.tableName == "convai_preagg_transactions_monthly_by_brand_and_city")
    }

    static func loading(_ preAggregation: String) throws -> DataModel {
        let yaml = """
            cubes:
              - name: Orders
                sql_table: orders
                joins:
                  - name: Shops
                    sql: "{CUBE}.shop_id = {Shops}.id"
                    relationship: many_to_one
                dimensions:
                  - { name: id, sql: id, type: number, primary_key: true }
                  - { name: status, sql: status, type: string }
                  - { name: createdAt, sql: created_at, type: time }
                measures:
                  - { name: count, type: count }
                  - { name: amount, sql: amount, type: sum }
                pre_aggregations:
            \(preAggregation.split(separator: "\n").map { "        " + $0 }.joined(separator: "\n"))
              - name: Shops
                sql_table: shops
                dimensions:
                  - { name: id, sql: id, type: number, primary_key: true }
                  - { name: city, sql: city, type: string }
                measures:
                  - { name: count, type: count }
              - name: Lonely
                sql_table: lonely
                dimensions:
                  - { name: word, sql: word, type: string }
            """
        return try DataModel.load(files: [("model/orders.yml", yaml)])
    }

    @Test("bad pre-aggregations are refused with the problem named")
    func badDefinitions() throws {
        let good = try Self.loading("- { name: main, measures: [count, CUBE.amount], dimensions: [status, Shops.city], time_dimension: createdAt, granularity: day, refresh_key: { every: 30 minutes } }")
        let main = try #require(good.cubes["Orders"]?.preAggregations.first)
        #expect(main.measures == ["Orders.count", "Orders.amount"] && main.dimensions == ["Orders.status", "Shops.city"])
        #expect(main.refreshKey.everySeconds == 1800)
        let cases: [(String, String)] = [
            ("- { name: a, measures: [nope] }", "unknown member 'Orders.nope'"),
            ("- { name: a, measures: [status] }", "'Orders.status' is not a measure"),
            ("- { name: a, dimensions: [amount] }", "'Orders.amount' is not a dimension"),
            ("- { name: a, measures: [Shops.id] }", "'Shops.id' is not a measure"),
            ("- { name: a, measures: [Shops.count] }", "a measure of another cube"),
            ("- { name: a, measures: [count], dimensions: [Lonely.word] }", "cannot be reached from Orders"),
            ("- { name: a, measures: [count], time_dimension: status, granularity: day }", "is not a time dimension"),
            ("- { name: a, measures: [count], time_dimension: createdAt }", "time_dimension needs a granularity"),
            ("- { name: a, measures: [count], granularity: day }", "need a time_dimension"),
            ("- { name: a, measures: [count], time_dimension: createdAt, granularity: fortnight }", "unknown granularity 'fortnight'"),
            ("- { name: a, measures: [count], refresh_key: { every: soon } }", "refresh_key.every"),
            ("- { name: a, measures: [count], time_dimension: createdAt, granularity: year, partition_granularity: month }",
             "partition_granularity month does not hold whole years"),
            ("- { name: a, measures: [count], time_dimension: createdAt, granularity: week, partition_granularity: month }",
             "partition_granularity month does not hold whole weeks"),
            ("- { name: a, type: lambda }", "unknown type 'lambda'"),
            ("- { name: a, type: original_sql }", "original_sql needs a cube defined by sql:"),
            ("- { name: a, measures: [count] }\n- { name: a, measures: [amount] }", "duplicate pre-aggregation name 'a'"),
        ]
        for (yaml, message) in cases {
            #expect {
                _ = try Self.loading(yaml)
            } throws: { error in
                "\(error)".contains(message)
            }
        }
    }

    @Test("a rollup answers only what it answers exactly")
    func matching() throws {
        let monthly = "Transactions.monthly_by_brand_and_city"
        let dailyProduct = "Transactions.daily_by_product"
        let dailyGeography = "Transactions.daily_by_geography"
        let td = #""timeDimensions":[{"dimension":"Transactions.transactionDate""#
        // The coarsest rollup that can: months of brands from the monthly one.
        #expect(try Self.used(#"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"],\#(td),"granularity":"month","dateRange":["2025-01-01","2025-06-30"]}]}"#) == monthly)
        // A range not on month boundaries, or weeks, need days.
        #expect(try Self.used(#"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"],\#(td),"granularity":"month","dateRange":["2025-01-05","2025-06-30"]}]}"#) == dailyProduct)
        #expect(try Self.used(#"{"measures":["Transactions.count"],\#(td),"granularity":"week"}]}"#) == dailyProduct)
        #expect(try Self.used(#"{"measures":["Transactions.count"],"dimensions":["Customers.customerType"],\#(td),"granularity":"quarter"}]}"#) == dailyGeography)
        // Hours are finer than any rollup; a dimension no rollup has; segments; ungrouped.
        #expect(try Self.used(#"{"measures":["Transactions.count"],\#(td),"granularity":"hour","dateRange":["2025-06-01","2025-06-01"]}]}"#) == nil)
        #expect(try Self.used(#"{"measures":["Transactions.netSales"],"dimensions":["Accounts.accountName"]}"#) == nil)
        #expect(try Self.used(#"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"],"segments":["Transactions.sales"]}"#) == nil)
        #expect(try Self.used(#"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"],"ungrouped":true}"#) == nil)
        // Without a measure: every brand of the catalogue, not only those with sales.
        #expect(try Self.used(#"{"dimensions":["Products.brand"]}"#) == nil)
        #expect(try Self.used(#"{"measures":["Transactions.netSales"],"filters":[{"member":"Products.productName","operator":"equals","values":["x"]}]}"#) == nil)
        // Distinct counts only at the rollup's own grain.
        #expect(try Self.used(#"{"measures":["Transactions.uniqueCustomers"],"dimensions":["Products.brand","Customers.zone","Customers.state","Customers.city"],\#(td),"granularity":"month"}]}"#) == monthly)
        #expect(try Self.used(#"{"measures":["Transactions.uniqueCustomers"],"dimensions":["Products.brand"],\#(td),"granularity":"month"}]}"#) == nil)
        #expect(try Self.used(#"{"measures":["Transactions.uniqueCustomers"],"dimensions":["Products.brand","Customers.zone","Customers.state","Customers.city"],\#(td),"granularity":"year"}]}"#) == nil)
        // A number measure over stored sums and counts is computed from them.
        #expect(try Self.used(#"{"measures":["Transactions.averageOrderValue"],"dimensions":["Products.brand"]}"#) != nil)
        // Date filters on boundaries of the rollup's periods, measure filters after aggregation.
        #expect(try Self.used(#"{"measures":["Transactions.count"],"filters":[{"member":"Transactions.transactionDate","operator":"inDateRange","values":["2025-05-01","2025-05-31"]}]}"#) != nil)
        #expect(try Self.used(#"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"],"filters":[{"member":"Transactions.netSales","operator":"gt","values":["0"]}]}"#) == monthly)
        // Row-level security adds the caller's city: only rollups with the city answer.
        let mumbai = RowLevelRestriction(
            rules: RowLevelSecurity(roles: ["sales_rep"], cubes: ["Transactions": ["City": "Customers.city"]]),
            territory: Territory(level: "City", name: "Mumbai"))
        #expect(try Self.used(#"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"],\#(td),"granularity":"month","dateRange":["2025-01-01","2025-06-30"]}]}"#, restriction: mumbai) == monthly)
        #expect(try Self.used(#"{"measures":["Transactions.netSales"],"dimensions":["Products.category"]}"#, restriction: mumbai) == nil)
        #expect(try Self.used(#"{"measures":["Transactions.netSales"],"dimensions":["Customers.customerType"]}"#, restriction: mumbai) == dailyGeography)
    }

    @Test("the SQL that reads a rollup, per dialect", arguments: [SQLDialect.duckdb, .postgres, .sqlserver])
    func readingSQL(_ dialect: SQLDialect) throws {
        let model = try shippedQueryModel()
        let compiler = QueryCompiler(model: model, dialect: dialect, rollups: Self.rollups(model))
        let compiled = try compiler.compile(
            try Self.query(#"{"measures":["Transactions.netSales","Transactions.averageOrderValue"],"dimensions":["Products.brand"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"quarter","dateRange":["2025-01-01","2025-06-30"]}],"filters":[{"member":"Customers.city","operator":"equals","values":["Mumbai"]}],"limit":5}"#),
            asOf: Self.asOf)
        #expect(compiled.usedPreAggregation == "Transactions.monthly_by_brand_and_city")
        #expect(compiled.binds == [.date(SQLDate(iso: "2025-01-01")!), .date(SQLDate(iso: "2025-07-01")!), .string("Mumbai")])
        let q = dialect.quoteIdentifier
        let table = q("convai_preagg_transactions_monthly_by_brand_and_city")
        #expect(compiled.sql.contains("FROM \(table) AS \(table)"), "\(compiled.sql)")
        #expect(compiled.sql.contains("SUM(\(table).\(q("Transactions.netSales")))"), "\(compiled.sql)")
        // Quarters are truncated from the stored months.
        let months = "\(table).\(q("Transactions.transactionDate.month"))"
        let truncation = dialect == .sqlserver ? "DATEADD(quarter, DATEDIFF(quarter, 0, \(months))" : "date_trunc('quarter', \(months))"
        #expect(compiled.sql.contains(truncation), "\(compiled.sql)")
        #expect(!compiled.sql.contains("fact_sales_transactions"), "\(compiled.sql)")
        #expect(compiled.columns.map(\.name) == ["Products.brand", "Transactions.transactionDate.quarter", "Transactions.netSales", "Transactions.averageOrderValue"])
    }

    @Test("every reference query a rollup answers returns the raw tables' rows (DuckDB, seeded data)")
    func rollupResultsEqualRawResults() async throws {
        let (db, folder) = try await Self.seededDatabase(days: 200)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try shippedQueryModel()
        let raw = QueryCompiler(model: model, dialect: .duckdb)
        let refresher = PreAggregationRefresher(model: model, database: db)
        #expect(try await refresher.builtRollups().isEmpty)
        var reports: [PreAggregationRefresher.Report] = []
        for rollup in refresher.rollups { reports.append(try await refresher.refresh(rollup)) }
        // 200 days to 2025-06-30: months 2024-12 … 2025-06, years 2024 and 2025.
        #expect(reports.map(\.rebuilt.count) == [7, 7, 2])
        #expect(reports.allSatisfy { $0.rows > 0 && $0.kept == 0 })
        let built = try await refresher.builtRollups()
        #expect(built.map(\.rollup.id) == refresher.rollups.map(\.id))
        // Incremental: only the partitions within the 7-day update window are built again.
        let again = try await refresher.refresh(refresher.rollups[0])
        #expect(again.rebuilt.map(\.description) == ["2025-06-01..2025-06-30"] && again.kept == 6)
        #expect(again.rows == reports[0].rows)
        let full = try await refresher.refresh(refresher.rollups[0], full: true)
        #expect(full.rebuilt.count == 7 && full.rows == reports[0].rows)
        // A build that never finished (its mark of completion missing) is not read from;
        // the next refresh completes it.
        _ = try await db.execute(
            "DELETE FROM convai_preaggregation_partitions WHERE preaggregation = ? AND partition_start = DATE '1970-01-01'",
            [.string(refresher.rollups[0].id)])
        #expect(try await refresher.builtRollups().map(\.rollup.id) == refresher.rollups.dropFirst().map(\.id))
        _ = try await refresher.refresh(refresher.rollups[0])
        let rollups = try await refresher.builtRollups().map(\.rollup)
        let fromRollups = QueryCompiler(model: model, dialect: .duckdb, rollups: rollups)
        var answered: [String] = []
        for (name, json) in ReferenceQueries.all {
            let query = try Self.query(json)
            guard query.timeDimensions.allSatisfy({ $0.compareDateRange == nil }) else { continue }
            let compiled = try fromRollups.compile(query, asOf: Self.asOf)
            guard let used = compiled.usedPreAggregation else { continue }
            let expected = try await db.query(try raw.compile(query, asOf: Self.asOf).sql, try raw.compile(query, asOf: Self.asOf).binds)
            let actual = try await db.query(compiled.sql, compiled.binds)
            #expect(!expected.rows.isEmpty, "\(name): no rows to compare")
            #expect(QueryExecutionTests.rows(actual) == QueryExecutionTests.rows(expected), "\(name) from \(used)\n\(compiled.sql)")
            answered.append(name)
        }
        print("pre-aggregations: \(answered.count) reference queries answered from rollups: \(answered.joined(separator: ", "))")
        #expect(answered.count >= 10, "\(answered)")
        try await db.close()
    }
}

extension PreAggregationTests {
    /// The shipped model and a cube defined by SQL with an `original_sql` pre-aggregation.
    static func modelWithOriginalSQL() throws -> DataModel {
        let folder = QueryExecutionTests.root.appendingPathComponent("model")
        var files: [(name: String, yaml: String)] = []
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        while let file = enumerator?.nextObject() as? String {
            guard file.hasSuffix(".yml") else { continue }
            files.append((file, try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)))
        }
        files.append((
            "cubes/large_lines.yml",
            """
            cubes:
              - name: LargeLines
                sql: "SELECT transaction_id, transaction_date, net_amount FROM fact_sales_transactions WHERE net_amount > 500"
                dimensions:
                  - { name: transactionId, sql: transaction_id, type: number, primary_key: true }
                  - { name: day, sql: transaction_date, type: time }
                measures:
                  - { name: count, type: count }
                  - { name: amount, sql: net_amount, type: sum }
                pre_aggregations:
                  - { name: source, type: original_sql }
            """
        ))
        return try DataModel.load(files: files)
    }

    @Test("original_sql: the cube's SQL built as a table, and queries read it with the same rows")
    func originalSQL() async throws {
        let (db, folder) = try await Self.seededDatabase(days: 90)
        defer { try? FileManager.default.removeItem(at: folder) }
        let model = try Self.modelWithOriginalSQL()
        let refresher = PreAggregationRefresher(model: model, database: db)
        let source = try #require(refresher.rollups.first)
        #expect(source.id == "LargeLines.source" && source.kind == .originalSQL)
        let built = try await refresher.refresh(source)
        let expectedRows = try await db.query("SELECT COUNT(*) FROM fact_sales_transactions WHERE net_amount > 500").scalar?.intValue
        #expect(built.rows == Int(expectedRows ?? -1) && built.rows > 0)
        let usable = try await refresher.builtRollups().map(\.rollup)
        #expect(usable.map(\.id) == ["LargeLines.source"])
        let query = try Self.query(#"{"measures":["LargeLines.count","LargeLines.amount"],"timeDimensions":[{"dimension":"LargeLines.day","granularity":"week"}]}"#)
        let raw = try QueryCompiler(model: model, dialect: .duckdb).compile(query, asOf: Self.asOf)
        let materialized = try QueryCompiler(model: model, dialect: .duckdb, rollups: usable).compile(query, asOf: Self.asOf)
        #expect(raw.sql.contains("net_amount > 500") && raw.usedPreAggregation == nil)
        #expect(materialized.sql.contains("\"convai_preagg_largelines_source\"") && !materialized.sql.contains("net_amount > 500"), "\(materialized.sql)")
        #expect(materialized.usedPreAggregation == "LargeLines.source")
        let expected = try await db.query(raw.sql, raw.binds)
        let actual = try await db.query(materialized.sql, materialized.binds)
        #expect(!expected.rows.isEmpty && QueryExecutionTests.rows(actual) == QueryExecutionTests.rows(expected))
        try await db.close()
    }

    /// A DuckDB file in a folder of its own with itc's sample data (small) to the as-of day,
    /// transformed.
    static func seededDatabase(days: Int) async throws -> (DuckDBDatabase, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("preagg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = try DuckDBDatabase(configuration: .init(path: folder.appendingPathComponent("t.duckdb").path))
        let logger = Logger(label: "test")
        let root = QueryExecutionTests.root
        _ = try await MigrationRunner(
            database: db, migrations: try Migration.load(from: root.appendingPathComponent("database"), dialect: .duckdb), logger: logger
        ).run()
        _ = try await SampleDataGenerator(options: SeedOptions(tenant: .itc, endDate: asOf, days: days, scale: 0.02)).seed(into: db)
        let report = try await TransformRunner(
            project: try DbtProject.load(from: root.appendingPathComponent("transform")), database: db, logger: logger
        ).run(.init(runTests: false))
        guard report.succeeded else { throw PreAggregationTestError(description: "transform failed: \(report.summary)") }
        return (db, folder)
    }
}

struct PreAggregationTestError: Error, CustomStringConvertible {
    var description: String
}
