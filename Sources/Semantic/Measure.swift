/// A measure of a cube: an aggregate, or a `number` expression over other measures.
public struct Measure: Sendable, Hashable {
    /// How a measure aggregates.
    public enum MeasureType: String, Sendable, Hashable, CaseIterable {
        /// Counts rows (or non-null values of `sql`).
        case count
        /// Counts distinct values of `sql`.
        case countDistinct = "count_distinct"
        /// Counts distinct values approximately (HyperLogLog where the engine has it).
        case countDistinctApprox = "count_distinct_approx"
        /// Adds up `sql`.
        case sum
        /// Averages `sql`.
        case avg
        /// The smallest value of `sql`.
        case min
        /// The largest value of `sql`.
        case max
        /// An expression over other measures, not aggregated itself.
        case number

        /// Whether the measure aggregates rows itself (everything but `number`).
        public var isAggregate: Bool { self != .number }
    }

    /// The member name, unique within its cube.
    public var name: String
    /// How it aggregates.
    public var type: MeasureType
    /// The SQL expression; `nil` for a plain `count` (counts rows).
    public var sql: SQLTemplate?
    /// Conditions (each `{sql: …}`) that rows must meet to be aggregated.
    public var filters: [SQLTemplate]
    /// A human title, if given.
    public var title: String?
    /// A description, if given.
    public var description: String?
    /// `format:` (e.g. `currency`, `percent`), if given.
    public var format: String?
    /// `meta:` as written.
    public var meta: MetaValue?
    /// `false` when `public: false` (or `shown: false`) hides it from `/v1/meta`.
    public var isPublic: Bool

    /// Makes a measure.
    public init(
        name: String, type: MeasureType, sql: SQLTemplate? = nil, filters: [SQLTemplate] = [], title: String? = nil,
        description: String? = nil, format: String? = nil, meta: MetaValue? = nil, isPublic: Bool = true
    ) {
        self.name = name
        self.type = type
        self.sql = sql
        self.filters = filters
        self.title = title
        self.description = description
        self.format = format
        self.meta = meta
        self.isPublic = isPublic
    }

    /// The words people use for this measure (`meta.synonyms`).
    public var synonyms: [String] { meta?["synonyms"]?.strings ?? [] }
}
