public import Semantic

/// The kinds of context a sales question can carry; a broad question lacks some of them.
public enum ContextKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A period.
    case time
    /// Brands, categories, products.
    case products
    /// States, cities, zones.
    case geography
    /// Primary (sell-in) or secondary (sell-out) sales.
    case salesType = "sales_type"
    /// Channels, outlet or distributor names, segments.
    case customers
}

/// A question as the parser understood it.
public struct ParsedQuestion: Sendable {
    /// The question as asked.
    public var question: String
    /// What it asks for (merged with the previous turn's intent for a follow-up).
    public var intent: QueryIntent
    /// Whether it amended the previous turn's query.
    public var isFollowUp: Bool
    /// Whether the measures came from the question (or the previous turn) rather than the default.
    public var measureNamed: Bool
    /// The contexts the question (with the previous turn) names.
    public var present: Set<ContextKind>
    /// Whether a measure needs a period that is not there.
    public var needsPeriod: Bool
    /// Words neither understood nor common English, as typed.
    public var unrecognized: [String]
    /// Things wrong with what was understood ("31 February 2025 is not a date").
    public var problems: [String]
    /// 0...1: 1 when every phrase matched exactly; lower for typos, defaults and leftovers.
    public var confidence: Double
    /// Whether anything at all was recognised (a measure, dimension, value, segment or period).
    public var recognisedAnything: Bool
    /// "top 5" with nothing named to rank.
    public var rankingLacksSubject: Bool

    /// The Cube query the question stands for.
    public var query: CubeQuery { intent.cubeQuery }

    /// The contexts it does not name, in ``ContextKind`` order.
    public var missing: [ContextKind] { ContextKind.allCases.filter { !present.contains($0) } }
}
