/// A cube: a table or query of the warehouse with its members and joins.
public struct Cube: Sendable, Hashable {
    /// Where the cube's rows come from.
    public enum Source: Sendable, Hashable {
        /// `sql_table:`, a table name as written (possibly schema-qualified).
        case table(String)
        /// `sql:`, a SELECT statement.
        case sql(SQLTemplate)
    }

    /// The cube name, unique in the model.
    public var name: String
    /// The table or query.
    public var source: Source
    /// A human title, if given.
    public var title: String?
    /// A description, if given.
    public var description: String?
    /// `meta:` as written.
    public var meta: MetaValue?
    /// `false` when `public: false` (or `shown: false`).
    public var isPublic: Bool
    /// Declared joins, in file order.
    public var joins: [Join]
    /// Dimensions, in file order.
    public var dimensions: [Dimension]
    /// Measures, in file order.
    public var measures: [Measure]
    /// Segments, in file order.
    public var segments: [Segment]
    /// The file the cube came from, relative to the model folder's parent.
    public var file: String
    /// `pre_aggregations:`, in file order.
    public var preAggregations: [PreAggregation] = []

    /// What kind of member a name refers to, with its position in the member list.
    enum MemberSlot: Hashable {
        case dimension(Int)
        case measure(Int)
        case segment(Int)
    }

    private var index: [String: MemberSlot] = [:]

    /// Makes a cube; member names are indexed for lookup (later duplicates are not indexed).
    public init(
        name: String, source: Source, title: String? = nil, description: String? = nil, meta: MetaValue? = nil,
        isPublic: Bool = true, joins: [Join] = [], dimensions: [Dimension] = [], measures: [Measure] = [],
        segments: [Segment] = [], file: String
    ) {
        self.name = name
        self.source = source
        self.title = title
        self.description = description
        self.meta = meta
        self.isPublic = isPublic
        self.joins = joins
        self.dimensions = dimensions
        self.measures = measures
        self.segments = segments
        self.file = file
        reindex()
    }

    mutating func reindex() {
        index = [:]
        for (i, dimension) in dimensions.enumerated() where index[dimension.name] == nil {
            index[dimension.name] = .dimension(i)
        }
        for (i, measure) in measures.enumerated() where index[measure.name] == nil { index[measure.name] = .measure(i) }
        for (i, segment) in segments.enumerated() where index[segment.name] == nil { index[segment.name] = .segment(i) }
    }

    func slot(_ name: String) -> MemberSlot? { index[name] }

    /// The dimension named `name`, if any.
    public func dimension(_ name: String) -> Dimension? {
        if case .dimension(let i)? = index[name] { return dimensions[i] }
        return nil
    }

    /// The measure named `name`, if any.
    public func measure(_ name: String) -> Measure? {
        if case .measure(let i)? = index[name] { return measures[i] }
        return nil
    }

    /// The segment named `name`, if any.
    public func segment(_ name: String) -> Segment? {
        if case .segment(let i)? = index[name] { return segments[i] }
        return nil
    }

    /// Whether the cube has a dimension, measure or segment named `name`.
    public func hasMember(_ name: String) -> Bool { index[name] != nil }

    /// The primary-key dimensions, in file order (the compiler uses them against fan-out).
    public var primaryKeys: [Dimension] { dimensions.filter(\.primaryKey) }
}
