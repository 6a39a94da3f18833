import Semantic
import Visualization
import Warehouse

/// Small results to visualize, built by hand.
enum Inputs {
    static let netSales = VisualizationInput.MeasureTraits(unit: .currency, isAdditive: true)
    static let quantity = VisualizationInput.MeasureTraits(unit: .number, isAdditive: true)
    static let returns = VisualizationInput.MeasureTraits(unit: .currency, isAdditive: true, upIsGood: false)
    static let averageOrder = VisualizationInput.MeasureTraits(unit: .currency, isAdditive: false)

    static func measure(_ member: String, _ title: String, _ traits: VisualizationInput.MeasureTraits = netSales)
        -> VisualizationInput.Column
    {
        .init(member: member, title: title, role: .measure(traits))
    }

    static func category(_ member: String, _ title: String) -> VisualizationInput.Column {
        .init(member: member, title: title, role: .dimension)
    }

    static let month = VisualizationInput.Column(member: "Transactions.transactionDate", title: "Transaction date", role: .time(.month))
    static let zone = category("Customers.zone", "Zone")
    static let brand = category("Products.brand", "Brand")
    static let sales = measure("Transactions.netSales", "Net sales")

    /// One category and net sales.
    static func breakdown(
        _ pairs: [(String, Value)], column: VisualizationInput.Column = zone, traits: VisualizationInput.MeasureTraits = netSales,
        limit: Int? = nil, title: String = "Net sales by zone, May 2025"
    ) -> VisualizationInput {
        VisualizationInput(
            columns: [column, measure("Transactions.netSales", "Net sales", traits)],
            rows: pairs.map { [.string($0.0), $0.1] }, title: title, period: "May 2025", limit: limit)
    }

    static func monthly(_ values: [Double], measures: [VisualizationInput.Column] = [sales]) -> VisualizationInput {
        VisualizationInput(
            columns: [month] + measures,
            rows: values.enumerated().map { index, value in
                [.date(SQLDate(year: 2025, month: index + 1, day: 1)!)] + measures.indices.map { .double(value * Double($0 + 1)) }
            },
            title: "Net sales by month, 2025")
    }
}
