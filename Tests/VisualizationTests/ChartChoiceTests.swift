import Semantic
import Testing
import Visualization
import Warehouse

@Suite("Chart choice")
struct ChartChoiceTests {
    private let fiveZones: [(String, Value)] = [
        ("North", 500), ("South", 400), ("West", 300), ("East", 200), ("Central", 100),
    ]

    @Test func aSeriesOverTimeIsALine() {
        let input = Inputs.monthly([10, 12, 11, 13, 15, 14])
        #expect(ChartChoice.kind(for: input) == .line)
        #expect(ChartChoice.alternatives(for: input, kind: .line) == [.line, .bar, .table])
    }

    @Test func twoUnitsOverTimeAreTwoAxes() throws {
        let input = Inputs.monthly(
            [10, 12, 11], measures: [Inputs.sales, Inputs.measure("Transactions.totalQuantity", "Quantity", Inputs.quantity)])
        #expect(ChartChoice.kind(for: input) == .line)
        let chart = try #require(Visualizer().visualize(input).chart)
        #expect(chart.data.datasets.map(\.yAxisID) == [nil, "y1"])
        #expect(chart.options.scales?["y1"]?.position == "right")
        #expect(chart.options.scales?["y"]?.position == "left")
    }

    @Test func partsOfAWholeAreADoughnut() {
        let input = Inputs.breakdown(fiveZones)
        #expect(ChartChoice.kind(for: input) == .doughnut)
        #expect(ChartChoice.alternatives(for: input, kind: .doughnut) == [.doughnut, .bar, .table])
    }

    @Test func sevenPartsAreBars() {
        let input = Inputs.breakdown(fiveZones + [("Islands", 50), ("Online", 20)])
        #expect(ChartChoice.kind(for: input) == .bar)
        #expect(ChartChoice.alternatives(for: input, kind: .bar) == [.bar, .table])
    }

    @Test func aNegativeValueStopsADoughnut() {
        let input = Inputs.breakdown([("North", 500), ("South", -40), ("West", 300)])
        #expect(ChartChoice.kind(for: input) == .bar)
    }

    @Test func aMissingValueStopsADoughnut() {
        let input = Inputs.breakdown([("North", 500), ("South", nil), ("West", 300)])
        #expect(ChartChoice.kind(for: input) == .bar)
        #expect(Visualizer().visualize(input).chart?.data.datasets[0].data == [500, nil, 300])
    }

    @Test func anAverageIsNoWhole() {
        let input = Inputs.breakdown(fiveZones, traits: Inputs.averageOrder)
        #expect(ChartChoice.kind(for: input) == .bar)
    }

    @Test func aRankingCutShortByItsLimitIsNoWhole() {
        #expect(ChartChoice.kind(for: Inputs.breakdown(fiveZones, limit: 5)) == .bar)
        // Fewer rows than the limit: every row is there, the rows are the whole.
        #expect(ChartChoice.kind(for: Inputs.breakdown(fiveZones, limit: 10)) == .doughnut)
    }

    @Test func manyLabelsAreHorizontalBars() {
        let brands = (1...9).map { ("Brand \($0)", Value.double(Double(100 - $0))) }
        let input = Inputs.breakdown(brands, column: Inputs.brand, limit: 10)
        #expect(ChartChoice.kind(for: input) == .horizontalBar)
        #expect(Visualizer().visualize(input).chart?.options.indexAxis == "y")
        #expect(ChartChoice.kind(for: Inputs.breakdown(Array(brands.prefix(8)), column: Inputs.brand, limit: 8)) == .bar)
    }

    @Test func longLabelsAreHorizontalBars() {
        let oneLong: [(String, Value)] = [("A", 1), ("B", 2), ("Sunfeast Dark Fantasy Choco Fills", 3)]
        #expect(ChartChoice.kind(for: Inputs.breakdown(oneLong, limit: 3)) == .horizontalBar)
        let longOnAverage: [(String, Value)] = [("Aashirvaad Atta 10kg", 1), ("Bingo Mad Angles 90g", 2), ("Yippee Noodles", 3)]
        #expect(ChartChoice.kind(for: Inputs.breakdown(longOnAverage, limit: 3)) == .horizontalBar)
        let short: [(String, Value)] = [("Aashirvaad", 1), ("Bingo!", 2), ("Yippee!", 3)]
        #expect(ChartChoice.kind(for: Inputs.breakdown(short, limit: 3)) == .bar)
    }

    @Test func twoMeasuresByCategory() {
        let rows: [[Value]] = [["North", 500, 40], ["South", 400, 30]]
        let sameUnit = VisualizationInput(
            columns: [Inputs.zone, Inputs.sales, Inputs.measure("Transactions.grossSales", "Gross sales")], rows: rows, title: "t")
        #expect(ChartChoice.kind(for: sameUnit) == .groupedBar)
        let twoUnits = VisualizationInput(
            columns: [Inputs.zone, Inputs.sales, Inputs.measure("Transactions.totalQuantity", "Quantity", Inputs.quantity)],
            rows: rows, title: "t")
        #expect(ChartChoice.kind(for: twoUnits) == .dualAxis)
        #expect(ChartChoice.alternatives(for: twoUnits, kind: .dualAxis) == [.dualAxis, .table])
    }

