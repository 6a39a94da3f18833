import Foundation
import Logging
import Testing
import Transform
import Warehouse

@Suite("Transform runner")
struct TransformRunnerTests {
    /// A tiny dbt project written to a temporary folder.
    func withProject(_ files: [String: String], _ body: (URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-dbt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        try await body(folder)
    }

    static let baseProject: [String: String] = [
        "dbt_project.yml": """
            name: tiny
            profile: tiny
            vars:
              lookback_days: 1
            models:
              tiny:
                staging:
                  +materialized: view
                marts:
                  +materialized: table
            """,
        "models/staging/sources.yml": """
            version: 2
            sources:
              - name: raw
                tables:
                  - name: raw_sales
                    columns:
                      - name: line_id
                        tests: [not_null]
            """,
        "models/staging/stg_sales.sql": """
            select line_id, upper(trim(brand)) as brand, day, amount
            from {{ source('raw', 'raw_sales') }}
            """,
        "models/marts/brands.sql": """
            select distinct brand from {{ ref('stg_sales') }}
            """,
        "models/marts/fact_sales.sql": """
            {{ config(materialized='incremental', unique_key='line_id') }}
            select line_id, brand, day, amount from {{ ref('stg_sales') }}
            {% if is_incremental() %}
            where day >= (select max(day) - {{ var('lookback_days') }} from {{ this }})
            {% endif %}
            """,
        "models/marts/schema.yml": """
            version: 2
            models:
              - name: fact_sales
                columns:
                  - name: line_id
                    data_tests: [unique, not_null]
                  - name: brand
                    tests:
                      - accepted_values:
                          values: ['MAGGI', 'KITKAT']
                      - relationships:
                          to: ref('brands')
                          field: brand
              - name: brands
                columns:
                  - name: brand
                    tests:
                      - unique
            """,
    ]

    func makeRawTable(_ db: any Database) async throws {
        try await db.execute("CREATE TABLE raw_sales (line_id INTEGER, brand VARCHAR, day DATE, amount DECIMAL(10,2))")
        try await db.execute(
            """
            INSERT INTO raw_sales VALUES (1, ' maggi', DATE '2025-06-01', 10.50), (2, 'KitKat ', DATE '2025-06-02', 20.00),
                                         (3, 'MAGGI', DATE '2025-06-03', 5.25)
            """)
    }

    @Test("builds views, tables and incremental models in order, then the tests pass; a rerun is incremental")
    func fullRun() async throws {
        try await withProject(Self.baseProject) { folder throws in
            let project = try DbtProject.load(from: folder)
            let db = try DuckDBDatabase(configuration: .init())
            try await makeRawTable(db)
            let runner = TransformRunner(project: project, database: db, logger: Logger(label: "test"))
            var events: [String] = []
            let report = try await runner.run { event in
                if case .modelFinished(_, _, let result) = event { events.append("\(result.name):\(result.action)") }
            }
            #expect(report.succeeded, "\(report.summary)")
            #expect(events == ["stg_sales:view", "brands:table", "fact_sales:incremental (full)"])
            #expect(report.tests.count == 6)
            #expect(report.tests.allSatisfy { $0.status == .pass })
            #expect(try await db.query("SELECT sum(amount) FROM fact_sales").scalar?.description == "35.75")

            // New and corrected lines arrive; the rerun merges them by line_id.
            try await db.execute("UPDATE raw_sales SET amount = 6.00 WHERE line_id = 3")
            try await db.execute("INSERT INTO raw_sales VALUES (4, 'kitkat', DATE '2025-06-04', 1.00)")
            let second = try await runner.run()
            #expect(second.succeeded)
            #expect(second.models.map(\.action) == ["view", "table", "incremental"])
            #expect(try await db.query("SELECT count(*), sum(amount) FROM fact_sales").rows == [[.int(4), .decimal(SQLDecimal("37.50")!)]])

            // Lines outside the lookback are not revisited, as in dbt.
            try await db.execute("UPDATE raw_sales SET amount = 99.00 WHERE line_id = 1")
            _ = try await runner.run()
            #expect(try await db.query("SELECT amount FROM fact_sales WHERE line_id = 1").scalar?.description == "10.50")
            let refreshed = try await runner.run(.init(fullRefresh: true))
            #expect(refreshed.models.last?.action == "incremental (full)")
            #expect(try await db.query("SELECT amount FROM fact_sales WHERE line_id = 1").scalar?.description == "99.00")
            try await db.close()
        }
    }

    @Test("failing tests report their failing rows")
    func failingTests() async throws {
        try await withProject(Self.baseProject) { folder throws in
            let project = try DbtProject.load(from: folder)
            let db = try DuckDBDatabase(configuration: .init())
            try await makeRawTable(db)
            try await db.execute("INSERT INTO raw_sales VALUES (1, 'munch', DATE '2025-06-05', 1), (NULL, 'munch', DATE '2025-06-05', 1)")
            let report = try await TransformRunner(project: project, database: db, logger: Logger(label: "test")).run()
            #expect(!report.succeeded)
            let failures = Dictionary(uniqueKeysWithValues: report.tests.map { ($0.name, $0.failures) })
            #expect(failures["unique_fact_sales_line_id"] == 1)
            #expect(failures["not_null_fact_sales_line_id"] == 1)
            #expect(failures["accepted_values_fact_sales_brand"] == 1)
            #expect(failures["not_null_source_raw_raw_sales_line_id"] == 1)
            #expect(failures["relationships_fact_sales_brand__brand__brands"] == 0)
            try await db.close()
        }
    }

    @Test("a SQL error names the model's file; earlier tables stay; downstream is skipped; a rerun continues")
    func sqlError() async throws {
        var files = Self.baseProject
        files["models/marts/brands.sql"] = "select distinct brnd from {{ ref('stg_sales') }}"
        files["models/marts/by_brand.sql"] = "select brand, count(*) as n from {{ ref('brands') }} group by brand"
        try await withProject(files) { folder throws in
            let db = try DuckDBDatabase(configuration: .init())
            try await makeRawTable(db)
            let project = try DbtProject.load(from: folder)
            let report = try await TransformRunner(project: project, database: db, logger: Logger(label: "test")).run(.init(runTests: false))
            let status = Dictionary(uniqueKeysWithValues: report.models.map { ($0.name, $0.status) })
            #expect(status == ["stg_sales": .success, "brands": .error, "by_brand": .skipped, "fact_sales": .success])
            let failure = try #require(report.models.first { $0.name == "brands" })
            #expect(failure.message?.hasPrefix("models/marts/brands.sql: Binder Error") == true, "\(failure.message ?? "")")
            #expect(try await db.query("SELECT count(*) FROM fact_sales").scalar == .int(3))

            try "select distinct brand from {{ ref('stg_sales') }}".write(
                to: folder.appendingPathComponent("models/marts/brands.sql"), atomically: true, encoding: .utf8)
            let fixed = try await TransformRunner(project: try DbtProject.load(from: folder), database: db, logger: Logger(label: "test"))
                .run(.init(select: ["brands+"], runTests: false))
            #expect(fixed.models.map(\.name) == ["brands", "by_brand"])
            #expect(fixed.succeeded)
            try await db.close()
        }
    }

    @Test("a cycle and a missing ref are errors naming the files")
    func projectErrors() async throws {
        var cyclic = Self.baseProject
        cyclic["models/marts/a.sql"] = "select * from {{ ref('b') }}"
        cyclic["models/marts/b.sql"] = "select * from {{ ref('a') }}"
        try await withProject(cyclic) { folder throws in
            let project = try DbtProject.load(from: folder)
            let error = await #expect(throws: TransformError.self) {
                try await TransformRunner(project: project, database: try DuckDBDatabase(configuration: .init()), logger: Logger(label: "t")).run()
            }
            #expect(error?.code == .cycle)
            #expect(error?.message.contains("a -> b -> a") == true, "\(error?.message ?? "")")
            #expect(error?.message.contains("models/marts/a.sql") == true)
        }
        var missing = Self.baseProject
        missing["models/marts/c.sql"] = "select 1\nfrom {{ ref('nope') }}"
        try await withProject(missing) { folder throws in
            let error = #expect(throws: TransformError.self) { try DbtProject.load(from: folder) }
            #expect(error?.description == "models/marts/c.sql:2: ref('nope') names no model in the project")
        }
    }

