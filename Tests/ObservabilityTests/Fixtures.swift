import Foundation
import Logging
import Testing
import Warehouse

@testable import Observability

/// Per-test temporary SQLite files, the shipped price file and a hand-checked scenario.
enum Fixtures {
    static let logger = Logger(label: "convai.observability.tests")

    static var pricing: PricingTable {
        get throws { try PricingTable.load(path: PricingTableTests.pricingPath) }
    }

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("convai-usage-\(UUID().uuidString)")
            .appendingPathComponent("usage.sqlite").path
    }

    static func removeFolder(of path: String) {
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    /// 2025-06-30 12:00 UTC.
    static let now = at("2025-06-30", hour: 12)

    static func at(_ iso: String, hour: Int = 9) -> Date {
        Date(timeIntervalSince1970: Double(SQLDate(iso: iso)!.daysSinceEpoch) * 86_400 + Double(hour) * 3_600)
    }

    static func decimal(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }

    /// Six events; the expected figures are worked out by hand in ``checkReports(_:)``.
    static var scenario: [UsageEvent] {
        [
            UsageEvent(
                kind: .ask, tenant: "itc", user: "u1", department: "Sales", customer: "C1", question: "Top 5 brands",
                at: at("2025-06-30"), outcome: .answered, totalMs: 10, rows: 5,
                llm: LLMCallUsage(provider: "openai", model: "gpt-4o-mini", inputTokens: 1_000, outputTokens: 500)),
            UsageEvent(
                kind: .ask, tenant: "itc", user: "u2", department: "Sales", customer: "C2", question: "top 5  brands",
                at: at("2025-06-30", hour: 10), outcome: .clarification, totalMs: 20),
            UsageEvent(
                kind: .ask, tenant: "itc", user: "u3", department: "Finance", question: "Net sales", at: at("2025-06-29"),
                outcome: .error, errorClass: "WarehouseError", totalMs: 30,
                llm: LLMCallUsage(
                    provider: "anthropic", model: "claude-3-5-haiku-20241022", inputTokens: 10_000, outputTokens: 2_000,
                    cachedInputTokens: 4_000)),
            UsageEvent(
                kind: .apiQuery, tenant: "itc", user: "u1", department: "Sales", customer: "C1", question: "net sales",
                at: at("2025-06-28"), outcome: .answered, totalMs: 40, cacheHit: true,
                llm: LLMCallUsage(provider: "openai", model: "mystery-model", inputTokens: 100, outputTokens: 10)),
            // Outside a 30-day window ending 2025-06-30.
            UsageEvent(
                kind: .ask, tenant: "itc", user: "u1", department: "Sales", customer: "C1", question: "old question",
                at: at("2025-05-01"), totalMs: 1_000,
                llm: LLMCallUsage(provider: "openai", model: "gpt-4o-mini", inputTokens: 1_000, outputTokens: 500)),
            UsageEvent(
                kind: .ask, tenant: "nestle", user: "n1", department: "Sales", question: "TOP 5 brands", at: at("2025-06-30"),
                totalMs: 5),
        ]
    }

    /// Writes the scenario (in two batches, so that the roll-up upserts add to existing rows) and checks every report.
    static func checkReports(_ store: UsageStore) async throws {
        let events = scenario
        try await store.write(Array(events.prefix(3)), pricing: try pricing)
        try await store.write(Array(events.dropFirst(3)), pricing: try pricing)
        let report = UsageReport(store: store)

        let departments = try await report.summary(tenant: "itc", by: .department, days: 30, now: now)
        try #require(departments.count == 2)
        let sales = departments[0]
        #expect(sales.tenant == "itc" && sales.key == "Sales")
        #expect(sales.queries == 3 && sales.answered == 2 && sales.clarifications == 1 && sales.errors == 0)
        #expect(sales.llmCalls == 2 && sales.unpricedCalls == 1 && sales.cacheHits == 1)
        #expect(sales.inputTokens == 1_100 && sales.outputTokens == 510 && sales.cachedInputTokens == 0)
        // gpt-4o-mini: (1,000 × 0.15 + 500 × 0.60) / 10⁶; the unknown model adds nothing but is flagged.
        #expect(sales.costUSD == decimal("0.00045"))
        #expect(abs(sales.averageLatencyMs - 70.0 / 3) < 1e-9)
        #expect(sales.successRate == 1)
        #expect(sales.uniqueUsers == 2)
        #expect(sales.p95LatencyMs <= 40 && sales.p95LatencyMs >= 40 / 1.25)
        let finance = departments[1]
        #expect(finance.key == "Finance" && finance.queries == 1 && finance.errors == 1 && finance.successRate == 0)
        // claude-3-5-haiku: (6,000 × 0.80 + 4,000 × 0.08 + 2,000 × 4.00) / 10⁶
        #expect(finance.costUSD == decimal("0.01312"))
        #expect(finance.inputTokens == 10_000 && finance.cachedInputTokens == 4_000 && finance.outputTokens == 2_000)
        #expect(finance.uniqueUsers == 1 && finance.averageLatencyMs == 30)

        let customers = try await report.summary(tenant: "itc", by: .customer, days: 30, now: now)
        #expect(customers.map(\.key) == ["C1", nil, "C2"] || customers.map(\.key) == ["C1", "C2", nil])
        #expect(customers.first { $0.key == "C1" }?.queries == 2)
        #expect(customers.first { $0.key == "C1" }?.uniqueUsers == 1)

        let users = try await report.summary(tenant: "itc", by: .user, days: 30, now: now)
        #expect(users.map(\.key) == ["u1", "u2", "u3"])
        #expect(users.map(\.queries) == [2, 1, 1])

        let tenants = try await report.summary(tenant: nil, by: .tenant, days: 30, now: now)
        #expect(tenants.map(\.key) == ["itc", "nestle"])
        #expect(tenants.map(\.queries) == [4, 1])
        #expect(tenants[0].costUSD == decimal("0.01357"))
        #expect(tenants[0].uniqueUsers == 3 && tenants[1].uniqueUsers == 1)
        // The 60-day window reaches the May question.
        let longer = try await report.summary(tenant: "itc", by: .tenant, days: 61, now: now)
        #expect(longer.first?.queries == 5)
        #expect(longer.first?.costUSD == decimal("0.01402"))

        let top = try await report.topQuestions(tenant: "itc", days: 30, now: now)
        #expect(top == [QuestionCount(question: "net sales", count: 2), QuestionCount(question: "top 5 brands", count: 2)])
        let topAll = try await report.topQuestions(tenant: nil, days: 30, limit: 1, now: now)
        #expect(topAll == [QuestionCount(question: "top 5 brands", count: 3)])

        let models = try await report.costByModel(tenant: "itc", days: 30, now: now)
        #expect(models.map(\.model) == ["claude-3-5-haiku-20241022", "gpt-4o-mini", "mystery-model"])
        #expect(models.map(\.costUSD) == [decimal("0.01312"), decimal("0.00045"), 0])
        #expect(models.map(\.unpricedCalls) == [0, 0, 1])
        #expect(models[2].inputTokens == 100 && models[2].outputTokens == 10)

        let daily = try await report.daily(tenant: "itc", days: 3, now: now)
        #expect(daily.map(\.day.description) == ["2025-06-28", "2025-06-29", "2025-06-30"])
        #expect(daily.map(\.queries) == [1, 1, 2])
        #expect(daily.map(\.errors) == [0, 1, 0])
        #expect(daily.map(\.costUSD) == [0, decimal("0.01312"), decimal("0.00045")])
        #expect(daily.map(\.uniqueUsers) == [1, 1, 2])
        #expect(daily[2].averageLatencyMs == 15 && daily[2].successRate == 1)
        let month = try await report.daily(tenant: nil, days: 30, now: now)
        #expect(month.count == 30 && month.first?.day.description == "2025-06-01")
        #expect(month.last?.queries == 3 && month.last?.uniqueUsers == 3)
    }

    /// Roll-up totals equal the raw rows' totals, per tenant and per department.
    static func checkRollupMatchesRaw(_ store: UsageStore) async throws {
        let db = store.database
        let raw = try await db.query(
            """
            SELECT tenant, COALESCE(department, ''), COUNT(*), COALESCE(SUM(input_tokens), 0), COALESCE(SUM(output_tokens), 0),
                   COALESCE(SUM(cached_input_tokens), 0), COALESCE(SUM(cost_e10), 0), SUM(unpriced),
                   SUM(CASE WHEN outcome = 'error' THEN 1 ELSE 0 END)
            FROM usage_events GROUP BY tenant, COALESCE(department, '') ORDER BY 1, 2
            """)
        let rolled = try await db.query(
            """
            SELECT tenant, member, SUM(queries), SUM(input_tokens), SUM(output_tokens), SUM(cached_input_tokens),
                   SUM(cost_e10), SUM(unpriced_calls), SUM(errors)
            FROM usage_rollup WHERE dimension = 'department' GROUP BY tenant, member ORDER BY 1, 2
            """)
        func ints(_ rs: ResultSet) -> [[String]] {
            rs.rows.map { row in row.map { $0.intValue.map(String.init) ?? $0.stringValue ?? "\($0)" } }
        }
        #expect(!raw.rows.isEmpty)
        #expect(ints(raw) == ints(rolled))
        for dimension in UsageBreakdown.allCases {
            let total = try await db.query(
                "SELECT SUM(queries), SUM(cost_e10) FROM usage_rollup WHERE dimension = \(db.dialect.parameterMarker(1))",
                [.string(dimension.rawValue)])
            let rawTotal = try await db.query("SELECT COUNT(*), SUM(cost_e10) FROM usage_events")
            #expect(total.rows[0][0].intValue == rawTotal.rows[0][0].intValue)
            #expect(total.rows[0][1].intValue == rawTotal.rows[0][1].intValue)
        }
    }

    /// `count` random events over the last 40 days, from a seeded generator.
    static func randomEvents(_ count: Int, seed: UInt64 = 42, now: Date = now) -> [UsageEvent] {
        var rng = SplitMix64(seed: seed)
        let models = [("openai", "gpt-4o"), ("openai", "gpt-4.1-mini"), ("anthropic", "claude-sonnet-4"), ("openai", "unknown")]
        let outcomes: [UsageEvent.Outcome] = [.answered, .answered, .answered, .clarification, .rejected, .error]
        return (0..<count).map { i in
            let user = Int(rng.next() % 50)
            let llm: LLMCallUsage?
            if rng.next() % 3 == 0 {
                llm = nil
            } else {
                let (provider, model) = models[Int(rng.next() % UInt64(models.count))]
                let input = Int(rng.next() % 5_000)
                llm = LLMCallUsage(
                    provider: provider, model: model, inputTokens: input, outputTokens: Int(rng.next() % 800),
                    cachedInputTokens: input / 3)
            }
            return UsageEvent(
                kind: i % 4 == 0 ? .apiQuery : .ask, tenant: ["itc", "nestle", "unilever"][user % 3], user: "user\(user)",
                department: user % 7 == 0 ? nil : ["Sales", "Finance", "Marketing", "Supply"][user % 4],
                customer: "C\(user % 5)", question: "question \(rng.next() % 20)",
                at: now.addingTimeInterval(-Double(rng.next() % (40 * 86_400))),
                outcome: outcomes[Int(rng.next() % UInt64(outcomes.count))], totalMs: Double(rng.next() % 5_000) / 10,
                llm: llm)
        }
    }
}

struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
