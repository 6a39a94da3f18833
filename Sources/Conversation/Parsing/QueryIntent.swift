public import Semantic
public import Warehouse

/// What a question asks for, in the parser's terms: kept between the turns of a conversation
/// so that a follow-up ("and Karnataka?") amends it, and turned into a Cube query on demand.
public struct QueryIntent: Sendable, Hashable, Codable {
    /// A period with its absolute dates and how it was put into words.
    public struct Period: Sendable, Hashable, Codable {
        /// First day, inclusive.
        public var from: SQLDate
        /// Last day, inclusive.
        public var to: SQLDate
        /// "1–31 May 2025".
        public var description: String
        /// The natural unit ("month" for last month), which a follow-up "and last year?" keeps.
        public var unit: String

        /// Makes a period.
        public init(from: SQLDate, to: SQLDate, description: String, unit: String) {
            self.from = from
            self.to = to
            self.description = description
            self.unit = unit
        }

        private enum CodingKeys: String, CodingKey { case from, to, description, unit }

        /// Decodes ISO dates.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            let fromText = try container.decode(String.self, forKey: .from)
            let toText = try container.decode(String.self, forKey: .to)
            guard let from = SQLDate(iso: fromText), let to = SQLDate(iso: toText) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .from, in: container, debugDescription: "dates must be YYYY-MM-DD")
            }
            self.from = from
            self.to = to
            description = try container.decode(String.self, forKey: .description)
            unit = try container.decode(String.self, forKey: .unit)
        }

        /// Encodes the dates as ISO text.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(from.description, forKey: .from)
            try container.encode(to.description, forKey: .to)
            try container.encode(description, forKey: .description)
            try container.encode(unit, forKey: .unit)
        }

        /// `["YYYY-MM-DD", "YYYY-MM-DD"]`, as Cube writes a date range.
        public var dateRange: CubeQuery.DateRange { .absolute(from.description, to.description) }

        /// The same dates a year earlier (29 February becomes 28 February).
        public func yearEarlier() -> Period {
            let start = Self.shiftYear(from, by: -1)
            let end = Self.shiftYear(to, by: -1)
            return Period(from: start, to: end, description: Self.describe(from: start, to: end), unit: unit)
        }

        static func shiftYear(_ date: SQLDate, by years: Int) -> SQLDate {
            let (y, m, d) = date.components
            return SQLDate(year: y + years, month: m, day: d) ?? SQLDate(year: y + years, month: m, day: d - 1)!
        }

        /// Words for a span: "30 Jun 2025", "1–31 May 2025", "1 Apr 2024 – 31 Mar 2025".
        public static func describe(from: SQLDate, to: SQLDate) -> String {
            TimeExpression.describe(from: from, to: to)
        }
    }

    /// A filter on one dimension's values.
    public struct ValueFilter: Sendable, Hashable, Codable {
        /// `Cube.member`.
        public var member: String
        /// The values as stored, in the order named.
        public var values: [String]

        /// Makes a filter.
        public init(member: String, values: [String]) {
            self.member = member
            self.values = values
        }
    }

    /// A ranking: top or bottom N by the first measure.
    public struct Ranking: Sendable, Hashable, Codable {
        /// `true` for top (descending), `false` for bottom.
        public var descending: Bool
        /// How many rows.
        public var limit: Int

        /// Makes a ranking.
        public init(descending: Bool, limit: Int) {
            self.descending = descending
            self.limit = limit
        }
    }

    /// Measures, `Cube.member`, in the order named.
    public var measures: [String] = []
    /// Grouping dimensions, in the order named.
    public var dimensions: [String] = []
    /// Value filters, one per dimension.
    public var filters: [ValueFilter] = []
    /// Segments.
    public var segments: [String] = []
    /// The time dimension the period and granularity apply to.
    public var timeDimension: String?
    /// The period asked about.
    public var period: Period?
    /// The period it is compared with.
    public var comparedPeriod: Period?
    /// Set for a trend.
    public var granularity: CubeQuery.Granularity?
    /// Set for top/bottom N.
    public var ranking: Ranking?

    /// An empty intent.
    public init() {}

    /// The Cube query this intent stands for, following docs/conversation.md: absolute date
    /// ranges (a comparison as `compareDateRange`), trends ordered by time, groupings by the
    /// first measure, a limit only for rankings.
    public var cubeQuery: CubeQuery {
        var timeDimensions: [CubeQuery.TimeDimension] = []
        if let timeDimension, period != nil || granularity != nil {
            var entry = CubeQuery.TimeDimension(dimension: timeDimension, granularity: granularity)
            if let period, let comparedPeriod {
                entry.compareDateRange = [period.dateRange, comparedPeriod.dateRange]
            } else if let period {
                entry.dateRange = period.dateRange
            }
            timeDimensions.append(entry)
        }
        var order: [CubeQuery.Order]?
        if let ranking, let measure = measures.first {
            order = [.init(measure, ranking.descending ? .desc : .asc)]
        } else if granularity != nil, let timeDimension {
            order = [.init(timeDimension, .asc)]
        } else if !dimensions.isEmpty, let measure = measures.first {
            order = [.init(measure, .desc)]
        }
        return CubeQuery(
            measures: measures, dimensions: dimensions, segments: segments, timeDimensions: timeDimensions,
            filters: filters.map { .member($0.member, .equals, $0.values) }, order: order,
            limit: ranking?.limit)
    }
}

extension QueryIntent {
    /// The intent a Cube query stands for, as far as intents can say it (for a query that did
    /// not come from the parser, such as an LLM's): equality filters, the first time
    /// dimension's absolute range or comparison, a single-measure order with a limit as a
    /// ranking. What it cannot say is left out; the query itself is what runs.
    public init(query: CubeQuery) {
        self.init()
        measures = query.measures
        dimensions = query.dimensions
        segments = query.segments
        for filter in query.filters {
            if case .member(let member, .equals, let values) = filter {
                filters.append(ValueFilter(member: member, values: values))
            }
        }
        func period(_ range: CubeQuery.DateRange?) -> Period? {
            guard case .absolute(let fromText, let toText) = range, let from = SQLDate(iso: fromText.prefix(10)),
                let to = SQLDate(iso: toText.prefix(10))
            else { return nil }
            return Period(from: from, to: to, description: Period.describe(from: from, to: to), unit: "custom")
        }
        if let time = query.timeDimensions.first {
            timeDimension = time.dimension
            granularity = time.granularity
            if let ranges = time.compareDateRange, ranges.count >= 2 {
                self.period = period(ranges[0])
                comparedPeriod = period(ranges[1])
            } else {
                self.period = period(time.dateRange)
            }
        }
        if let limit = query.limit, let order = query.order, order.count == 1, order[0].member == measures.first {
            ranking = Ranking(descending: order[0].direction == .desc, limit: limit)
        }
    }
}
