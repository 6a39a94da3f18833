import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SampleData
import Semantic
@testable import Server
import Synchronization
import Testing
import Transform
import Warehouse

/// Rollups and the result cache through the Cube REST API, on a seeded DuckDB tenant of the
/// test's own: answers from a rollup equal the raw tables' (also for a caller bounded to a
/// city), say which rollup they came from and when it was built; the refresh service builds
/// them when the server starts; cached results are served again only to the same security
/// context, until they expire; identical queries at once run once.
@Suite("Pre-aggregations and the result cache through the API", .serialized)
struct PreAggregationAPITests {
    static let asOf = "2025-06-30"

    /// A seeded, transformed itc tenant on its own DuckDB file (200 days, small).
    static func tenant() async throws -> (TenantConfiguration, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-preagg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("itc.duckdb").path
        let database = try DuckDBDatabase(configuration: .init(path: path))
        let logger = Logger(label: "test")
        let root = SampleTenants.root
        _ = try await MigrationRunner(
            database: database, migrations: try Migration.load(from: root.appendingPathComponent("database"), dialect: .duckdb),
            logger: logger
        ).run()
        _ = try await SampleDataGenerator(options: SeedOptions(tenant: .itc, endDate: SQLDate(iso: asOf)!, days: 200, scale: 0.02))
            .seed(into: database)
        let report = try await TransformRunner(
            project: try DbtProject.load(from: root.appendingPathComponent("transform")), database: database, logger: logger
        ).run(.init(runTests: false))
        guard report.succeeded else { throw FixtureError("transform failed: \(report.summary)") }
        try await database.close()
        return (
            TenantConfiguration(id: "itc", database: .init(engine: .duckdb, path: path), modelPath: root.appendingPathComponent("model").path),
            folder
        )
    }

    static func configuration(_ tenant: TenantConfiguration, folder: URL, cache: ResultCacheSettings = .off) -> ConvAIConfiguration {
        ConvAIConfiguration(
            server: .init(host: "127.0.0.1", port: 0), auth: .init(jwtSecret: SampleTenants.secret), tenants: [tenant],
            root: folder.path, rowLevelSecurity: RowLevelSecurity(roles: ["sales_rep", "manager"], cubes: ["Transactions": ["City": "Customers.city"]]),
            limits: .unthrottled, cache: cache)
    }

    static func withApp(
        _ configuration: ConvAIConfiguration, refreshes: Bool = false, mode: HummingbirdTesting.TestingSetup = .router,
        _ body: @escaping @Sendable (any TestClientProtocol, TenantRouter) async throws -> Void
    ) async throws {
        let router = TenantRouter(tenants: configuration.tenants, logger: Logger(label: "test"))
        let app = try await buildApplication(
            configuration: configuration, tenants: router, logger: Logger(label: "test"), llmProviders: [:],
            today: { SQLDate(iso: asOf)! }, refreshesPreAggregations: refreshes)
        do {
            try await app.test(mode) { client in try await body(client, router) }
        } catch {
            await router.closeAll()
            throw error
        }
        await router.closeAll()
    }

    static let monthlyByBrand =
        #"{"query":{"measures":["Transactions.netSales","Transactions.count"],"dimensions":["Products.brand"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"month","dateRange":["2025-01-01","2025-06-30"]}],"order":[["Products.brand","asc"],["Transactions.transactionDate.month","asc"]]}}"#
    static let distinctByBrand =
        #"{"query":{"measures":["Transactions.uniqueCustomers"],"dimensions":["Products.brand"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"month","dateRange":["2025-01-01","2025-06-30"]}]}}"#

    static func rows(_ response: JSONResponse) -> [String] {
        response.data.map { row in row.keys.sorted().map { "\($0)=\(row[$0] ?? "nil")" }.joined(separator: ",") }
    }

