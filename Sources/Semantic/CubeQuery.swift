/// A query in Cube's REST JSON format (`/cubejs-api/v1/load`), decoded exactly as Cube reads it.
///
/// Decoding problems are thrown as ``SemanticError`` with code ``SemanticError/Code/invalidQuery``
/// so that a caller can answer 400 with the message.
public struct CubeQuery: Sendable, Hashable, Codable {
    /// Sort direction of an `order` entry.
    public enum Direction: String, Sendable, Hashable, Codable {
        /// Ascending.
        case asc
        /// Descending.
        case desc
    }

    /// One `order` entry, in the order written.
    public struct Order: Sendable, Hashable {
        /// The member to sort by (`Cube.member`).
        public var member: String
        /// The direction.
        public var direction: Direction

        /// Makes an order entry.
        public init(_ member: String, _ direction: Direction) {
            self.member = member
            self.direction = direction
        }
    }

    /// A `dateRange`: two absolute bounds or one of Cube's relative phrases.
    public enum DateRange: Sendable, Hashable, Codable {
        /// `[from, to]`, both inclusive.
        case absolute(String, String)
        /// A phrase such as `last 7 days`, resolved against the query's date.
        case relative(String)

        /// Decodes a two-element array or a string.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .relative(text)
            } else if let pair = try? container.decode([String].self), pair.count == 2 {
                self = .absolute(pair[0], pair[1])
            } else {
                throw SemanticError(.invalidQuery, "dateRange must be [from, to] or a relative string such as \"last 7 days\"")
            }
        }

        /// Encodes as Cube writes it.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .absolute(let from, let to): try container.encode([from, to])
            case .relative(let text): try container.encode(text)
            }
        }
    }

    /// One `timeDimensions` entry.
    public struct TimeDimension: Sendable, Hashable, Codable {
        /// The time dimension (`Cube.member`).
        public var dimension: String
        /// The truncation, or `nil` to filter only.
        public var granularity: Granularity?
        /// The range to keep, if any.
        public var dateRange: DateRange?
        /// Cube's period comparison: the same query once per range, in this order (current
        /// period first). Compiled by expanding into one query per range, see
        /// ``CubeQuery/comparedQueries()``.
        public var compareDateRange: [DateRange]?

        /// Makes an entry.
        public init(
            dimension: String, granularity: Granularity? = nil, dateRange: DateRange? = nil,
            compareDateRange: [DateRange]? = nil
        ) {
            self.dimension = dimension
            self.granularity = granularity
            self.dateRange = dateRange
            self.compareDateRange = compareDateRange
        }

        private enum CodingKeys: String, CodingKey { case dimension, granularity, dateRange, compareDateRange }

        /// Decodes, naming an unknown granularity.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            dimension = try container.decode(String.self, forKey: .dimension)
            if let text = try container.decodeIfPresent(String.self, forKey: .granularity) {
                guard let value = Granularity(rawValue: text) else {
                    throw SemanticError(.invalidQuery, member: dimension, "unknown granularity '\(text)'")
                }
                granularity = value
            }
            dateRange = try container.decodeIfPresent(DateRange.self, forKey: .dateRange)
            compareDateRange = try container.decodeIfPresent([DateRange].self, forKey: .compareDateRange)
            if let compareDateRange {
                guard dateRange == nil else {
                    throw SemanticError(.invalidQuery, member: dimension, "give dateRange or compareDateRange, not both")
                }
                guard compareDateRange.count >= 2 else {
                    throw SemanticError(.invalidQuery, member: dimension, "compareDateRange needs at least two date ranges")
                }
            }
        }
    }

    /// A time truncation.
    public enum Granularity: String, Sendable, Hashable, Codable, CaseIterable {
        /// To the second.
        case second
        /// To the minute.
        case minute
        /// To the hour.
        case hour
        /// To the day.
        case day
        /// To the ISO week (starting Monday).
        case week
        /// To the month.
        case month
        /// To the quarter.
        case quarter
        /// To the year.
        case year
    }

    /// Cube's filter operators.
    public enum Operator: String, Sendable, Hashable, Codable, CaseIterable {
        /// Equal to one of the values (`IN` for several).
        case equals
        /// Not equal to any of the values, NULL included (as Cube).
        case notEquals
        /// Contains any of the values, ignoring case.
        case contains
        /// Contains none of the values, ignoring case; NULL included.
        case notContains
        /// Starts with any of the values, ignoring case.
        case startsWith
        /// Starts with none of the values, ignoring case; NULL included.
        case notStartsWith
        /// Ends with any of the values, ignoring case.
        case endsWith
        /// Ends with none of the values, ignoring case; NULL included.
        case notEndsWith
        /// Greater than the value.
        case gt
        /// Greater than or equal to the value.
        case gte
        /// Less than the value.
        case lt
        /// Less than or equal to the value.
        case lte
        /// Not NULL.
        case set
        /// NULL.
        case notSet
        /// Within `[from, to]`, both days inclusive.
        case inDateRange
        /// Outside `[from, to]`.
        case notInDateRange
        /// Before the day.
        case beforeDate
        /// On or before the day.
        case beforeOrOnDate
        /// After the day.
        case afterDate
        /// On or after the day.
        case afterOrOnDate
    }

    /// A filter: a member condition or a nested `and` / `or`.
    public indirect enum Filter: Sendable, Hashable, Codable {
        /// `{member, operator, values}` (`dimension` is accepted for `member`).
        case member(String, Operator, [String])
        /// All of the filters.
        case and([Filter])
        /// Any of the filters.
        case or([Filter])

        private enum CodingKeys: String, CodingKey { case member, dimension, `operator`, values, and, or }

        /// Decodes Cube's filter object; values may be strings, numbers or booleans.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let items = try container.decodeIfPresent([Filter].self, forKey: .and) {
                self = .and(items)
                return
            }
            if let items = try container.decodeIfPresent([Filter].self, forKey: .or) {
                self = .or(items)
                return
            }
            guard let member = try container.decodeIfPresent(String.self, forKey: .member)
                ?? container.decodeIfPresent(String.self, forKey: .dimension)
            else { throw SemanticError(.invalidQuery, "a filter needs member (or dimension), or and/or") }
            guard let text = try container.decodeIfPresent(String.self, forKey: .operator) else {
                throw SemanticError(.invalidQuery, member: member, "filter has no operator")
            }
            guard let op = Operator(rawValue: text) else {
                throw SemanticError(.invalidQuery, member: member, "unknown filter operator '\(text)'")
            }
            var values: [String] = []
            if container.contains(.values) {
                let raw = try container.decode([MetaValue].self, forKey: .values)
                values = try raw.map { value in
                    switch value {
                    case .string(let s): return s
                    case .integer(let i): return String(i)
                    case .number(let d): return String(d)
                    case .bool(let b): return String(b)
                    default: throw SemanticError(.invalidQuery, member: member, "filter values must be scalars")
                    }
                }
            }
            self = .member(member, op, values)
        }

        /// Encodes in Cube's shape.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .member(let member, let op, let values):
                try container.encode(member, forKey: .member)
                try container.encode(op.rawValue, forKey: .operator)
                if !values.isEmpty { try container.encode(values, forKey: .values) }
            case .and(let items): try container.encode(items, forKey: .and)
            case .or(let items): try container.encode(items, forKey: .or)
            }
        }
    }

    /// Measures to aggregate.
    public var measures: [String]
    /// Dimensions to group by.
    public var dimensions: [String]
    /// Segments to apply.
    public var segments: [String]
    /// Time dimensions with granularity and range.
    public var timeDimensions: [TimeDimension]
    /// Filters, all of which must hold.
    public var filters: [Filter]
    /// Sort order; `nil` means Cube's default order.
    public var order: [Order]?
    /// Row limit; `nil` means the default.
    public var limit: Int?
    /// Rows to skip.
    public var offset: Int?
    /// Whether to count all rows too.
    public var total: Bool
    /// Whether to return raw rows without grouping.
    public var ungrouped: Bool
    /// The time zone; only UTC is supported.
    public var timezone: String?

    /// Makes a query.
    public init(
        measures: [String] = [], dimensions: [String] = [], segments: [String] = [],
        timeDimensions: [TimeDimension] = [], filters: [Filter] = [], order: [Order]? = nil, limit: Int? = nil,
        offset: Int? = nil, total: Bool = false, ungrouped: Bool = false, timezone: String? = nil
    ) {
        self.measures = measures
        self.dimensions = dimensions
        self.segments = segments
        self.timeDimensions = timeDimensions
        self.filters = filters
        self.order = order
        self.limit = limit
        self.offset = offset
        self.total = total
        self.ungrouped = ungrouped
        self.timezone = timezone
    }

    private enum CodingKeys: String, CodingKey {
        case measures, dimensions, segments, timeDimensions, filters, order, limit, offset, total, ungrouped, timezone
    }

    /// A JSON object key of any name, to read `order` in written key order.
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Decodes Cube's query JSON.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        measures = try c.decodeIfPresent([String].self, forKey: .measures) ?? []
        dimensions = try c.decodeIfPresent([String].self, forKey: .dimensions) ?? []
        segments = try c.decodeIfPresent([String].self, forKey: .segments) ?? []
        timeDimensions = try c.decodeIfPresent([TimeDimension].self, forKey: .timeDimensions) ?? []
        filters = try c.decodeIfPresent([Filter].self, forKey: .filters) ?? []
        limit = try c.decodeIfPresent(Int.self, forKey: .limit)
        offset = try c.decodeIfPresent(Int.self, forKey: .offset)
        total = try c.decodeIfPresent(Bool.self, forKey: .total) ?? false
        ungrouped = try c.decodeIfPresent(Bool.self, forKey: .ungrouped) ?? false
        timezone = try c.decodeIfPresent(String.self, forKey: .timezone)
        order = nil
        if c.contains(.order) {
            if let pairs = try? c.decode([[String]].self, forKey: .order) {
                order = try pairs.map { pair in
                    guard pair.count == 2 else {
                        throw SemanticError(.invalidQuery, "order entries must be [member, direction]")
                    }
                    return Order(pair[0], try Self.direction(pair[1], member: pair[0]))
                }
            } else {
                // Cube's object form: JSON key order is the sort priority, so read the keys
                // as the decoder lists them instead of through a dictionary.
                let object = try c.nestedContainer(keyedBy: AnyKey.self, forKey: .order)
                order = try object.allKeys.map { key in
                    Order(key.stringValue, try Self.direction(object.decode(String.self, forKey: key), member: key.stringValue))
                }
            }
        }
    }

    private static func direction(_ text: String, member: String) throws -> Direction {
        guard let direction = Direction(rawValue: text.lowercased()) else {
            throw SemanticError(.invalidQuery, member: member, "order direction must be asc or desc, not '\(text)'")
        }
        return direction
    }

    /// Encodes in Cube's shape (order as the array form, which keeps its order everywhere).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !measures.isEmpty { try c.encode(measures, forKey: .measures) }
        if !dimensions.isEmpty { try c.encode(dimensions, forKey: .dimensions) }
        if !segments.isEmpty { try c.encode(segments, forKey: .segments) }
        if !timeDimensions.isEmpty { try c.encode(timeDimensions, forKey: .timeDimensions) }
        if !filters.isEmpty { try c.encode(filters, forKey: .filters) }
        if let order { try c.encode(order.map { [$0.member, $0.direction.rawValue] }, forKey: .order) }
        try c.encodeIfPresent(limit, forKey: .limit)
        try c.encodeIfPresent(offset, forKey: .offset)
        if total { try c.encode(total, forKey: .total) }
        if ungrouped { try c.encode(ungrouped, forKey: .ungrouped) }
        try c.encodeIfPresent(timezone, forKey: .timezone)
    }
}

extension CubeQuery {
    /// The queries a `compareDateRange` stands for, one per range in the given order, each
    /// with that range as its `dateRange`; a query without one is returned alone.
    public func comparedQueries() -> [CubeQuery] {
        guard let position = timeDimensions.firstIndex(where: { $0.compareDateRange != nil }),
            let ranges = timeDimensions[position].compareDateRange
        else { return [self] }
        return ranges.map { range in
            var query = self
            query.timeDimensions[position].compareDateRange = nil
            query.timeDimensions[position].dateRange = range
            return query
        }
    }
}