    @Test("accepted_values compare as the column's type; disabled models are left out; append keeps old rows")
    func configSemantics() async throws {
        var files = Self.baseProject
        files["models/marts/prices.sql"] = """
            {{ config(materialized='incremental', unique_key='line_id', incremental_strategy='append') }}
            select line_id, amount, CAST(1 AS INTEGER) AS sign from {{ ref('stg_sales') }}
            """
        files["models/marts/old.sql"] = "{{ config(enabled=false) }}\nselect * from {{ ref('missing_on_purpose') }}"
        files["models/marts/prices.yml"] = """
            version: 2
            models:
              - name: prices
                columns:
                  - name: amount
                    data_tests:
                      - accepted_values: {values: ['10.5', '20', '5.25']}
                  - name: sign
                    data_tests:
                      - accepted_values: {values: [1, -1], quote: false}
              - name: old
                columns:
                  - name: x
                    data_tests: [not_null]
            """
        try await withProject(files) { folder throws in
            let project = try DbtProject.load(from: folder)
            #expect(project.models["old"] == nil)
            let db = try DuckDBDatabase(configuration: .init())
            try await makeRawTable(db)
            let runner = TransformRunner(project: project, database: db, logger: Logger(label: "t"))
            let report = try await runner.run(.init(select: ["+prices"]))
            #expect(report.succeeded, "\(report.tests.filter { $0.status != .pass }.map { "\($0.name) \($0.failures) \($0.message ?? "")" })")
            #expect(report.tests.map(\.name).contains("accepted_values_prices_amount"))
            _ = try await runner.run(.init(select: ["prices"], runTests: false))
            // append: the second run adds the same lines again instead of replacing them.
            #expect(try await db.query("SELECT count(*) FROM prices").scalar == .int(6))
            try await db.close()
        }
    }

    @Test("selectors pick models and their neighbours")
    func selection() async throws {
        try await withProject(Self.baseProject) { folder throws in
            let db = try DuckDBDatabase(configuration: .init())
            try await makeRawTable(db)
            let runner = TransformRunner(project: try DbtProject.load(from: folder), database: db, logger: Logger(label: "t"))
            #expect(try await runner.run(.init(select: ["+fact_sales"], runTests: false)).models.map(\.name) == ["stg_sales", "fact_sales"])
            #expect(try await runner.run(.init(select: ["stg_sales+"], runTests: false)).models.map(\.name) == ["stg_sales", "brands", "fact_sales"])
            #expect(try await runner.run(.init(select: ["path:models/marts"], runTests: false)).models.map(\.name) == ["brands", "fact_sales"])
            await #expect(throws: TransformError.self) { try await runner.run(.init(select: ["nothing"])) }
            await #expect(throws: TransformError.self) { try await runner.run(.init(select: ["path:models/mart"])) }
            try await db.close()
        }
    }
}
