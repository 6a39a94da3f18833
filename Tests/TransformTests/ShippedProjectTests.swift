import Foundation
import Logging
import SampleData
import TestSupport
import Testing
import Transform
import Warehouse

/// The shipped transform/ project on generated data: the built-in runner against the real
/// dbt-core, every schema test for every tenant, and the planted signals in the marts.
@Suite("transform/ on generated data", .serialized)
struct ShippedProjectTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let project = packageRoot.appendingPathComponent("transform")
    static let marts = [
        "dim_date", "dim_product", "dim_account", "dim_customer", "dim_transaction_type", "dim_sales_hierarchy",
        "fact_sales_transactions", "fact_primary_sales", "agg_daily_sales_product_state", "agg_outlet_activity",
    ]

    func withFolder<T>(_ body: (URL) async throws -> T) async throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-project-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    /// migrate → seed → (transform), as `make run` does.
    func seededDatabase(_ path: String, tenant: SampleTenant, days: Int, scale: Double, seed: UInt64 = 7) async throws
        -> (DuckDBDatabase, SeedReport)
    {
        let db = try DuckDBDatabase(configuration: .init(path: path))
        let migrations = try Migration.load(from: Self.packageRoot.appendingPathComponent("database"), dialect: .duckdb)
        _ = try await MigrationRunner(database: db, migrations: migrations, logger: Logger(label: "test")).run()
        let options = SeedOptions(tenant: tenant, endDate: SQLDate(iso: "2025-06-30")!, days: days, scale: scale, seed: seed)
        let report = try await SampleDataGenerator(options: options).seed(into: db)
        return (db, report)
    }

    @Test("convai's runner builds every mart exactly as dbt-core + dbt-duckdb do")
    func sameAsDbtCore() async throws {
        let dbt = Self.packageRoot.appendingPathComponent(".venv/bin/dbt")
        try #require(
            FileManager.default.isExecutableFile(atPath: dbt.path),
            "dbt-core is not installed in .venv: run scripts/bootstrap venv (make test does)")
        try await withFolder { folder throws in
            let oursPath = folder.appendingPathComponent("ours.duckdb").path
            let theirsPath = folder.appendingPathComponent("dbt.duckdb").path
            let (ours, _) = try await seededDatabase(oursPath, tenant: .nestle, days: 150, scale: 0.05)
            let (theirs, _) = try await seededDatabase(theirsPath, tenant: .nestle, days: 150, scale: 0.05)
            try await theirs.close()

            let report = try await TransformRunner(
                project: try DbtProject.load(from: Self.project), database: ours, logger: Logger(label: "test")
            ).run()
            #expect(report.succeeded, "\(report.summary)")

            let run = try await runProcess(
                dbt.path,
                [
                    "build", "--project-dir", Self.project.path, "--profiles-dir", Self.project.path, "--target", "duckdb",
                    "--target-path", folder.appendingPathComponent("target").path, "--log-path",
                    folder.appendingPathComponent("logs").path,
                ],
                environment: ProcessInfo.processInfo.environment.merging(["DBT_DUCKDB_PATH": theirsPath, "DO_NOT_TRACK": "1"]) { _, new in new })
            let log = run.text + run.errorText
            #expect(run.status == 0, "dbt build failed:\n\(log.suffix(3000))")
            #expect(log.contains("ERROR=0"), "\(log.suffix(2000))")

            try await ours.execute("ATTACH '\(theirsPath)' AS dbt (READ_ONLY)")
            for table in Self.marts {
                let columns = """
                    SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position)
                    FROM information_schema.columns WHERE table_catalog = ? AND table_schema = 'main' AND table_name = ?
                    """
                let ourColumns = try await ours.query(columns, [.string("ours"), .string(table)]).scalar
                let theirColumns = try await ours.query(columns, [.string("dbt"), .string(table)]).scalar
                #expect(ourColumns == theirColumns, "\(table): columns differ")
                let comparison = try await ours.query(
                    """
                    SELECT (SELECT count(*) FROM main.\(table)), (SELECT count(*) FROM dbt.main.\(table)),
                           (SELECT count(*) FROM (SELECT * FROM main.\(table) EXCEPT ALL SELECT * FROM dbt.main.\(table))),
                           (SELECT count(*) FROM (SELECT * FROM dbt.main.\(table) EXCEPT ALL SELECT * FROM main.\(table)))
                    """)
                let row = comparison.rows[0]
                #expect((row[0].intValue ?? 0) > 0, "\(table) is empty")
                #expect(row[0] == row[1], "\(table): \(row[0]) rows here, \(row[1]) from dbt")
                #expect(row[2] == .int(0) && row[3] == .int(0), "\(table): rows differ (\(row[2]) only here, \(row[3]) only in dbt)")
            }
            try await ours.close()
        }
    }

    @Test("every schema test passes on generated data", arguments: SampleTenant.allCases)
    func schemaTestsPass(tenant: SampleTenant) async throws {
        try await withFolder { folder throws in
            let (db, seeded) = try await seededDatabase(
                folder.appendingPathComponent("\(tenant.rawValue).duckdb").path, tenant: tenant, days: 120, scale: 0.03)
            let report = try await TransformRunner(
                project: try DbtProject.load(from: Self.project), database: db, logger: Logger(label: "test")
            ).run()
            #expect(report.succeeded, "\(report.summary): \(report.tests.filter { $0.status != .pass }.map(\.name))")
            #expect(report.tests.count > 100)
            let facts = try await db.query("SELECT count(*) FROM fact_sales_transactions").scalar?.intValue ?? 0
            // Staging drops only re-exported duplicates, so the fact holds nearly every raw line.
            #expect(facts > 0 && Double(facts) > 0.95 * Double(seeded.rows(in: "raw_secondary_sales")))
            try await db.close()
        }
    }

    @Test("the planted signals are visible in the marts")
    func plantedSignalsInMarts() async throws {
        try await withFolder { folder throws in
            let (db, seeded) = try await seededDatabase(
                folder.appendingPathComponent("itc.duckdb").path, tenant: .itc, days: 365, scale: 0.05)
            let report = try await TransformRunner(
                project: try DbtProject.load(from: Self.project), database: db, logger: Logger(label: "test")
            ).run(.init(runTests: false))
            #expect(report.succeeded)
            let planted = seeded.planted
            #expect(planted.anomalies.count >= 5)
            for anomaly in planted.anomalies {
                let column = anomaly.scope.kind == .state ? "state" : "brand"
                // Every day of the period counts, including days the scope sold nothing.
                let stats = try await db.query(
                    """
                    WITH daily AS (
                        SELECT d.full_date, coalesce(sum(a.net_amount), 0) AS net
                        FROM dim_date d LEFT JOIN agg_daily_sales_product_state a
                          ON a.date_key = d.date_key AND a.\(column) = ?
                        GROUP BY d.full_date)
                    SELECT (SELECT net FROM daily WHERE full_date = ?) AS day_net, avg(net), stddev_samp(net) FROM daily
                    """, [.string(anomaly.scope.value), .date(SQLDate(iso: anomaly.date)!)])
                let row = stats.rows[0]
                let z = ((row[0].doubleValue ?? 0) - (row[1].doubleValue ?? 0)) / (row[2].doubleValue ?? 1)
                #expect(abs(z) > 3, "\(anomaly.id) on \(anomaly.date) for \(anomaly.scope.value): z = \(z)")
            }
            #expect(planted.lapsedOutlets.count >= 20)
            for lapsed in planted.lapsedOutlets {
                let activity = try await db.query(
                    """
                    SELECT o.last_purchase_date,
                           (SELECT count(*) FROM fact_sales_transactions f WHERE f.customer_id = o.customer_id AND f.transaction_date >= ?)
                    FROM agg_outlet_activity o
                    WHERE o.customer_id = (SELECT outlet_id FROM stg_outlets WHERE outlet_code = ?)
                    """, [.date(SQLDate(iso: lapsed.lapseDate)!), .string(lapsed.scope.value)])
                #expect(activity.rows.count == 1, "\(lapsed.scope.value) is not in agg_outlet_activity")
                guard let row = activity.rows.first else { continue }
                #expect(row[0] == .date(SQLDate(iso: lapsed.lastPurchaseDate)!), "\(lapsed.scope.value): last purchase \(row[0])")
                #expect(row[1] == .int(0), "\(lapsed.scope.value) bought after lapsing on \(lapsed.lapseDate)")
            }
            #expect(planted.stockBuildUps.count >= 1)
            for buildUp in planted.stockBuildUps {
                let window: [Value] = [
                    .string(buildUp.scope.value), .date(SQLDate(iso: buildUp.startDate)!), .date(SQLDate(iso: buildUp.endDate)!),
                ]
                let primary = try await db.query(
                    """
                    SELECT sum(quantity) FROM fact_primary_sales
                    WHERE account_id = (SELECT dist_id FROM stg_distributors WHERE dist_code = ?) AND invoice_date BETWEEN ? AND ?
                    """, window).scalar?.doubleValue ?? 0
                let secondary = try await db.query(
                    """
                    SELECT sum(f.quantity) FROM fact_sales_transactions f JOIN dim_transaction_type t USING (transaction_type_id)
                    WHERE f.account_id = (SELECT dist_id FROM stg_distributors WHERE dist_code = ?)
                      AND t.code IN ('SALE', 'FREE') AND f.transaction_date BETWEEN ? AND ?
                    """, window).scalar?.doubleValue ?? 0
                #expect(Int(primary) == buildUp.primaryQuantity)
                #expect(primary > 1.5 * secondary, "\(buildUp.scope.value): primary \(primary) vs secondary \(secondary)")
            }
            try await db.close()
        }
    }
}
