/// How to show one answer: the chosen chart (a Chart.js configuration, or a KPI card), the
/// result as a table, sentences about it, and the other kinds worth switching to.
public struct Visualization: Codable, Sendable, Hashable {
    /// The chosen kind.
    public var kind: ChartKind
    /// The Chart.js 3.9 configuration; `nil` for ``ChartKind/kpi`` and ``ChartKind/table``.
    public var chart: ChartConfiguration?
    /// The single number, for ``ChartKind/kpi``.
    public var kpi: KPICard?
    /// Always present, so a client can show the rows instead of the chart.
    public var table: TableView
    /// Sentences about the result, strongest first.
    public var annotations: [Annotation]
    /// The kinds that read well for this result, the chosen one first; a page offers them
    /// as a switch (a line may become bars, parts of a whole a doughnut, anything a table).
    public var alternatives: [ChartKind]

    /// Makes a visualization.
    public init(
        kind: ChartKind, chart: ChartConfiguration?, kpi: KPICard?, table: TableView, annotations: [Annotation],
        alternatives: [ChartKind]
    ) {
        self.kind = kind
        self.chart = chart
        self.kpi = kpi
        self.table = table
        self.annotations = annotations
        self.alternatives = alternatives
    }
}
