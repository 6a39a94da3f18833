import Foundation
import Testing
import Warehouse

@testable import Observability

@Suite("LLM pricing")
struct PricingTableTests {
    static let pricingPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/llm_pricing.yaml").path

    static func date(_ iso: String) -> Date {
        let day = SQLDate(iso: iso)!
        return Date(timeIntervalSince1970: Double(day.daysSinceEpoch) * 86_400 + 3_600)
    }

    static func decimal(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }

    @Test("costs from the shipped price file equal hand-computed values exactly")
    func shippedPrices() throws {
        let table = try PricingTable.load(path: Self.pricingPath)
        let on = Self.date("2025-06-30")
        // gpt-4o: (1,034,567 × 2.50 + 200,000 × 1.25 + 98,765 × 10.00) / 10⁶ = 3,824,067.5 / 10⁶
        #expect(
            table.cost(
                for: LLMCallUsage(
                    provider: "openai", model: "gpt-4o-2024-08-06", inputTokens: 1_234_567, outputTokens: 98_765,
                    cachedInputTokens: 200_000), on: on) == Self.decimal("3.8240675"))
        // gpt-4o-mini: (1,000 × 0.15 + 500 × 0.60) / 10⁶ = 450 / 10⁶
        #expect(
            table.cost(for: LLMCallUsage(provider: "openai", model: "gpt-4o-mini", inputTokens: 1_000, outputTokens: 500), on: on)
                == Self.decimal("0.00045"))
        // claude-3-5-haiku: (6,000 × 0.80 + 4,000 × 0.08 + 2,000 × 4.00) / 10⁶ = 13,120 / 10⁶
        #expect(
            table.cost(
                for: LLMCallUsage(
                    provider: "anthropic", model: "claude-3-5-haiku-20241022", inputTokens: 10_000, outputTokens: 2_000,
                    cachedInputTokens: 4_000), on: on) == Self.decimal("0.01312"))
        // Azure gpt-4.1-mini: (3 × 0.40 + 7 × 0.10 + 11 × 1.60) / 10⁶ = 19.5 / 10⁶; 0.1 + 0.2 style
        // binary rounding would not survive this comparison.
        #expect(
            table.cost(
                for: LLMCallUsage(
                    provider: "azure_openai", model: "gpt-4.1-mini", inputTokens: 10, outputTokens: 11, cachedInputTokens: 7),
                on: on) == Self.decimal("0.0000195"))
        // claude-sonnet-4: (1 × 3 + 0 + 1 × 15) / 10⁶
        #expect(
            table.cost(
                for: LLMCallUsage(provider: "anthropic", model: "claude-sonnet-4-20250514", inputTokens: 1, outputTokens: 1),
                on: on) == Self.decimal("0.000018"))
    }

    @Test("an unknown model, or a known one before its first price, has no cost (not zero)")
    func unknownModels() throws {
        let table = try PricingTable.load(path: Self.pricingPath)
        let on = Self.date("2025-06-30")
        #expect(table.cost(for: LLMCallUsage(provider: "openai", model: "gpt-9", inputTokens: 5, outputTokens: 5), on: on) == nil)
        // Not a snapshot suffix: no fallback to gpt-4o.
        #expect(
            table.cost(for: LLMCallUsage(provider: "openai", model: "gpt-4o-audio-preview", inputTokens: 5, outputTokens: 5), on: on)
                == nil)
        // The right model under another provider is unknown.
        #expect(
            table.cost(for: LLMCallUsage(provider: "anthropic", model: "gpt-4o", inputTokens: 5, outputTokens: 5), on: on) == nil)
        #expect(
            table.cost(
                for: LLMCallUsage(provider: "openai", model: "gpt-4.1", inputTokens: 5, outputTokens: 5),
                on: Self.date("2025-01-01")) == nil)
    }

    @Test("the price in force on the call's day applies")
    func startDates() throws {
        let table = try PricingTable.parse(
            yaml: """
                prices:
                  - {provider: openai, model: m, starts: 2025-01-01, input: 1.00, cached_input: 0.50, output: 2.00}
                  - {provider: openai, model: m, starts: 2025-03-01, input: 0.10, cached_input: 0.05, output: 0.20}
                """)
        let usage = LLMCallUsage(provider: "OpenAI", model: "M", inputTokens: 1_000_000, outputTokens: 1_000_000)
        #expect(table.cost(for: usage, on: Self.date("2024-12-31")) == nil)
        #expect(table.cost(for: usage, on: Self.date("2025-01-01")) == 3)
        #expect(table.cost(for: usage, on: Self.date("2025-02-28")) == 3)
        #expect(table.cost(for: usage, on: Self.date("2025-03-01")) == Self.decimal("0.3"))
    }

    @Test("malformed files are refused with the entry named")
    func badFiles() {
        #expect(throws: PricingTable.LoadError.self) { try PricingTable.parse(yaml: "models: []") }
        #expect(throws: PricingTable.LoadError.self) {
            try PricingTable.parse(yaml: "prices:\n  - {provider: openai, model: m, starts: 2025-01-01, input: 1e3, cached_input: 0, output: 1}")
        }
        #expect(throws: PricingTable.LoadError.self) {
            try PricingTable.parse(yaml: "prices:\n  - {provider: openai, model: m, starts: 2025-13-01, input: 1, cached_input: 0, output: 1}")
        }
    }

    @Test("snapshot suffixes fall back to the base name")
    func baseNames() {
        #expect(PricingTable.baseName(of: "gpt-4o-2024-08-06") == "gpt-4o")
        #expect(PricingTable.baseName(of: "claude-3-5-haiku-20241022") == "claude-3-5-haiku")
        #expect(PricingTable.baseName(of: "claude-3-5-sonnet-latest") == "claude-3-5-sonnet")
        #expect(PricingTable.baseName(of: "gpt-4o-mini") == nil)
    }

    @Test("question normalisation: lower case, whitespace collapsed, digits kept")
    func normalisation() {
        #expect(UsageEvent.normalize("  Top 5 Brands\tby   net sales\n ") == "top 5 brands by net sales")
        #expect(UsageEvent.normalize("TOP 10 brands?") == "top 10 brands?")
    }

    @Test("latency histogram buckets and percentile")
    func histogram() {
        #expect(LatencyHistogram.bucket(forMilliseconds: 0.5) == 0)
        #expect(LatencyHistogram.bucket(forMilliseconds: 1) == 1)
        #expect(LatencyHistogram.bucket(forMilliseconds: 1.2) == 1)
        #expect(LatencyHistogram.bucket(forMilliseconds: 1.25) == 2)
        #expect(LatencyHistogram.bucket(forMilliseconds: 1e9) == LatencyHistogram.bucketCount - 1)
        var h = LatencyHistogram()
        for ms in 1...100 { h.add(milliseconds: Double(ms)) }
        let p95 = h.percentile(0.95, maxMs: 100)!
        #expect(p95 >= 95 / 1.25 && p95 <= 95 * 1.25)
        #expect(h.percentile(1, maxMs: 100)! <= 100)
    }
}
