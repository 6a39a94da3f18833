import Foundation
import Testing
import Warehouse

@testable import Observability

@Suite("Usage tracker")
struct UsageTrackerTests {
    struct PlannedFailure: Error {}

    /// Rows in the store file at `path` (the tracker closed its own store).
    static func rows(at path: String, _ sql: String = "SELECT COUNT(*) FROM usage_events") async throws -> ResultSet {
        let store = try await UsageStore.sqlite(path: path, logger: Fixtures.logger)
        do {
            let result = try await store.database.query(sql)
            try await store.close()
            return result
        } catch {
            try? await store.close()
            throw error
        }
    }

    static func event(_ i: Int) -> UsageEvent {
        UsageEvent(kind: .ask, tenant: "itc", user: "user\(i % 37)", department: "Sales", question: "Q \(i % 11)", totalMs: 1)
    }

    @Test("track records a thrown error with its class and rethrows; a success keeps the body's outcome")
    func trackErrors() async throws {
        let path = Fixtures.temporaryPath()
        defer { Fixtures.removeFolder(of: path) }
        let tracker = UsageTracker(
            store: try await UsageStore.sqlite(path: path, logger: Fixtures.logger), pricing: try Fixtures.pricing,
            logger: Fixtures.logger)
        await #expect(throws: PlannedFailure.self) {
            try await tracker.track(UsageEvent(kind: .ask, tenant: "itc", user: "u1", question: "fails")) { _ -> Int in
                throw PlannedFailure()
            }
        }
        let answer = await tracker.track(UsageEvent(kind: .apiQuery, tenant: "itc", user: "u2")) { event -> String in
            event.outcome = .clarification
            event.rows = 3
            event.parseMs = 0.5
            return "ok"
        }
        #expect(answer == "ok")
        await tracker.shutdown()
        let stored = try await Self.rows(
            at: path, "SELECT user_id, outcome, error_class, rows_returned, parse_ms, total_ms >= 0 FROM usage_events ORDER BY user_id")
        #expect(
            stored.rows == [
                [.string("u1"), .string("error"), .string("PlannedFailure"), .null, .null, .int(1)],
                [.string("u2"), .string("clarification"), .null, .int(3), .double(0.5), .int(1)],
            ])
    }

    @Test("10,000 concurrent recordings from 100 tasks all land")
    func concurrentRecordings() async throws {
        let path = Fixtures.temporaryPath()
        defer { Fixtures.removeFolder(of: path) }
        let tracker = UsageTracker(
            store: try await UsageStore.sqlite(path: path, logger: Fixtures.logger), pricing: try Fixtures.pricing,
            batchSize: 500, flushInterval: .milliseconds(5), logger: Fixtures.logger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await tracker.run() }
            await withTaskGroup(of: Void.self) { writers in
                for task in 0..<100 {
                    writers.addTask {
                        for i in 0..<100 { tracker.record(Self.event(task * 100 + i)) }
                    }
                }
            }
            await tracker.shutdown()
            group.cancelAll()
        }
        #expect(tracker.recordedCount == 10_000)
        #expect(tracker.droppedCount == 0)
        #expect(tracker.writtenCount == 10_000)
        #expect(tracker.failedCount == 0)
        let count = try await Self.rows(at: path)
        #expect(count.rows[0][0].intValue == 10_000)
        let rolled = try await Self.rows(at: path, "SELECT SUM(queries) FROM usage_rollup WHERE dimension = 'user'")
        #expect(rolled.rows[0][0].intValue == 10_000)
    }

    @Test("shutdown writes everything queued, with the writer idle or not running at all")
    func shutdownFlushes() async throws {
        // The writer sleeps for an hour: only shutdown can have written these.
        let path = Fixtures.temporaryPath()
        defer { Fixtures.removeFolder(of: path) }
        let tracker = UsageTracker(
            store: try await UsageStore.sqlite(path: path, logger: Fixtures.logger), pricing: try Fixtures.pricing,
            batchSize: 1_000, flushInterval: .seconds(3_600), logger: Fixtures.logger)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await tracker.run() }
            for i in 0..<3_000 { tracker.record(Self.event(i)) }
            await tracker.shutdown()
            group.cancelAll()
        }
        #expect(try await Self.rows(at: path).rows[0][0].intValue == 3_000)

        // No writer at all.
        let path2 = Fixtures.temporaryPath()
        defer { Fixtures.removeFolder(of: path2) }
        let tracker2 = UsageTracker(
            store: try await UsageStore.sqlite(path: path2, logger: Fixtures.logger), pricing: .empty, batchSize: 400,
            logger: Fixtures.logger)
        for i in 0..<2_500 { tracker2.record(Self.event(i)) }
        #expect(tracker2.queuedCount == 2_500)
        await tracker2.shutdown()
        await tracker2.shutdown()  // a second call is harmless
        tracker2.record(Self.event(0))  // after shutdown: counted, not written
        #expect(tracker2.droppedCount == 1)
        #expect(try await Self.rows(at: path2).rows[0][0].intValue == 2_500)
    }

    @Test("a full queue counts drops instead of blocking; flush writes what is queued")
    func backPressure() async throws {
        let path = Fixtures.temporaryPath()
        defer { Fixtures.removeFolder(of: path) }
        let tracker = UsageTracker(
            store: try await UsageStore.sqlite(path: path, logger: Fixtures.logger), pricing: .empty, capacity: 10,
            logger: Fixtures.logger)
        for i in 0..<15 { tracker.record(Self.event(i)) }
        #expect(tracker.recordedCount == 10 && tracker.droppedCount == 5)
        try await tracker.flush()
        #expect(tracker.queuedCount == 0 && tracker.writtenCount == 10)
        for i in 0..<4 { tracker.record(Self.event(i)) }
        await tracker.shutdown()
        #expect(try await Self.rows(at: path).rows[0][0].intValue == 14)
    }
}