    @Test("rollups answer what they answer exactly, with the raw tables' rows, for every caller")
    func rollupsThroughTheAPI() async throws {
        let (tenant, folder) = try await Self.tenant()
        defer { try? FileManager.default.removeItem(at: folder) }
        let configuration = Self.configuration(tenant, folder: folder)
        let admin = try await SampleTenants.token("itc", user: "admin-1", role: "admin")
        let mumbai = try await SampleTenants.token("itc", user: "asm-1", role: "manager", territory: "City:Mumbai")
        let raw = Mutex<[String: [String]]>([:])
        // Before any rollup is built: the raw tables.
        try await Self.withApp(configuration) { client, _ in
            for (name, token) in [("admin", admin), ("mumbai", mumbai)] {
                let response = try await client.call("/cubejs-api/v1/load", token: token, body: Self.monthlyByBrand)
                #expect(response.status == .ok, "\(response.text)")
                #expect((response["usedPreAggregations"] as? [String: Any])?.isEmpty == true)
                let rows = Self.rows(response)
                raw.withLock { $0[name] = rows }
            }
        }
        let database = try DuckDBDatabase(configuration: .init(path: tenant.database.path!))
        let refresher = PreAggregationRefresher(model: try DataModel.load(from: SampleTenants.root.appendingPathComponent("model")), database: database)
        for rollup in refresher.rollups { _ = try await refresher.refresh(rollup) }
        let built = try await refresher.builtRollups()
        try await database.close()
        let refreshedAt = try #require(built.first { $0.rollup.id == "Transactions.monthly_by_brand_and_city" }?.refreshedAt)

        try await Self.withApp(configuration) { client, _ in
            for (name, token) in [("admin", admin), ("mumbai", mumbai)] {
                let response = try await client.call("/cubejs-api/v1/load", token: token, body: Self.monthlyByBrand)
                #expect(response.status == .ok, "\(response.text)")
                #expect((response["usedPreAggregations"] as? [String: Any])?.keys.sorted() == ["Transactions.monthly_by_brand_and_city"], "\(name)")
                let before = try #require(raw.withLock { $0[name] })
                #expect(!response.data.isEmpty)
                #expect(Self.rows(response) == before, "\(name): rows from the rollup differ from the raw tables'")
                // The data is as of the rollup's build.
                let stamp = try #require(response["lastRefreshTime"] as? String)
                #expect(stamp == CubeAPIController.timestamp(refreshedAt), "\(stamp)")
            }
            #expect(raw.withLock { $0["admin"]! != $0["mumbai"]! })
            // Distinct counts by brand alone are coarser than the rollup: raw tables.
            let distinct = try await client.call("/cubejs-api/v1/load", token: admin, body: Self.distinctByBrand)
            #expect(distinct.status == .ok && (distinct["usedPreAggregations"] as? [String: Any])?.isEmpty == true)
            // The SQL endpoint names the rollup and reads its table.
            let sql = try await client.call("/cubejs-api/v1/sql", token: admin, body: Self.monthlyByBrand)
            let entry = (sql["sql"] as? [String: Any])?["preAggregations"] as? [[String: Any]]
            #expect(entry?.first?["tableName"] as? String == "convai_preagg_transactions_monthly_by_brand_and_city")
            let text = ((sql["sql"] as? [String: Any])?["sql"] as? [Any])?.first as? String ?? ""
            #expect(text.contains("convai_preagg_transactions_monthly_by_brand_and_city") && !text.contains("fact_sales_transactions"))
        }
    }

