public import Foundation
public import Warehouse
import Yams

/// LLM list prices per million tokens, by provider, model and start date, read from
/// `config/llm_pricing.yaml`.
///
/// Cost of one call, in exact decimal arithmetic (Foundation `Decimal`, never `Double`):
///
///     ((input − cached) × input_price + cached × cached_input_price + output × output_price) / 1,000,000
///
/// where `input` counts every input token, cached ones included (see ``LLMCallUsage``).
/// The price that applies is the entry with the latest `starts` on or before the call's
/// UTC day. A model reported with a snapshot suffix (`gpt-4o-2024-08-06`,
/// `claude-3-5-haiku-20241022`, `…-latest`) takes the price of its base name when the
/// table has no entry for the full name; any other unknown model has no price
/// (`cost` returns nil) and is recorded with its tokens and flagged as unpriced.
public struct PricingTable: Sendable {
    /// One price, valid from `starts` until the next entry for the same model.
    public struct Price: Sendable, Hashable {
        /// `openai`, `azure_openai` or `anthropic`.
        public var provider: String
        /// The model name (lower-cased).
        public var model: String
        /// The first UTC day the price applies.
        public var starts: SQLDate
        /// USD per million uncached input tokens.
        public var input: Decimal
        /// USD per million cached input tokens.
        public var cachedInput: Decimal
        /// USD per million output tokens.
        public var output: Decimal

        /// Makes a price.
        public init(provider: String, model: String, starts: SQLDate, input: Decimal, cachedInput: Decimal, output: Decimal) {
            self.provider = provider
            self.model = model
            self.starts = starts
            self.input = input
            self.cachedInput = cachedInput
            self.output = output
        }
    }

    /// What went wrong reading a pricing file.
    public struct LoadError: Error, CustomStringConvertible {
        /// The problem, naming the file and entry.
        public var description: String
    }

    /// Every price, sorted by provider, model and start date.
    public let prices: [Price]
    private let byModel: [String: [Price]]

    /// A table of the given prices.
    public init(prices: [Price]) {
        self.prices = prices.sorted { ($0.provider, $0.model, $0.starts) < ($1.provider, $1.model, $1.starts) }
        var byModel: [String: [Price]] = [:]
        for price in self.prices { byModel[Self.key(price.provider, price.model), default: []].append(price) }
        self.byModel = byModel
    }

    /// A table with no prices: every LLM call is recorded as unpriced.
    public static let empty = PricingTable(prices: [])

    /// Reads a pricing file:
    ///
    /// ```yaml
    /// prices:
    ///   - provider: openai
    ///     model: gpt-4o
    ///     starts: 2024-10-01
    ///     input: 2.50          # USD per 1M input tokens
    ///     cached_input: 1.25   # USD per 1M cached input tokens
    ///     output: 10.00        # USD per 1M output tokens
    /// ```
    ///
    /// Prices are read from the YAML text as written, never through a binary double.
    public static func load(path: String) throws -> PricingTable {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw LoadError(description: "cannot read the pricing file \(path): \(error.localizedDescription)")
        }
        return try parse(yaml: text, source: path)
    }

    /// Parses the text of a pricing file; `source` names it in errors.
    public static func parse(yaml: String, source: String = "pricing") throws -> PricingTable {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw LoadError(description: "\(source) is not valid YAML: \(error)")
        }
        guard let entries = root?["prices"]?.sequence else {
            throw LoadError(description: "\(source) has no 'prices' list")
        }
        var prices: [Price] = []
        var seen: Set<String> = []
        for (index, entry) in entries.enumerated() {
            func text(_ key: String) throws -> String {
                guard let value = entry[key]?.scalar?.string, !value.isEmpty else {
                    throw LoadError(description: "\(source): price \(index + 1) has no '\(key)'")
                }
                return value
            }
            func amount(_ key: String) throws -> Decimal {
                let raw = try text(key)
                guard SQLDecimal(raw) != nil, let value = Decimal(string: raw, locale: Locale(identifier: "en_US_POSIX")),
                    value >= 0
                else {
                    throw LoadError(description: "\(source): price \(index + 1) has '\(key): \(raw)', not a decimal number ≥ 0")
                }
                return value
            }
            let provider = try text("provider").lowercased()
            let model = try text("model").lowercased()
            let startsText = try text("starts")
            guard let starts = SQLDate(iso: startsText) else {
                throw LoadError(description: "\(source): price \(index + 1) has 'starts: \(startsText)', not YYYY-MM-DD")
            }
            guard seen.insert("\(provider)|\(model)|\(starts)").inserted else {
                throw LoadError(description: "\(source): \(provider) \(model) has two prices starting \(starts)")
            }
            prices.append(
                Price(
                    provider: provider, model: model, starts: starts, input: try amount("input"),
                    cachedInput: try amount("cached_input"), output: try amount("output")))
        }
        return PricingTable(prices: prices)
    }

    /// The price of `model` on `day`; nil when the model is unknown or the day is before its first price.
    public func price(provider: String, model: String, on day: SQLDate) -> Price? {
        let provider = provider.lowercased()
        let model = model.lowercased()
        let candidates = byModel[Self.key(provider, model)] ?? Self.baseName(of: model).flatMap { byModel[Self.key(provider, $0)] }
        return candidates?.last { $0.starts <= day }
    }

    /// The cost of one call in USD, exact; nil for an unknown model (never a silent zero).
    public func cost(for usage: LLMCallUsage, on date: Date) -> Decimal? {
        guard let price = price(provider: usage.provider, model: usage.model, on: Self.utcDay(date)) else { return nil }
        return Self.cost(for: usage, at: price)
    }

    /// The cost of one call at a given price: uncached input, cached input and output
    /// tokens each times their price per million, divided by 1,000,000, in `Decimal`.
    public static func cost(for usage: LLMCallUsage, at price: Price) -> Decimal {
        let cached = max(0, min(usage.cachedInputTokens, usage.inputTokens))
        let uncached = usage.inputTokens - cached
        let perMillion =
            Decimal(uncached) * price.input + Decimal(cached) * price.cachedInput + Decimal(usage.outputTokens) * price.output
        return perMillion / Decimal(1_000_000)
    }

    /// The UTC calendar day of an instant.
    static func utcDay(_ date: Date) -> SQLDate {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        return utcDay(milliseconds: milliseconds)
    }

    static func utcDay(milliseconds: Int64) -> SQLDate {
        let days = milliseconds >= 0 ? milliseconds / 86_400_000 : (milliseconds - 86_399_999) / 86_400_000
        return SQLDate(daysSinceEpoch: Int32(days))
    }

    private static func key(_ provider: String, _ model: String) -> String { provider + "|" + model }

    /// `gpt-4o-2024-08-06` → `gpt-4o`; `claude-3-5-haiku-20241022` → `claude-3-5-haiku`;
    /// `x-latest` → `x`; nil when the name has no snapshot suffix.
    static func baseName(of model: String) -> String? {
        if model.hasSuffix("-latest") { return String(model.dropLast("-latest".count)) }
        let parts = model.split(separator: "-", omittingEmptySubsequences: false)
        func isDigits(_ part: Substring, _ count: Int) -> Bool { part.count == count && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber) }
        if parts.count > 3, isDigits(parts[parts.count - 3], 4), isDigits(parts[parts.count - 2], 2),
            isDigits(parts[parts.count - 1], 2)
        {
            return parts.dropLast(3).joined(separator: "-")
        }
        if parts.count > 1, isDigits(parts[parts.count - 1], 8) { return parts.dropLast().joined(separator: "-") }
        return nil
    }
}
