import Foundation
import Insights
import Logging
import Testing

@Suite("InsightScheduler")
struct InsightSchedulerTests {
    static let people = ["E1", "E2", "E3"]

    static func kolkata(alerts: Int? = 0, catchUpDays: Int = 2) throws -> InsightSchedule {
        try InsightSchedule(tenant: "itc", timeZone: "Asia/Kolkata", alertIntervalMinutes: alerts, catchUpDays: catchUpDays)
    }

    static func scheduler(
        _ schedules: [InsightSchedule], jobs: FakeDeliveryJobs, log: DeliveryLog, clock: TestClock, id: String = "test"
    ) -> InsightScheduler {
        InsightScheduler(
            schedules: schedules, jobs: jobs, log: log, clock: clock.function, instanceID: id, logger: Fixture.logger)
    }

    static func sent(_ tenant: String, asOf: String) -> Set<FakeDeliveryJobs.Sent> {
        Set(people.map { FakeDeliveryJobs.Sent(tenant: tenant, recipient: $0, asOf: asOf) })
    }

    @Test("schedules validate the time zone and the digest time")
    func validation() throws {
        let error = #expect(throws: InsightScheduleError.self) {
            try InsightSchedule(tenant: "itc", timeZone: "Asia/Atlantis")
        }
        #expect(error?.code == .unknownTimeZone)
        #expect(throws: InsightScheduleError.self) { try InsightSchedule(tenant: "itc", timeZone: "UTC", digestHour: 24) }
        let schedule = try InsightSchedule(tenant: "itc", timeZone: "Asia/Kolkata")
        #expect(schedule.digestHour == 7 && schedule.digestMinute == 0)
        #expect(schedule.alertIntervalMinutes == 15 && schedule.catchUpDays == 2 && schedule.enabled)
    }

    @Test("the digest goes out at 07:00 tenant-local (01:30 UTC in Kolkata) and not before, with the previous day's data")
    func firesAtLocalTime() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            let jobs = FakeDeliveryJobs(recipients: ["itc": Self.people])
            let clock = TestClock(Fixture.utc("2026-12-07T01:29:00Z"))
            let scheduler = Self.scheduler([try Self.kolkata()], jobs: jobs, log: log, clock: clock)
            await scheduler.tick()
            #expect(await jobs.sent.isEmpty)
            clock.set(Fixture.utc("2026-12-07T01:30:00Z"))
            await scheduler.tick()
            #expect(Set(await jobs.sent) == Self.sent("itc", asOf: "2026-12-06"))
            #expect(await jobs.digestCalls == 1)
            clock.advance(minutes: 30)
            await scheduler.tick()
            #expect(await jobs.sent.count == 3)
            #expect(await jobs.digestCalls == 1)
        }
    }

    @Test("two tenants in different zones fire at their own local times")
    func twoZones() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            let jobs = FakeDeliveryJobs(recipients: ["itc": Self.people, "acme": Self.people])
            let newYork = try InsightSchedule(tenant: "acme", timeZone: "America/New_York", alertIntervalMinutes: nil)
            let clock = TestClock(Fixture.utc("2026-12-06T11:59:00Z"))  // 17:29 IST, 06:59 EST
            let scheduler = Self.scheduler([try Self.kolkata(), newYork], jobs: jobs, log: log, clock: clock)
            var expected = Set<FakeDeliveryJobs.Sent>()
            // (UTC time, digests newly due)
            let steps: [(String, Set<FakeDeliveryJobs.Sent>)] = [
                ("2026-12-06T11:59:00Z", Self.sent("itc", asOf: "2026-12-05")),
                ("2026-12-06T12:00:00Z", Self.sent("acme", asOf: "2026-12-05")),  // 07:00 EST
                ("2026-12-07T01:29:00Z", []),
                ("2026-12-07T01:30:00Z", Self.sent("itc", asOf: "2026-12-06")),  // 07:00 IST
                ("2026-12-07T11:59:00Z", []),
                ("2026-12-07T12:00:00Z", Self.sent("acme", asOf: "2026-12-06")),
            ]
            for (time, due) in steps {
                clock.set(Fixture.utc(time))
                await scheduler.tick()
                expected.formUnion(due)
                #expect(Set(await jobs.sent) == expected, "at \(time)")
                #expect(await jobs.sent.count == expected.count, "at \(time)")
            }
        }
    }

    @Test("a disabled tenant gets nothing")
    func disabled() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            let jobs = FakeDeliveryJobs(recipients: ["itc": Self.people])
            let schedule = try InsightSchedule(tenant: "itc", timeZone: "Asia/Kolkata", enabled: false)
            let clock = TestClock(Fixture.utc("2026-12-07T02:00:00Z"))
            await Self.scheduler([schedule], jobs: jobs, log: log, clock: clock).tick()
            #expect(await jobs.sent.isEmpty)
            #expect(await jobs.watermarkReads == 0)
        }
    }

    @Test("a restarted scheduler over the same SQLite file sends nothing again")
    func restart() async throws {
        try await Fixture.withSQLiteLog { log, path in
            let jobs = FakeDeliveryJobs(recipients: ["itc": Self.people])
            let clock = TestClock(Fixture.utc("2026-12-07T01:45:00Z"))
            await Self.scheduler([try Self.kolkata()], jobs: jobs, log: log, clock: clock, id: "first").tick()
            #expect(await jobs.sent.count == 3)

            let reopened = try await DeliveryLog.sqlite(path: path, logger: Fixture.logger)
            await Self.scheduler([try Self.kolkata()], jobs: jobs, log: reopened, clock: clock, id: "second").tick()
            try await reopened.close()
            #expect(await jobs.sent.count == 3)
            #expect(await jobs.digestCalls == 1)
        }
    }

    @Test("after a downtime the last catchUpDays days and today are sent once each; older days are skipped")
    func downtime() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            let jobs = FakeDeliveryJobs(recipients: ["itc": Self.people])
            let clock = TestClock(Fixture.utc("2026-12-07T01:30:00Z"))
            let scheduler = Self.scheduler([try Self.kolkata()], jobs: jobs, log: log, clock: clock)
            await scheduler.tick()
            #expect(Set(await jobs.sent) == Self.sent("itc", asOf: "2026-12-06"))

            // Down from 7 Dec to 12 Dec 08:00 IST: 8 and 9 Dec are too old, 10–12 Dec are owed.
            clock.set(Fixture.utc("2026-12-12T02:30:00Z"))
            await scheduler.tick()
            await scheduler.tick()
            let counts = await jobs.sendCounts
            #expect(counts.values.allSatisfy { $0 == 1 })
            let expected = ["2026-12-06", "2026-12-09", "2026-12-10", "2026-12-11"].reduce(into: Set()) {
                $0.formUnion(Self.sent("itc", asOf: $1))
            }
            #expect(Set(counts.keys) == expected)
        }
    }

    @Test("a failed send is retried on later ticks with back-off, at most maxAttempts times; the others go out")
    func failures() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            let jobs = FakeDeliveryJobs(recipients: ["itc": Self.people])
            await jobs.fail("E2")
            let clock = TestClock(Fixture.utc("2026-12-07T01:30:00Z"))
            let scheduler = Self.scheduler([try Self.kolkata()], jobs: jobs, log: log, clock: clock)
            await scheduler.tick()
            #expect(Set(await jobs.sent.map(\.recipient)) == ["E1", "E3"])
            #expect(await jobs.sendAttempts["E2"] == 1)

            await scheduler.tick()  // within the back-off: no retry
            #expect(await jobs.sendAttempts["E2"] == 1)

            clock.advance(minutes: 2)
            await scheduler.tick()
            #expect(await jobs.sendAttempts["E2"] == 2)
            #expect(await jobs.sent.count == 2)

            for _ in 0..<10 {
                clock.advance(minutes: 60)
                await scheduler.tick()
            }
            #expect(await jobs.sendAttempts["E2"] == 5)
            #expect(await jobs.sendAttempts["E1"] == 1)
            let record = try #require(
                try await log.record(DeliveryKey(tenant: "itc", kind: .digest, recipientID: "E2", periodKey: "2026-12-07")))
            #expect(record.status == .failed && record.attempts == 5)
            #expect(try await log.isDelivered(DeliveryKey(tenant: "itc", kind: .run, recipientID: "", periodKey: "2026-12-07")))
        }
    }

    @Test("a send that fails once goes out on the retry")
    func transientFailure() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            let jobs = FakeDeliveryJobs(recipients: ["itc": Self.people])
            await jobs.fail("E3", times: 1)
            let clock = TestClock(Fixture.utc("2026-12-07T01:30:00Z"))
            let scheduler = Self.scheduler([try Self.kolkata()], jobs: jobs, log: log, clock: clock)
            await scheduler.tick()
            clock.advance(minutes: 5)
            await scheduler.tick()
            clock.advance(minutes: 5)
            await scheduler.tick()
            #expect(Set(await jobs.sent) == Self.sent("itc", asOf: "2026-12-06"))
            #expect(await jobs.sendCounts.values.allSatisfy { $0 == 1 })
            #expect(await jobs.digestCalls == 2)
        }
    }

    @Test("a tenant whose jobs throw is logged with its metadata and retried; the other tenants go on")
    func jobErrors() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            let jobs = FakeDeliveryJobs(recipients: ["itc": Self.people, "acme": Self.people])
            await jobs.breakTenant("acme")
            await jobs.fail("E1")
            let store = RecordingLogHandler.Store()
            let logger = Logger(label: "test", factory: { _ in RecordingLogHandler(store: store) })
            let newYork = try InsightSchedule(tenant: "acme", timeZone: "America/New_York", alertIntervalMinutes: 15)
            let clock = TestClock(Fixture.utc("2026-12-07T12:00:00Z"))
            let scheduler = InsightScheduler(
                schedules: [try Self.kolkata(), newYork], jobs: jobs, log: log, clock: clock.function, instanceID: "t",
                logger: logger)
            await scheduler.tick()
            #expect(Set(await jobs.sent.map(\.tenant)) == ["itc"])
            #expect(await jobs.sent.count == 2)
            let entries = store.all
            #expect(entries.contains { $0.metadata["tenant.id"] == "acme" && $0.metadata["insights.kind"] == "digest" })
            #expect(entries.contains { $0.metadata["tenant.id"] == "acme" && $0.metadata["insights.kind"] == "alert" })
            #expect(
                entries.contains {
                    $0.metadata["tenant.id"] == "itc" && $0.metadata["insights.kind"] == "digest"
                        && $0.metadata["insights.recipient"] == "E1"
                })

            await jobs.breakTenant("acme", false)
            clock.advance(minutes: 20)
            await scheduler.tick()
            #expect(await jobs.sendCounts[FakeDeliveryJobs.Sent(tenant: "acme", recipient: "E2", asOf: "2026-12-06")] == 1)
            #expect(await jobs.alertCalls == 1)
        }
    }

    @Test("alerts: nothing while the watermark stands still; pushed once per recipient and insight id")
    func alerts() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            let jobs = FakeDeliveryJobs(recipients: ["itc": Self.people])
            await jobs.setWatermark("w1", tenant: "itc")
            await jobs.setAlerts(["i1"], tenant: "itc")
            let clock = TestClock(Fixture.utc("2026-12-07T00:00:00Z"))  // before the digest
            let scheduler = Self.scheduler([try Self.kolkata(alerts: 15)], jobs: jobs, log: log, clock: clock)
            await scheduler.tick()
            #expect(await jobs.alertCalls == 1)
            #expect(await jobs.pushed.count == 3)
            #expect(try await log.watermark(tenant: "itc")?.value == "w1")

            clock.advance(minutes: 5)  // within the interval: not even read
            await scheduler.tick()
            #expect(await jobs.watermarkReads == 1)

            clock.advance(minutes: 15)  // read, unchanged
            await scheduler.tick()
            #expect(await jobs.watermarkReads == 2)
            #expect(await jobs.alertCalls == 1)

            await jobs.setWatermark("w2", tenant: "itc")
            await jobs.setAlerts(["i1", "i2"], tenant: "itc")
            clock.advance(minutes: 15)
            await scheduler.tick()
            #expect(await jobs.alertCalls == 2)
            let counts = await jobs.pushCounts
            #expect(counts.count == 6)
            #expect(counts.values.allSatisfy { $0 == 1 })
            #expect(await jobs.sent.isEmpty)
        }
    }

    @Test("DST: a 02:30 digest in New York fires once on the spring-forward day (02:30 does not exist)")
    func springForward() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            let jobs = FakeDeliveryJobs(recipients: ["acme": Self.people])
            let schedule = try InsightSchedule(
                tenant: "acme", timeZone: "America/New_York", digestHour: 2, digestMinute: 30, alertIntervalMinutes: nil,
                catchUpDays: 0)
            // 14 March 2027: clocks go from 02:00 EST to 03:00 EDT (07:00 UTC).
            let clock = TestClock(Fixture.utc("2027-03-14T05:00:00Z"))
            let scheduler = Self.scheduler([schedule], jobs: jobs, log: log, clock: clock)
            var firstSend: Date?
            while clock.date < Fixture.utc("2027-03-15T05:00:00Z") {
                await scheduler.tick()
                if firstSend == nil, await !jobs.sent.isEmpty { firstSend = clock.date }
                clock.advance(minutes: 10)
            }
            #expect(firstSend == Fixture.utc("2027-03-14T07:00:00Z"))
            #expect(await jobs.sent.count == 3)
            #expect(Set(await jobs.sent) == Self.sent("acme", asOf: "2027-03-13"))
        }
    }

    @Test("DST: a 01:30 digest in New York fires once on the fall-back day (01:30 happens twice)")
    func fallBack() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            let jobs = FakeDeliveryJobs(recipients: ["acme": Self.people])
            let schedule = try InsightSchedule(
                tenant: "acme", timeZone: "America/New_York", digestHour: 1, digestMinute: 30, alertIntervalMinutes: nil,
                catchUpDays: 0)
            let clock = TestClock(Fixture.utc("2026-11-01T04:00:00Z"))  // 00:00 EDT
            let scheduler = Self.scheduler([schedule], jobs: jobs, log: log, clock: clock)
            var firstSend: Date?
            while clock.date < Fixture.utc("2026-11-02T05:00:00Z") {
                await scheduler.tick()
                if firstSend == nil, await !jobs.sent.isEmpty { firstSend = clock.date }
                clock.advance(minutes: 10)
            }
            #expect(firstSend == Fixture.utc("2026-11-01T05:30:00Z"))
            #expect(Set(await jobs.sent) == Self.sent("acme", asOf: "2026-10-31"))
            #expect(await jobs.sent.count == 3)
        }
    }

    @Test("run() ticks until cancelled and returns promptly")
    func runStopsOnCancellation() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            let jobs = FakeDeliveryJobs(recipients: ["itc": Self.people])
            let clock = TestClock(Fixture.utc("2026-12-07T02:00:00Z"))
            let scheduler = InsightScheduler(
                schedules: [try Self.kolkata()], jobs: jobs, log: log, clock: clock.function, instanceID: "run",
                pollInterval: .seconds(3600), logger: Fixture.logger)
            let task = Task { try await scheduler.run() }
            while await jobs.sent.count < 3 { try await Task.sleep(for: .milliseconds(10)) }
            let started = ContinuousClock.now
            task.cancel()
            try await task.value
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(await jobs.sent.count == 3)
        }
    }

    @Test("two schedulers over one SQLite file, ticking concurrently, send each digest once")
    func concurrentSQLite() async throws {
        try await Fixture.withSQLiteLog { log, path in
            let other = try await DeliveryLog.sqlite(path: path, logger: Fixture.logger)
            try await ExactlyOnce.check(logs: (log, other))
            try await other.close()
        }
    }
}

