/// What an answer is drawn as. Encoded as its name (`line`, `horizontalBar`, …).
public enum ChartKind: String, Codable, Sendable, Hashable, CaseIterable {
    /// A series over time: one line per measure, period or category.
    case line
    /// One measure by one category, vertical bars.
    case bar
    /// Bars along the y axis (Chart.js `indexAxis: "y"`), for many or long labels.
    case horizontalBar
    /// The parts of a whole: few, non-negative parts of an additive measure.
    case doughnut
    /// Several measures of one unit, or two periods, side by side per category.
    case groupedBar
    /// Two measures of different units: bars on the left axis, a line on the right.
    case dualAxis
    /// A single number, with its change against the previous period when compared.
    case kpi
    /// Rows and columns, when no chart reads well.
    case table
}
