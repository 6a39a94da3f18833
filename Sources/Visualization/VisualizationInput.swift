public import Semantic
public import Warehouse

/// A query's result as the chart rules see it: what each column is, the rows, and the
/// compared period's rows when the question compared two periods.
public struct VisualizationInput: Sendable, Hashable {
    /// What a column holds.
    public enum Role: Sendable, Hashable {
        /// A category (brand, zone).
        case dimension
        /// A time dimension truncated to a granularity: a series over time.
        case time(CubeQuery.Granularity)
        /// A measure.
        case measure(MeasureTraits)
    }

    /// What the rules need to know about a measure.
    public struct MeasureTraits: Sendable, Hashable {
        /// Money, percent or a plain number (the Cube `format`).
        public var unit: NumberFormat.Unit
        /// `true` for Cube `sum` and `count` measures, whose rows add up to a whole.
        public var isAdditive: Bool
        /// `false` when a rise is bad news (`meta.up_is_good: false`, returns or discounts).
        public var upIsGood: Bool

        /// Makes traits.
        public init(unit: NumberFormat.Unit, isAdditive: Bool, upIsGood: Bool = true) {
            self.unit = unit
            self.isAdditive = isAdditive
            self.upIsGood = upIsGood
        }

        /// The traits of `measure` as the model defines it.
        public init(_ measure: Measure) {
            var upIsGood = true
            if case .bool(let good)? = measure.meta?["up_is_good"] { upIsGood = good }
            self.init(
                unit: NumberFormat.Unit(format: measure.format), isAdditive: measure.type == .sum || measure.type == .count,
                upIsGood: upIsGood)
        }
    }

    /// One result column.
    public struct Column: Sendable, Hashable {
        /// `Cube.member`.
        public var member: String
        /// The heading and legend text.
        public var title: String
        /// Category, time or measure.
        public var role: Role

        /// Makes a column.
        public init(member: String, title: String, role: Role) {
            self.member = member
            self.title = title
            self.role = role
        }

        /// The measure's traits, for a measure column.
        public var measure: MeasureTraits? {
            if case .measure(let traits) = role { return traits }
            return nil
        }
    }

    /// The compared period's rows (same columns) and the names of both periods.
    public struct Comparison: Sendable, Hashable {
        /// The compared period's rows.
        public var previousRows: [[Value]]
        /// The current period, as legends say it (`May 2025`).
        public var currentName: String
        /// The compared period (`April 2025`).
        public var previousName: String

        /// Makes a comparison.
        public init(previousRows: [[Value]], currentName: String, previousName: String) {
            self.previousRows = previousRows
            self.currentName = currentName
            self.previousName = previousName
        }
    }

    /// The columns in SELECT order.
    public var columns: [Column]
    /// The rows, one value per column.
    public var rows: [[Value]]
    /// The chart title (the question as understood).
    public var title: String
    /// The period the rows cover, when known (`May 2025`).
    public var period: String?
    /// The query's row limit: a ranking that returns `limit` rows is cut short, so its
    /// rows are not a whole.
    public var limit: Int?
    /// The compared period, if any.
    public var comparison: Comparison?

    /// Makes an input.
    public init(
        columns: [Column], rows: [[Value]], title: String, period: String? = nil, limit: Int? = nil,
        comparison: Comparison? = nil
    ) {
        self.columns = columns
        self.rows = rows
        self.title = title
        self.period = period
        self.limit = limit
        self.comparison = comparison
    }

    /// The input for a compiled query's result: column roles and measure traits from
    /// `model`, titles from `title` (the model's titles by default).
    public init(
        compiled: CompiledQuery, result: ResultSet, model: DataModel, title: String, period: String? = nil,
        limit: Int? = nil, comparison: Comparison? = nil, memberTitle: ((String) -> String)? = nil
    ) {
        let columns = compiled.columns.map { column -> Column in
            let (cubeName, name) = Self.split(column.member)
            let cube = model.cubes[cubeName]
            let role: Role =
                switch column.kind {
                case .measure:
                    .measure(cube?.measure(name).map { MeasureTraits($0) } ?? MeasureTraits(unit: .number, isAdditive: false))
                case .dimension: .dimension
                case .timeDimension(let granularity): .time(granularity)
                }
            let title =
                memberTitle?(column.member) ?? cube?.measure(name)?.title ?? cube?.dimension(name)?.title ?? name
            return Column(member: column.member, title: title, role: role)
        }
        self.init(columns: columns, rows: result.rows, title: title, period: period, limit: limit, comparison: comparison)
    }

    private static func split(_ member: String) -> (String, String) {
        guard let dot = member.firstIndex(of: ".") else { return (member, member) }
        return (String(member[..<dot]), String(member[member.index(after: dot)...]))
    }

    // MARK: Shape

    /// The positions of the category columns.
    var categoryIndices: [Int] { columns.indices.filter { columns[$0].role == .dimension } }
    /// The position of the time column, if any.
    var timeIndex: Int? {
        columns.indices.first { if case .time = columns[$0].role { true } else { false } }
    }
    /// The positions of the measure columns.
    var measureIndices: [Int] { columns.indices.filter { columns[$0].measure != nil } }

    /// A ranking cut short: as many rows as the limit allowed, so more were left out.
    var isCutShort: Bool { limit.map { rows.count >= $0 } ?? false }

    /// The text of a label cell: dates by granularity (`Jan 2025`, `Q1 2025`), NULL as "(none)".
    func label(_ value: Value, granularity: CubeQuery.Granularity? = nil) -> String {
        if let date = value.dateValue, value.stringValue == nil || granularity != nil {
            let c = date.components
            switch granularity {
            case .month: return "\(Self.monthAbbreviations[c.month - 1]) \(c.year)"
            case .quarter: return "Q\((c.month - 1) / 3 + 1) \(c.year)"
            case .year: return "\(c.year)"
            default: return date.description
            }
        }
        if value.isNull { return "(none)" }
        return value.stringValue ?? value.description
    }

    private static let monthAbbreviations = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
}
