import Foundation
import Testing
import Warehouse

@testable import Observability

@Suite("Usage store (SQLite)")
struct UsageStoreTests {
    @Test("summaries, top questions, cost by model and the daily series match hand-computed values")
    func reports() async throws {
        let store = try await UsageStore.sqlite(path: nil, logger: Fixtures.logger)
        do {
            try await Fixtures.checkReports(store)
        } catch {
            try await store.close()
            throw error
        }
        try await store.close()
    }

    @Test("an unknown model is stored with its tokens, no cost and the unpriced flag")
    func unknownModelFlagged() async throws {
        let store = try await UsageStore.sqlite(path: nil, logger: Fixtures.logger)
        try await store.write(
            [
                UsageEvent(
                    kind: .ask, tenant: "itc", user: "u", at: Fixtures.now,
                    llm: LLMCallUsage(provider: "openai", model: "gpt-99", inputTokens: 123, outputTokens: 45))
            ], pricing: try Fixtures.pricing)
        let row = try await store.database.query(
            "SELECT input_tokens, output_tokens, cost_e10, cost_usd, unpriced FROM usage_events")
        await #expect(throws: Never.self) { try await store.close() }
        #expect(row.rows == [[.int(123), .int(45), .null, .null, .int(1)]])
    }

    @Test("costs are stored exactly: the raw decimal text and 10⁻¹⁰ USD units")
    func storedCost() async throws {
        let store = try await UsageStore.sqlite(path: nil, logger: Fixtures.logger)
        try await store.write(
            [
                UsageEvent(
                    kind: .ask, tenant: "itc", user: "u", at: Fixtures.now,
                    llm: LLMCallUsage(
                        provider: "openai", model: "gpt-4o", inputTokens: 1_234_567, outputTokens: 98_765,
                        cachedInputTokens: 200_000))
            ], pricing: try Fixtures.pricing)
        let row = try await store.database.query("SELECT cost_e10, cost_usd, normalized_question FROM usage_events")
        try await store.close()
        #expect(row.rows == [[.int(38_240_675_000), .string("3.8240675"), .null]])
        #expect(UsageStore.usd(e10: 38_240_675_000) == Fixtures.decimal("3.8240675"))
    }

    @Test("roll-up totals equal the raw totals over many batches")
    func rollupEqualsRaw() async throws {
        let store = try await UsageStore.sqlite(path: nil, logger: Fixtures.logger)
        let events = Fixtures.randomEvents(5_000)
        let pricing = try Fixtures.pricing
        for start in stride(from: 0, to: events.count, by: 700) {
            try await store.write(Array(events[start..<min(start + 700, events.count)]), pricing: pricing)
        }
        do {
            try await Fixtures.checkRollupMatchesRaw(store)
            // And the report agrees with a direct count over the raw rows of the window.
            let report = UsageReport(store: store)
            let summary = try await report.summary(tenant: "itc", by: .department, days: 30, now: Fixtures.now)
            let fromDay = UsageStore.dayNumber(PricingTable.utcDay(Fixtures.now).adding(days: -29))
            let raw = try await store.database.query(
                "SELECT COUNT(*), COUNT(DISTINCT user_id) FROM usage_events WHERE tenant = 'itc' AND day >= ?", [.int(fromDay)])
            #expect(summary.map(\.queries).reduce(0, +) == Int(raw.rows[0][0].intValue ?? -1))
        } catch {
            try await store.close()
            throw error
        }
        try await store.close()
    }

    @Test("retention: purge deletes raw rows and roll-ups older than the cut-off")
    func purge() async throws {
        let store = try await UsageStore.sqlite(path: nil, retentionDays: 5, logger: Fixtures.logger)
        let now = Fixtures.now
        try await store.write(
            [
                UsageEvent(kind: .ask, tenant: "itc", user: "old", question: "old", at: now.addingTimeInterval(-10 * 86_400)),
                UsageEvent(kind: .ask, tenant: "itc", user: "new", question: "new", at: now.addingTimeInterval(-1 * 86_400)),
            ], pricing: .empty)
        let deleted = try await store.purge(olderThan: store.retentionDays, now: now)
        let remaining = try await store.database.query("SELECT user_id FROM usage_events")
        let summary = try await UsageReport(store: store).summary(tenant: "itc", by: .user, days: 30, now: now)
        let questions = try await UsageReport(store: store).topQuestions(tenant: "itc", days: 30, now: now)
        try await store.close()
        #expect(deleted == 1)
        #expect(remaining.rows == [[.string("new")]])
        #expect(summary.map(\.key) == ["new"])
        #expect(questions.map(\.question) == ["new"])
    }

    @Test("the SQLite file is in WAL mode and reopens with its data")
    func walAndReopen() async throws {
        let path = Fixtures.temporaryPath()
        defer { Fixtures.removeFolder(of: path) }
        let store = try await UsageStore.sqlite(path: path, logger: Fixtures.logger)
        try await store.write(Fixtures.scenario, pricing: try Fixtures.pricing)
        let mode = try await store.database.query("PRAGMA journal_mode")
        try await store.close()
        #expect(mode.rows.first?.first?.stringValue?.lowercased() == "wal")
        let reopened = try await UsageStore.sqlite(path: path, logger: Fixtures.logger)
        let count = try await reopened.database.query("SELECT COUNT(*) FROM usage_events")
        try await reopened.close()
        #expect(count.rows[0][0].intValue == 6)
    }
}
