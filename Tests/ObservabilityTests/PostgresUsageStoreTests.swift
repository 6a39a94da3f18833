import Foundation
import Testing
import Warehouse

@testable import Observability

/// The PostgreSQL that `scripts/pg-test-server` starts; nil when the tests run without one.
enum PostgresTestServer {
    static let url = ProcessInfo.processInfo.environment["CONVAI_TEST_PG_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Runs `body` on a fresh schema of its own, dropped afterwards.
    static func withDatabase<T>(_ body: (PostgresDatabase, PostgresDatabase.Configuration) async throws -> T) async throws -> T {
        let configuration = try PostgresDatabase.Configuration(url: try #require(url))
        let schema = "test_" + UUID().uuidString.lowercased().replacing("-", with: "")
        let admin = try PostgresDatabase(configuration: configuration)
        try await admin.execute("CREATE SCHEMA \(SQLDialect.postgres.quoteIdentifier(schema))")
        var settings = configuration
        settings.schema = schema
        settings.maxConnections = 2
        let database = try PostgresDatabase(configuration: settings)
        func cleanUp() async throws {
            try? await database.close()
            try await admin.execute("DROP SCHEMA \(SQLDialect.postgres.quoteIdentifier(schema)) CASCADE")
            try await admin.close()
        }
        do {
            let result = try await body(database, settings)
            try await cleanUp()
            return result
        } catch {
            try? await cleanUp()
            throw error
        }
    }
}

@Suite(
    "Usage store (PostgreSQL)",
    .enabled(
        if: PostgresTestServer.url != nil,
        "CONVAI_TEST_PG_URL is not set: eval \"$(scripts/pg-test-server start)\" first"))
struct PostgresUsageStoreTests {
    @Test("the same reports as on SQLite")
    func reports() async throws {
        try await PostgresTestServer.withDatabase { database, _ in
            let store = try await UsageStore.postgres(database, logger: Fixtures.logger)
            try await Fixtures.checkReports(store)
        }
    }

    @Test("roll-ups equal raw totals; the tracker's concurrent recordings all land")
    func rollupAndTracker() async throws {
        try await PostgresTestServer.withDatabase { database, settings in
            // The random events are dated around 2025-06-30; a long retention keeps the
            // tracker's start-up purge from deleting them.
            let store = try await UsageStore.postgres(database, retentionDays: 100_000, logger: Fixtures.logger)
            let events = Fixtures.randomEvents(3_000, seed: 7)
            for start in stride(from: 0, to: events.count, by: 1_000) {
                try await store.write(Array(events[start..<start + 1_000]), pricing: try Fixtures.pricing)
            }
            try await Fixtures.checkRollupMatchesRaw(store)
            let before = try await database.query("SELECT COUNT(*) FROM usage_events").rows[0][0].intValue
            let tracker = UsageTracker(
                store: store, pricing: try Fixtures.pricing, batchSize: 250, flushInterval: .milliseconds(5),
                logger: Fixtures.logger)
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await tracker.run() }
                await withTaskGroup(of: Void.self) { writers in
                    for task in 0..<20 {
                        writers.addTask {
                            for i in 0..<100 { tracker.record(UsageTrackerTests.event(task * 100 + i)) }
                        }
                    }
                }
                await tracker.shutdown()  // closes `database`
                group.cancelAll()
            }
            #expect(tracker.writtenCount == 2_000)
            let reader = try PostgresDatabase(configuration: settings)
            let after = try await reader.query("SELECT COUNT(*) FROM usage_events").rows[0][0].intValue
            try await reader.close()
            #expect(after.map { $0 - (before ?? 0) } == 2_000)
        }
    }
}
