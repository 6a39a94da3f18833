import Foundation
import Insights
import Testing

@Suite("DeliveryLog (SQLite)")
struct DeliveryLogTests {
    let key = DeliveryKey(tenant: "itc", kind: .digest, recipientID: "E1", periodKey: "2026-12-07")
    let t0 = Fixture.utc("2026-12-07T01:30:00Z")

    @Test("one claimer wins while the lease is live; another takes over after it")
    func leases() async throws {
        // Throwing spelled out: a body of #expect calls alone is inferred as non-throwing.
        try await Fixture.withSQLiteLog { log, _ async throws in
            #expect(try await log.claim(key, owner: "a", lease: .seconds(300), now: t0))
            #expect(try await !log.claim(key, owner: "b", lease: .seconds(300), now: t0.addingTimeInterval(299)))
            #expect(try await log.claim(key, owner: "b", lease: .seconds(300), now: t0.addingTimeInterval(301)))
            // a's lease is gone: its late mark does not count.
            #expect(try await !log.markDelivered(key, owner: "a", now: t0.addingTimeInterval(302)))
            #expect(try await log.markDelivered(key, owner: "b", now: t0.addingTimeInterval(302)))
            #expect(try await log.isDelivered(key))
        }
    }

    @Test("a delivered row is never claimed again")
    func deliveredIsFinal() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            #expect(try await log.claim(key, owner: "a", lease: .seconds(1), now: t0))
            #expect(try await log.markDelivered(key, owner: "a", now: t0))
            #expect(try await !log.claim(key, owner: "a", lease: .seconds(1), now: t0.addingTimeInterval(86_400 * 365)))
            let record = try #require(try await log.record(key))
            #expect(record.status == .delivered)
            #expect(record.deliveredAt == t0)
            #expect(record.leaseUntil == nil)
        }
    }

    @Test("a failure releases the claim until its retry time, and after maxAttempts for good")
    func failures() async throws {
        try await Fixture.withSQLiteLog(maxAttempts: 3) { log, _ in
            var now = t0
            for attempt in 1...3 {
                #expect(try await log.claim(key, owner: "a", lease: .seconds(300), now: now))
                let retryAt = now.addingTimeInterval(60)
                #expect(try await log.markFailed(key, owner: "a", error: "smtp down", retryAt: retryAt) == attempt)
                #expect(try await !log.claim(key, owner: "b", lease: .seconds(300), now: retryAt.addingTimeInterval(-1)))
                now = retryAt.addingTimeInterval(1)
            }
            #expect(try await !log.claim(key, owner: "a", lease: .seconds(300), now: now.addingTimeInterval(86_400)))
            let record = try #require(try await log.record(key))
            #expect(record.status == .failed)
            #expect(record.attempts == 3)
            #expect(record.lastError == "smtp down")
            #expect(log.isSettled(record))
        }
    }

    @Test("concurrent claimers: exactly one wins")
    func concurrentClaims() async throws {
        try await Fixture.withSQLiteLog { log, path in
            let other = try await DeliveryLog.sqlite(path: path, logger: Fixture.logger)
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<20 {
                    let target = i % 2 == 0 ? log : other
                    group.addTask { try await target.claim(key, owner: "o\(i)", lease: .seconds(300), now: t0) }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            try await other.close()
            #expect(wins == 1)
        }
    }

    @Test("watermarks and the inspection listing")
    func watermarksAndListing() async throws {
        try await Fixture.withSQLiteLog { log, _ in
            #expect(try await log.watermark(tenant: "itc") == nil)
            try await log.markWatermarkChecked(tenant: "itc", at: t0)
            #expect(try await log.watermark(tenant: "itc") == DataWatermark(value: nil, checkedAt: t0))
            try await log.setWatermark("w1", tenant: "itc", checkedAt: t0.addingTimeInterval(60))
            try await log.markWatermarkChecked(tenant: "itc", at: t0.addingTimeInterval(120))
            #expect(try await log.watermark(tenant: "itc") == DataWatermark(value: "w1", checkedAt: t0.addingTimeInterval(120)))

            let alert = DeliveryKey(tenant: "itc", kind: .alert, recipientID: "E1", periodKey: "insight-1")
            _ = try await log.claim(key, owner: "a", lease: .seconds(300), now: t0)
            _ = try await log.claim(alert, owner: "a", lease: .seconds(300), now: t0.addingTimeInterval(10))
            _ = try await log.claim(
                DeliveryKey(tenant: "other", kind: .alert, recipientID: "E1", periodKey: "x"), owner: "a",
                lease: .seconds(300), now: t0)
            let listed = try await log.deliveries(tenant: "itc", since: t0)
            #expect(listed.map(\.key) == [key, alert])
            #expect(listed.first?.owner == "a")
            #expect(listed.first?.leaseUntil == t0.addingTimeInterval(300))
            #expect(try await log.deliveries(tenant: "itc", since: t0.addingTimeInterval(5)).map(\.key) == [alert])
        }
    }
}
