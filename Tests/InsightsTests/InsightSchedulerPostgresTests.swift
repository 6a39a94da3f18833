import Foundation
import Insights
import Testing
import Warehouse

/// The PostgreSQL that `scripts/pg-test-server` starts; nil when the tests run without one.
enum InsightsPostgresServer {
    static let url = ProcessInfo.processInfo.environment["CONVAI_TEST_PG_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Runs `body` on a fresh schema of its own, dropped afterwards.
    static func withDatabase<T>(_ body: (PostgresDatabase, PostgresDatabase.Configuration) async throws -> T) async throws -> T {
        let configuration = try PostgresDatabase.Configuration(url: try #require(url))
        let schema = "test_" + UUID().uuidString.lowercased().replacing("-", with: "")
        let admin = try PostgresDatabase(configuration: configuration)
        try await admin.execute("CREATE SCHEMA \(SQLDialect.postgres.quoteIdentifier(schema))")
        var settings = configuration
        settings.schema = schema
        settings.maxConnections = 4
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
    "InsightScheduler (PostgreSQL)",
    .enabled(
        if: InsightsPostgresServer.url != nil,
        "CONVAI_TEST_PG_URL is not set: run scripts/test, or eval \"$(scripts/pg-test-server start)\" first"))
struct InsightSchedulerPostgresTests {
    @Test("two instances, each with its own connection pool, send each digest and alert exactly once")
    func exactlyOnce() async throws {
        try await InsightsPostgresServer.withDatabase { database, settings in
            // Both instances start at once, racing to create the tables.
            let otherPool = try PostgresDatabase(configuration: settings)
            async let firstLog = DeliveryLog.postgres(database, logger: Fixture.logger)
            async let secondLog = DeliveryLog.postgres(otherPool, logger: Fixture.logger)
            let first: DeliveryLog
            let second: DeliveryLog
            do {
                (first, second) = try await (firstLog, secondLog)
            } catch {
                try? await otherPool.close()
                throw error
            }
            do {
                try await ExactlyOnce.check(logs: (first, second))
            } catch {
                try? await second.close()
                throw error
            }
            try await second.close()
        }
    }

    @Test("e-mail delivered, webhook failing twice then delivered: the webhook is retried alone, as on SQLite")
    func partialDelivery() async throws {
        try await InsightsPostgresServer.withDatabase { database, _ in
            let log = try await DeliveryLog.postgres(database, logger: Fixture.logger)
            try await PartialDeliveryTests.webhookRetriedAlone(log: log)
        }
    }

    @Test("claims, failures and watermarks behave as on SQLite")
    func claims() async throws {
        try await InsightsPostgresServer.withDatabase { database, _ in
            let log = try await DeliveryLog.postgres(database, maxAttempts: 2, logger: Fixture.logger)
            let key = DeliveryKey(tenant: "itc", kind: .digest, recipientID: "E1", periodKey: "2026-12-07")
            let t0 = Fixture.utc("2026-12-07T01:30:00Z")
            #expect(try await log.claim(key, owner: "a", lease: .seconds(300), now: t0))
            #expect(try await !log.claim(key, owner: "b", lease: .seconds(300), now: t0.addingTimeInterval(60)))
            #expect(try await log.markFailed(key, owner: "a", error: "down", retryAt: t0.addingTimeInterval(120)) == 1)
            #expect(try await !log.claim(key, owner: "b", lease: .seconds(300), now: t0.addingTimeInterval(119)))
            #expect(try await log.claim(key, owner: "b", lease: .seconds(300), now: t0.addingTimeInterval(121)))
            #expect(try await log.markFailed(key, owner: "b", error: "down", retryAt: t0.addingTimeInterval(180)) == 2)
            #expect(try await !log.claim(key, owner: "c", lease: .seconds(300), now: t0.addingTimeInterval(86_400)))

            let other = DeliveryKey(tenant: "itc", kind: .alert, recipientID: "E1", periodKey: "i1")
            #expect(try await log.claim(other, owner: "a", lease: .seconds(300), now: t0))
            #expect(try await log.markDelivered(other, owner: "a", now: t0))
            #expect(try await log.isDelivered(other))
            #expect(try await !log.claim(other, owner: "a", lease: .seconds(300), now: t0.addingTimeInterval(86_400)))
            #expect(try await log.deliveries(tenant: "itc", since: t0).count == 2)
            let record = try #require(try await log.record(key))
            #expect(record.leaseUntil == t0.addingTimeInterval(180) && record.attempts == 2 && record.status == .failed)

            try await log.setWatermark("w1", tenant: "itc", checkedAt: t0)
            try await log.markWatermarkChecked(tenant: "itc", at: t0.addingTimeInterval(60))
            #expect(try await log.watermark(tenant: "itc") == DataWatermark(value: "w1", checkedAt: t0.addingTimeInterval(60)))
        }
    }
}
