import Foundation
@testable import Insights
import Logging
import SampleData
import Semantic
import Transform
import Warehouse

/// The itc sample tenant seeded to 2026-06-30 (400 days, scale 0.2, seed 7) and transformed on
/// a temporary DuckDB file, with the shipped model and everyone in its sales hierarchy: what
/// the generator tests judge. Built once per test process (seeding is the slow part) and shared.
actor InsightTenant {
    static let shared = InsightTenant()
    static let asOf = SQLDate(iso: "2026-06-30")!
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The seeded tenant.
    struct Loaded: Sendable {
        var model: DataModel
        var database: any Database
        /// `RecipientDirectory`'s answer as of ``InsightTenant/asOf``, NSM first.
        var recipients: [Recipient]
        /// Each recipient's digest with the default settings.
        var insights: [String: [Insight]]
        /// The distributors (`dim_account`): name and city.
        var accounts: [(name: String, city: String)]
        /// Names that more than one outlet (`dim_customer`) or distributor bears.
        var sharedNames: Set<String> = []

        func generator(settings: InsightSettings = InsightSettings()) -> InsightGenerator {
            InsightGenerator(model: model, database: database, tenantName: SampleTenant.itc.displayName, settings: settings)
        }

        /// The first recipient of a hierarchy level (`NSM`, `ZSM`, `ASM`, `SO`).
        func recipient(_ level: String) throws -> Recipient {
            guard let found = recipients.first(where: { $0.hierarchyRole == level }) else {
                throw FixtureError("no \(level) in the hierarchy")
            }
            return found
        }

        /// Every finding (before ranking) of one territory with `settings`.
        func findings(for territory: RecipientTerritory?, settings: InsightSettings = InsightSettings()) async throws
            -> [Finding]
        {
            let data = try await InsightDataset.fetch(
                model: model, database: database, asOf: InsightTenant.asOf,
                windows: .digest(asOf: InsightTenant.asOf, settings: settings))
            return generator(settings: settings).findings(
                in: ScopeView(data: data, territory: territory), asOf: InsightTenant.asOf)
        }

        /// Compiles and runs a Cube query as the model's members.
        func run(_ query: CubeQuery) async throws -> (CompiledQuery, ResultSet) {
            let compiled = try QueryCompiler(model: model, dialect: database.dialect).compile(query, asOf: InsightTenant.asOf)
            return (compiled, try await database.query(compiled.sql, compiled.binds))
        }
    }

    private var loading: Task<Loaded, any Error>?

    /// The tenant, seeded on first use.
    func loaded() async throws -> Loaded {
        if let loading { return try await loading.value }
        let task = Task { try await Self.build() }
        loading = task
        return try await task.value
    }

    private static func build() async throws -> Loaded {
        let temporary = FileManager.default.temporaryDirectory
        // Test processes end without a hook to remove their database: sweep those of runs
        // over two hours old (20 MB each).
        for name in (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        where name.hasPrefix("convai-insights-") {
            let old = temporary.appendingPathComponent(name)
            let modified = (try? FileManager.default.attributesOfItem(atPath: old.path)[.modificationDate]) as? Date
            if let modified, modified < Date().addingTimeInterval(-2 * 3600) { try? FileManager.default.removeItem(at: old) }
        }
        let folder = temporary.appendingPathComponent("convai-insights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let logger = Logger(label: "test")
        let database = try DuckDBDatabase(configuration: .init(path: folder.appendingPathComponent("itc.duckdb").path))
        let migrations = try Migration.load(from: root.appendingPathComponent("database"), dialect: .duckdb)
        _ = try await MigrationRunner(database: database, migrations: migrations, logger: logger).run()
        _ = try await SampleDataGenerator(
            options: SeedOptions(tenant: .itc, endDate: asOf, days: 400, scale: 0.2, seed: 7)
        ).seed(into: database)
        let report = try await TransformRunner(
            project: try DbtProject.load(from: root.appendingPathComponent("transform")), database: database,
            logger: logger
        ).run(.init(runTests: false))
        guard report.succeeded else { throw FixtureError("transform of itc failed: \(report.summary)") }
        let model = try DataModel.load(from: root.appendingPathComponent("model"))
        let recipients = try await RecipientDirectory(model: model, database: database).recipients(asOf: asOf)
        let accounts = try await database.query("SELECT account_name, city FROM dim_account", []).rows.map { row in
            (name: row[0].stringValue ?? "", city: row[1].stringValue ?? "")
        }
        var loaded = Loaded(model: model, database: database, recipients: recipients, insights: [:], accounts: accounts)
        let shared = try await database.query(
            """
            SELECT customer_name FROM dim_customer GROUP BY customer_name HAVING COUNT(*) > 1
            UNION SELECT account_name FROM dim_account GROUP BY account_name HAVING COUNT(*) > 1
            """, [])
        loaded.sharedNames = Set(shared.rows.compactMap { $0[0].stringValue })
        loaded.insights = try await loaded.generator().insights(for: recipients, asOf: asOf)
        return loaded
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
