import Visualization

/// The answer's `visualization` field: a ``Visualization`` without its chart, which the
/// answer carries as its top-level `chart`; `kpi` is written as null when there is none.
struct VisualizationBody: Encodable {
    let visualization: Visualization

    init(_ visualization: Visualization) { self.visualization = visualization }

    private enum CodingKeys: String, CodingKey { case kind, kpi, table, annotations, alternatives }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(visualization.kind, forKey: .kind)
        try container.encode(visualization.kpi, forKey: .kpi)
        try container.encode(visualization.table, forKey: .table)
        try container.encode(visualization.annotations, forKey: .annotations)
        try container.encode(visualization.alternatives, forKey: .alternatives)
    }
}