    @Test func aSingleValueIsAKPI() {
        let input = VisualizationInput(columns: [Inputs.sales], rows: [[1_23_45_678]], title: "Net sales, May 2025")
        #expect(ChartChoice.kind(for: input) == .kpi)
        #expect(ChartChoice.alternatives(for: input, kind: .kpi) == [.kpi, .table])
        #expect(Visualizer().visualize(input).chart == nil)
    }

    @Test func manyColumnsAreATable() {
        let four = VisualizationInput(
            columns: [Inputs.zone] + (1...4).map { Inputs.measure("Transactions.m\($0)", "M\($0)") },
            rows: [["North", 1, 2, 3, 4]], title: "t")
        #expect(ChartChoice.kind(for: four) == .table)
        let twoCategories = VisualizationInput(
            columns: [Inputs.zone, Inputs.brand, Inputs.sales], rows: [["North", "Bingo!", 1]], title: "t")
        #expect(ChartChoice.kind(for: twoCategories) == .table)
        #expect(ChartChoice.alternatives(for: twoCategories, kind: .table) == [.table])
    }

    @Test func aSeriesByAFewCategoriesIsOneLineEach() throws {
        let rows: [[Value]] = [
            [.date(SQLDate(year: 2025, month: 1, day: 1)!), "North", 10], [.date(SQLDate(year: 2025, month: 1, day: 1)!), "South", 30],
            [.date(SQLDate(year: 2025, month: 2, day: 1)!), "North", 12], [.date(SQLDate(year: 2025, month: 2, day: 1)!), "South", 28],
        ]
        let input = VisualizationInput(columns: [Inputs.month, Inputs.zone, Inputs.sales], rows: rows, title: "t")
        #expect(ChartChoice.kind(for: input) == .line)
        let chart = try #require(Visualizer().visualize(input).chart)
        #expect(chart.data.labels == ["Jan 2025", "Feb 2025"])
        #expect(chart.data.datasets.map(\.label) == ["South", "North"])
        #expect(chart.data.datasets.map(\.data) == [[30, 28], [10, 12]])
    }

    @Test func anEmptyResultIsATable() {
        let input = Inputs.breakdown([])
        #expect(ChartChoice.kind(for: input) == .table)
        let visualization = Visualizer().visualize(input)
        #expect(visualization.chart == nil)
        #expect(visualization.table.rows.isEmpty)
        #expect(visualization.table.columns.map(\.title) == ["Zone", "Net sales"])
        #expect(visualization.annotations.isEmpty)
    }

    @Test func comparedPeriodsByCategoryAreGroupedBarsMatchedByLabel() throws {
        var input = Inputs.breakdown([("North", 500), ("South", 400)])
        input.comparison = .init(previousRows: [["South", 350], ["East", 90]], currentName: "May 2025", previousName: "April 2025")
        #expect(ChartChoice.kind(for: input) == .groupedBar)
        let chart = try #require(Visualizer().visualize(input).chart)
        #expect(chart.data.labels == ["North", "South", "East"])
        #expect(chart.data.datasets.map(\.label) == ["Net sales, May 2025", "Net sales, April 2025"])
        #expect(chart.data.datasets.map(\.data) == [[500, 400, nil], [nil, 350, 90]])
    }

    @Test func comparedPeriodsOverTimeAreTwoLines() throws {
        var input = Inputs.monthly([10, 12])
        input.comparison = .init(previousRows: Inputs.monthly([8, 9, 7]).rows, currentName: "2025", previousName: "2024")
        #expect(ChartChoice.kind(for: input) == .line)
        let chart = try #require(Visualizer().visualize(input).chart)
        #expect(chart.data.datasets.map(\.label) == ["Net sales, 2025", "Net sales, 2024"])
        #expect(chart.data.datasets.map(\.data) == [[10, 12, nil], [8, 9, 7]])
    }

    @Test func aComparedSingleValueIsAKPIWithTheChange() throws {
        let input = VisualizationInput(
            columns: [Inputs.sales], rows: [[1_10_00_000]], title: "Net sales",
            comparison: .init(previousRows: [[1_00_00_000]], currentName: "May 2025", previousName: "April 2025"))
        let visualization = Visualizer().visualize(input)
        #expect(visualization.kind == .kpi)
        let kpi = try #require(visualization.kpi)
        #expect(kpi.formattedValue == "₹1.10 Cr")
        #expect(kpi.formattedPreviousValue == "₹1.00 Cr")
        #expect(kpi.changePercent == 10)
        #expect(kpi.formattedChange == "+10.0%")
        #expect(kpi.tone == .positive)
        #expect(kpi.period == "May 2025")
        #expect(kpi.previousPeriod == "April 2025")
    }
}