/// Two instances ticking concurrently over the same log, with small random delays in the jobs.
enum ExactlyOnce {
    static func check(logs: (DeliveryLog, DeliveryLog), rounds: Int = 20) async throws {
        let people = InsightSchedulerTests.people
        let jobs = FakeDeliveryJobs(recipients: ["itc": people, "acme": people], maxDelayMicroseconds: 2_000)
        await jobs.setAlerts(["i1"], tenant: "itc")
        let schedules = [
            try InsightSchedule(tenant: "itc", timeZone: "Asia/Kolkata"),
            try InsightSchedule(tenant: "acme", timeZone: "America/New_York"),
        ]
        let clock = TestClock(Fixture.utc("2026-12-07T00:00:00Z"))
        let a = InsightSchedulerTests.scheduler(schedules, jobs: jobs, log: logs.0, clock: clock, id: "instance-a")
        let b = InsightSchedulerTests.scheduler(schedules, jobs: jobs, log: logs.1, clock: clock, id: "instance-b")
        for round in 0..<rounds {
            if round % 5 == 4 {
                await jobs.setWatermark("w\(round)", tenant: "itc")
                await jobs.setAlerts(["i1", "i\(round)"], tenant: "itc")
            }
            await withTaskGroup(of: Void.self) { group in
                for scheduler in [a, b, a, b] { group.addTask { await scheduler.tick() } }
            }
            clock.advance(minutes: 90)
        }
        // 30 hours from 7 Dec 00:00 UTC (6 Dec 19:00 in New York): Kolkata's digests of 7 and
        // 8 Dec, New York's of 6 and 7 Dec.
        var expected = Set<FakeDeliveryJobs.Sent>()
        for (tenant, asOf) in [("itc", "2026-12-06"), ("itc", "2026-12-07"), ("acme", "2026-12-05"), ("acme", "2026-12-06")] {
            expected.formUnion(InsightSchedulerTests.sent(tenant, asOf: asOf))
        }
        let counts = await jobs.sendCounts
        #expect(Set(counts.keys) == expected)
        #expect(counts.filter { $0.value != 1 }.isEmpty)
        let pushes = await jobs.pushCounts
        #expect(pushes.filter { $0.value != 1 }.isEmpty)
        #expect(Set(pushes.keys.map(\.insight)) == ["i1", "i4", "i9", "i14", "i19"])
        #expect(pushes.count == 15)
    }
}
