import Foundation
import Insights
import Testing
import Warehouse

/// A delivery whose e-mail went out and whose webhook did not (or the reverse): the failed
/// channel is retried with the delivery's back-off and limit, the delivered one is never
/// sent again, not even by a restarted scheduler.
@Suite("InsightScheduler partial delivery")
struct PartialDeliveryTests {
    static let day = "2026-12-07"
    static let digestKey = DeliveryKey(tenant: "itc", kind: .digest, recipientID: "E1", periodKey: day)
    static let runKey = DeliveryKey(tenant: "itc", kind: .run, recipientID: "", periodKey: day)

    /// E1's digest goes by e-mail and to `webhook:crm`; the others' by e-mail only.
    static func jobs(webhookFailures: Int) async -> FakeDeliveryJobs {
        let jobs = FakeDeliveryJobs(recipients: ["itc": InsightSchedulerTests.people])
        await jobs.setChannels("E1", digest: ["email", "webhook:crm"])
        await jobs.fail("E1", channel: "webhook:crm", times: webhookFailures)
        return jobs
    }

    @Test("e-mail delivered, webhook failing twice then delivered: one e-mail, the webhook retried alone, the row delivered")
    func webhookRetriedAlone() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            try await Self.webhookRetriedAlone(log: log)
        }
    }

    /// The scenario of ``webhookRetriedAlone()`` over any log (SQLite here, PostgreSQL in
    /// `InsightSchedulerPostgresTests`).
    static func webhookRetriedAlone(log: DeliveryLog) async throws {
        let jobs = await jobs(webhookFailures: 2)
        let clock = TestClock(Fixture.utc("2026-12-07T01:30:00Z"))
        let scheduler = InsightSchedulerTests.scheduler(
            [try InsightSchedulerTests.kolkata()], jobs: jobs, log: log, clock: clock)
        await scheduler.tick()
        #expect(await jobs.count("E1", "email") == 1)
        #expect(await jobs.count("E1", "webhook:crm") == 0)
        var record = try #require(try await log.record(digestKey))
        #expect(record.status == .failed && record.attempts == 1)
        #expect(record.lastError?.contains("webhook:crm") == true, "\(record.lastError ?? "")")
        #expect(try await log.deliveredChannels(digestKey) == ["email"])
        #expect(try await !log.isDelivered(runKey))

        await scheduler.tick()  // within the back-off (60 s): no retry
        #expect(await jobs.sendAttempts["E1"] == 1)

        clock.advance(minutes: 2)
        await scheduler.tick()  // second failure of the webhook; the e-mail is skipped
        #expect(await jobs.sendAttempts["E1"] == 2)
        #expect(await jobs.skipped.last == ["email"])
        record = try #require(try await log.record(digestKey))
        #expect(record.status == .failed && record.attempts == 2)

        clock.advance(minutes: 5)
        await scheduler.tick()
        #expect(await jobs.sendAttempts["E1"] == 3)
        #expect(await jobs.count("E1", "email") == 1)
        #expect(await jobs.count("E1", "webhook:crm") == 1)
        record = try #require(try await log.record(digestKey))
        #expect(record.status == .delivered)
        #expect(try await log.deliveredChannels(digestKey) == ["email", "webhook:crm"])
        #expect(try await log.isDelivered(runKey))
        // The other recipients were served once, on the first tick.
        #expect(await jobs.count("E2", "email") == 1)
        #expect(await jobs.count("E3", "email") == 1)
        #expect(await jobs.sendAttempts["E2"] == 1)

        for _ in 0..<3 {
            clock.advance(minutes: 60)
            await scheduler.tick()
        }
        #expect(await jobs.channelsSent.count == 4)
    }

    @Test("a webhook that keeps failing: the row fails for good after maxAttempts, naming the webhook; the e-mail went once")
    func webhookFailsForGood() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            let jobs = await Self.jobs(webhookFailures: .max)
            let clock = TestClock(Fixture.utc("2026-12-07T01:30:00Z"))
            let scheduler = InsightSchedulerTests.scheduler(
                [try InsightSchedulerTests.kolkata()], jobs: jobs, log: log, clock: clock)
            await scheduler.tick()
            for _ in 0..<12 {
                clock.advance(minutes: 60)
                await scheduler.tick()
            }
            #expect(await jobs.sendAttempts["E1"] == log.maxAttempts)
            #expect(await jobs.count("E1", "email") == 1)
            #expect(await jobs.count("E1", "webhook:crm") == 0)
            #expect(await jobs.skipped.filter { $0 == ["email"] }.count == log.maxAttempts - 1)
            let record = try #require(try await log.record(Self.digestKey))
            #expect(record.status == .failed && record.attempts == log.maxAttempts)
            #expect(record.lastError?.contains("webhook:crm") == true, "\(record.lastError ?? "")")
            #expect(log.isSettled(record))
            #expect(try await log.isDelivered(Self.runKey))
        }
    }

    @Test("a restart between attempts (a new scheduler over the same SQLite file) retries the webhook, not the e-mail")
    func restartBetweenAttempts() async throws {
        try await Fixture.withSQLiteLog { log, path in
            let jobs = await Self.jobs(webhookFailures: 1)
            let clock = TestClock(Fixture.utc("2026-12-07T01:30:00Z"))
            await InsightSchedulerTests.scheduler(
                [try InsightSchedulerTests.kolkata()], jobs: jobs, log: log, clock: clock, id: "before-restart"
            ).tick()
            #expect(await jobs.count("E1", "email") == 1)
            #expect(await jobs.count("E1", "webhook:crm") == 0)

            clock.advance(minutes: 10)
            let reopened = try await DeliveryLog.sqlite(path: path, logger: Fixture.logger)
            await InsightSchedulerTests.scheduler(
                [try InsightSchedulerTests.kolkata()], jobs: jobs, log: reopened, clock: clock, id: "after-restart"
            ).tick()
            let record = try await reopened.record(Self.digestKey)
            try await reopened.close()
            #expect(await jobs.count("E1", "email") == 1)
            #expect(await jobs.count("E1", "webhook:crm") == 1)
            #expect(await jobs.skipped.last == ["email"])
            #expect(record?.status == .delivered)
            #expect(record?.owner == "after-restart")
        }
    }

    @Test("an alert to two webhooks, one failing once: only that one is pushed again, then the watermark is stored")
    func alertWebhookRetriedAlone() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            let jobs = FakeDeliveryJobs(recipients: ["itc": ["E1"]])
            await jobs.setChannels("E1", alert: ["webhook:a", "webhook:b"])
            await jobs.fail("E1", channel: "webhook:b", times: 1)
            await jobs.setWatermark("w1", tenant: "itc")
            await jobs.setAlerts(["i1"], tenant: "itc")
            let clock = TestClock(Fixture.utc("2026-12-07T00:00:00Z"))  // before the digest
            let scheduler = InsightSchedulerTests.scheduler(
                [try InsightSchedulerTests.kolkata(alerts: 15)], jobs: jobs, log: log, clock: clock)
            await scheduler.tick()
            let key = DeliveryKey(tenant: "itc", kind: .alert, recipientID: "E1", periodKey: "i1")
            #expect(try await log.record(key)?.status == .failed)
            #expect(try await log.watermark(tenant: "itc")?.value == nil, "not stored while an alert is owed")

            clock.advance(minutes: 16)
            await scheduler.tick()
            #expect(await jobs.count("E1", "webhook:a") == 1)
            #expect(await jobs.count("E1", "webhook:b") == 1)
            #expect(await jobs.skipped.last == ["webhook:a"])
            #expect(try await log.isDelivered(key))
            #expect(try await log.watermark(tenant: "itc")?.value == "w1")
        }
    }

    @Test("a log written before per-channel records opens, keeps its rows and records channels")
    func existingLogUpgrades() async throws {
        let path = Fixture.temporaryPath()
        defer { Fixture.removeDatabase(path) }
        // The schema as it was before insight_delivery_channels, with one delivered row.
        let old = try SQLiteDatabase(configuration: .init(path: path), logger: Fixture.logger)
        try await old.execute(
            """
            CREATE TABLE insight_deliveries (
                tenant TEXT NOT NULL, kind TEXT NOT NULL, recipient_id TEXT NOT NULL, period_key TEXT NOT NULL,
                status TEXT NOT NULL, owner TEXT, lease_until TIMESTAMP, attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT, delivered_at TIMESTAMP, created_at TIMESTAMP NOT NULL,
                PRIMARY KEY (tenant, kind, recipient_id, period_key))
            """)
        try await old.execute(
            "CREATE TABLE insight_watermarks (tenant TEXT NOT NULL PRIMARY KEY, watermark TEXT, checked_at TIMESTAMP NOT NULL)")
        try await old.execute(
            """
            INSERT INTO insight_deliveries (tenant, kind, recipient_id, period_key, status, attempts, created_at)
            VALUES ('itc', 'digest', 'E1', '2026-12-06', 'delivered', 0, '2026-12-06 01:30:00')
            """)
        try await old.close()

        let log = try await DeliveryLog.sqlite(path: path, logger: Fixture.logger)
        do {
            let before = DeliveryKey(tenant: "itc", kind: .digest, recipientID: "E1", periodKey: "2026-12-06")
            #expect(try await log.isDelivered(before))
            #expect(try await log.deliveredChannels(before).isEmpty)
            let t0 = Fixture.utc("2026-12-07T01:30:00Z")
            #expect(try await log.claim(Self.digestKey, owner: "a", lease: .seconds(300), now: t0))
            try await log.markChannelsDelivered(Self.digestKey, channels: ["email", "email"], now: t0)
            try await log.markChannelsDelivered(Self.digestKey, channels: ["email", "webhook:crm"], now: t0)
            #expect(try await log.deliveredChannels(Self.digestKey) == ["email", "webhook:crm"])
        } catch {
            try? await log.close()
            throw error
        }
        try await log.close()
    }
}
