/// Turns a result into a ``Visualization``: the chart ``ChartChoice`` picks, drawn as a
/// Chart.js configuration or a KPI card, the table, and the annotations, with numbers
/// written in the tenant's ``NumberFormat``.
public struct Visualizer: Sendable {
    /// How numbers are written.
    public var format: NumberFormat

    /// Makes a visualizer writing numbers in `format`.
    public init(format: NumberFormat = .india) {
        self.format = format
    }

    /// The visualization of `input`.
    public func visualize(_ input: VisualizationInput) -> Visualization {
        let kind = ChartChoice.kind(for: input)
        let composer = ChartComposer(input: input, format: format)
        return Visualization(
            kind: kind, chart: composer.chart(kind), kpi: kind == .kpi ? composer.kpi() : nil, table: composer.table(),
            annotations: Annotator(input: input, format: format).annotations(),
            alternatives: ChartChoice.alternatives(for: input, kind: kind))
    }
}
