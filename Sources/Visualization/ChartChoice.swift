import Warehouse

/// The chart rules (docs/visualization.md): which ``ChartKind`` reads best for a result, and
/// which others make sense to switch to. Pure functions of the input.
public enum ChartChoice {
    /// Bars turn horizontal past this many labels.
    static let maximumVerticalBars = 8
    /// ... or when labels are this long on average ...
    static let maximumAverageLabelLength = 14
    /// ... or when any label is longer than this.
    static let maximumLabelLength = 24
    /// A doughnut has at most this many slices.
    static let maximumSlices = 6
    /// A series over time splits into at most this many lines, one per category.
    static let maximumLines = 8

    /// The kind for `input`:
    /// - no rows or no measure → table;
    /// - more than 3 measures, more than one category, or a category with a time series and
    ///   more than one measure → table;
    /// - a time series → line (a category → one line per value, up to 8, else table; measures
    ///   in more than two units → table);
    /// - no category → kpi for one row of one measure, else table;
    /// - one category: compared periods → groupedBar (one measure, else table); one measure →
    ///   doughnut for the parts of a whole, else bar, horizontalBar for many or long labels;
    ///   two or three measures → groupedBar when they share a unit, else dualAxis (two) or table.
    public static func kind(for input: VisualizationInput) -> ChartKind {
        let measures = input.measureIndices
        let categories = input.categoryIndices
        guard !input.rows.isEmpty, !measures.isEmpty, measures.count <= 3, categories.count <= 1 else { return .table }
        let units = Set(measures.compactMap { input.columns[$0].measure?.unit })
        if input.timeIndex != nil {
            if let category = categories.first {
                guard measures.count == 1, input.comparison == nil else { return .table }
                let values = Set(input.rows.map { input.label($0[category]) })
                return values.count <= maximumLines ? .line : .table
            }
            return units.count <= 2 ? .line : .table
        }
        guard let category = categories.first else {
            return input.rows.count == 1 && measures.count == 1 ? .kpi : .table
        }
        if input.comparison != nil { return measures.count == 1 ? .groupedBar : .table }
        switch measures.count {
        case 1:
            if isPartOfWhole(input, measure: measures[0]) { return .doughnut }
            return needsHorizontalBars(input.rows.map { input.label($0[category]) }) ? .horizontalBar : .bar
        case 2:
            return units.count == 1 ? .groupedBar : .dualAxis
        default:
            return units.count == 1 ? .groupedBar : .table
        }
    }

    /// The kinds worth offering for `input` drawn as `kind`, `kind` first: a line may show
    /// as bars, bars of a whole as a doughnut (and back), anything as a table.
    public static func alternatives(for input: VisualizationInput, kind: ChartKind) -> [ChartKind] {
        switch kind {
        case .table: return [.table]
        case .kpi: return [.kpi, .table]
        case .line: return input.categoryIndices.isEmpty ? [.line, .bar, .table] : [.line, .table]
        case .doughnut: return [.doughnut, .bar, .table]
        case .bar, .horizontalBar:
            let whole = input.measureIndices.first.map { isPartOfWhole(input, measure: $0) } ?? false
            return [kind] + (whole ? [.doughnut] : []) + [.table]
        case .groupedBar, .dualAxis: return [kind, .table]
        }
    }

    /// The rows are the parts of a whole: an additive measure, every value present and
    /// not negative, 2 to 6 rows, and not a ranking cut short by its limit.
    static func isPartOfWhole(_ input: VisualizationInput, measure: Int) -> Bool {
        guard input.comparison == nil, input.timeIndex == nil, input.categoryIndices.count == 1,
            input.measureIndices.count == 1, input.columns[measure].measure?.isAdditive == true,
            (2...maximumSlices).contains(input.rows.count), !input.isCutShort
        else { return false }
        return input.rows.allSatisfy { row in row[measure].doubleValue.map { $0 >= 0 && $0.isFinite } ?? false }
            && input.rows.contains { ($0[measure].doubleValue ?? 0) > 0 }
    }

    /// Many labels (more than 8) or long ones (more than 14 characters on average, or any
    /// longer than 24) read better along the y axis.
    static func needsHorizontalBars(_ labels: [String]) -> Bool {
        guard !labels.isEmpty else { return false }
        let lengths = labels.map(\.count)
        return labels.count > maximumVerticalBars
            || Double(lengths.reduce(0, +)) / Double(labels.count) > Double(maximumAverageLabelLength)
            || lengths.contains { $0 > maximumLabelLength }
    }
}