    @Test("convai serve's refresh service builds the rollups when the server starts")
    func theRefreshServiceBuildsRollups() async throws {
        let (tenant, folder) = try await Self.tenant()
        defer { try? FileManager.default.removeItem(at: folder) }
        let admin = try await SampleTenants.token("itc", user: "admin-1", role: "admin")
        try await Self.withApp(Self.configuration(tenant, folder: folder), refreshes: true, mode: .live) { client, router in
            var used: [String] = []
            for _ in 0..<120 where used.isEmpty {
                let response = try await client.call("/cubejs-api/v1/load", token: admin, body: Self.monthlyByBrand)
                #expect(response.status == .ok, "\(response.text)")
                used = (response["usedPreAggregations"] as? [String: Any])?.keys.sorted() ?? []
                if used.isEmpty { try await Task.sleep(for: .milliseconds(250)) }
            }
            #expect(used == ["Transactions.monthly_by_brand_and_city"], "the rollups were not built within 30 s")

            // New data and a transform run: the rollups are rebuilt without waiting for the hour.
            let before = try await client.call("/cubejs-api/v1/load", token: admin, body: Self.monthlyByBrand)
            let database = try await router.database(for: "itc")
            try await database.execute(
                "INSERT INTO fact_sales_transactions SELECT * REPLACE (transaction_id + 100000000 AS transaction_id) FROM fact_sales_transactions WHERE transaction_date BETWEEN DATE '2025-03-01' AND DATE '2025-03-31'")
            try await database.execute(
                "INSERT INTO etl_transform_runs (finished_at, models_built) VALUES (?, 0)",
                [.timestamp(SQLTimestamp(microsecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1_000_000)))])
            var after = before
            for _ in 0..<160 where after["lastRefreshTime"] as? String == before["lastRefreshTime"] as? String {
                try await Task.sleep(for: .milliseconds(250))
                after = try await client.call("/cubejs-api/v1/load", token: admin, body: Self.monthlyByBrand)
            }
            #expect(after["lastRefreshTime"] as? String != before["lastRefreshTime"] as? String, "no refresh within 40 s of a transform")
            let raw = try await database.query(
                "SELECT SUM(net_amount) FROM fact_sales_transactions WHERE transaction_date BETWEEN DATE '2025-03-01' AND DATE '2025-03-31'")
            let march = after.data.filter { ($0["Transactions.transactionDate.month"] as? String)?.hasPrefix("2025-03") == true }
                .compactMap { Double($0["Transactions.netSales"] as? String ?? "") }.reduce(0, +)
            #expect(abs(march - (raw.scalar?.doubleValue ?? -1)) < 0.01, "March from the rebuilt rollup: \(march)")
        }
    }

    @Test("cached results: served again within their time, never to another territory, fresh after it")
    func resultCache() async throws {
        let (tenant, folder) = try await Self.tenant()
        defer { try? FileManager.default.removeItem(at: folder) }
        let admin = try await SampleTenants.token("itc", user: "admin-1", role: "admin")
        let mumbai = try await SampleTenants.token("itc", user: "asm-1", role: "manager", territory: "City:Mumbai")
        let count = #"{"query":{"measures":["Transactions.count"]}}"#
        try await Self.withApp(Self.configuration(tenant, folder: folder, cache: .init(ttlSeconds: 2))) { client, router in
            let first = try await client.call("/cubejs-api/v1/load", token: admin, body: count)
            let local = try await client.call("/cubejs-api/v1/load", token: mumbai, body: count)
            let total = Int(first.data.first?["Transactions.count"] as? String ?? "") ?? -1
            let inMumbai = Int(local.data.first?["Transactions.count"] as? String ?? "") ?? -1
            #expect(total > inMumbai && inMumbai > 0, "\(total) \(inMumbai)")
            // New rows arrive; within the time to live the cached count is served, as of its read.
            let database = try await router.database(for: "itc")
            try await database.execute(
                "INSERT INTO fact_sales_transactions SELECT * REPLACE (transaction_id + 100000000 AS transaction_id) FROM fact_sales_transactions LIMIT 10")
            let again = try await client.call("/cubejs-api/v1/load", token: admin, body: count)
            #expect(again.data.first?["Transactions.count"] as? String == String(total))
            #expect(again["lastRefreshTime"] as? String == first["lastRefreshTime"] as? String)
            let localAgain = try await client.call("/cubejs-api/v1/load", token: mumbai, body: count)
            #expect(localAgain.data.first?["Transactions.count"] as? String == String(inMumbai))
            try await Task.sleep(for: .milliseconds(2_200))
            let fresh = try await client.call("/cubejs-api/v1/load", token: admin, body: count)
            #expect(fresh.data.first?["Transactions.count"] as? String == String(total + 10))
            #expect(fresh["lastRefreshTime"] as? String != first["lastRefreshTime"] as? String)
        }
    }

    @Test("identical queries at once run once; errors are not kept; the bounds hold")
    func singleFlightAndBounds() async throws {
        let cache = QueryResultCache(settings: .init(ttlSeconds: 60, maxEntries: 5))
        final class Counter: Sendable {
            let count = Atomic<Int>(0)
            func add(_ n: Int) { count.add(n, ordering: .relaxed) }
            var value: Int { count.load(ordering: .relaxed) }
        }
        let runs = Counter()
        func key(_ sql: String, refresh: Date? = nil) -> QueryResultCache.Key {
            .init(tenant: "t", restriction: nil, sql: sql, binds: [.int(1)], totalSQL: nil, refreshKey: refresh)
        }
        let result = QueryResultCache.Result(rows: ResultSet(columns: [], rows: [[.int(7)]]), total: nil, readAt: Date())
        let hits = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await cache.result(for: key("SELECT 1")) {
                        runs.add(1)
                        try await Task.sleep(for: .milliseconds(200))
                        return result
                    }.hit
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(runs.value == 1)
        #expect(hits.filter { !$0 }.count == 1)
        // The same SQL and binds for another territory is another result (the SQL of a bounded
        // caller carries its territory as a bind, but the key does not rely on it).
        _ = try await cache.result(for: .init(
            tenant: "t",
            restriction: RowLevelRestriction(
                rules: RowLevelSecurity(roles: ["manager"], cubes: [:]), territory: Territory(level: "City", name: "Mumbai")),
            sql: "SELECT 1", binds: [.int(1)], totalSQL: nil, refreshKey: nil)) {
            runs.add(1)
            return result
        }
        #expect(runs.value == 2)
        // Another refresh of the rollup read is another result.
        _ = try await cache.result(for: key("SELECT 1", refresh: Date())) { runs.add(1); return result }
        #expect(runs.value == 3)
        // A failure is not remembered.
        struct Boom: Error {}
        await #expect(throws: Boom.self) { _ = try await cache.result(for: key("SELECT 2")) { throw Boom() } }
        let after = try await cache.result(for: key("SELECT 2")) { result }
        #expect(!after.hit)
        // Past max_entries the least recently used go: the first key is asked again last.
        for index in 3..<12 { _ = try await cache.result(for: key("SELECT \(index)")) { result } }
        let old = try await cache.result(for: key("SELECT 1")) { runs.add(1); return result }
        #expect(!old.hit)
        let recent = try await cache.result(for: key("SELECT 11")) { result }
        #expect(recent.hit)
    }
}
