import Foundation
import Testing
import Visualization
import Warehouse

/// The exact JSON of each kind, keys sorted: what a page hands to `new Chart(canvas, config)`.
/// Every option name in these strings is one Chart.js 3.9 reads.
@Suite("Golden Chart.js configurations")
struct GoldenChartTests {
    private func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func chart(_ input: VisualizationInput, _ kind: ChartKind) throws -> String {
        let visualization = Visualizer().visualize(input)
        #expect(visualization.kind == kind)
        return try json(try #require(visualization.chart))
    }

    @Test func line() throws {
        let actual = try chart(Inputs.monthly([10, 12.345, 11]), .line)
        #expect(actual == Golden.line)
    }

    @Test func bar() throws {
        let input = Inputs.breakdown(
            [("North", 70), ("South", 60), ("West", 50), ("East", 40), ("Central", 30), ("Islands", 20), ("Online", 10)])
        let actual = try chart(input, .bar)
        #expect(actual == Golden.bar)
    }

    @Test func horizontalBar() throws {
        let input = Inputs.breakdown(
            [("Sunfeast Dark Fantasy Choco Fills", 30), ("Bingo!", 20)], column: Inputs.brand, limit: 2,
            title: "Top 2 brands by net sales")
        let actual = try chart(input, .horizontalBar)
        #expect(actual == Golden.horizontalBar)
    }

    @Test func doughnut() throws {
        let actual = try chart(Inputs.breakdown([("North", 50), ("South", 30), ("West", 20)]), .doughnut)
        #expect(actual == Golden.doughnut)
    }

    @Test func groupedBar() throws {
        let input = VisualizationInput(
            columns: [Inputs.zone, Inputs.sales, Inputs.measure("Transactions.grossSales", "Gross sales")],
            rows: [["North", 50, 55], ["South", 30, 32]], title: "Net and gross sales by zone")
        let actual = try chart(input, .groupedBar)
        #expect(actual == Golden.groupedBar)
    }

    @Test func dualAxis() throws {
        let input = VisualizationInput(
            columns: [Inputs.zone, Inputs.sales, Inputs.measure("Transactions.totalQuantity", "Quantity", Inputs.quantity)],
            rows: [["North", 50, 5], ["South", 30, 4]], title: "Net sales and quantity by zone")
        let actual = try chart(input, .dualAxis)
        #expect(actual == Golden.dualAxis)
    }

    @Test func kpi() throws {
        let input = VisualizationInput(
            columns: [Inputs.sales], rows: [[1_23_45_678]], title: "Net sales",
            comparison: .init(previousRows: [[1_50_00_000]], currentName: "May 2025", previousName: "April 2025"))
        let actual = try json(Visualizer().visualize(input))
        #expect(actual == Golden.kpi)
    }

    @Test func table() throws {
        let input = VisualizationInput(
            columns: [Inputs.zone, Inputs.brand, Inputs.sales], rows: [["North", "Bingo!", 1_50_000], ["South", nil, nil]],
            title: "Net sales by zone and brand")
        let actual = try json(Visualizer().visualize(input))
        #expect(actual == Golden.table)
    }
}

enum Golden {
    static let line = ##"{"data":{"datasets":[{"backgroundColor":"#0072B2","borderColor":"#0072B2","data":[10,12.35,11],"fill":false,"label":"Net sales"}],"labels":["Jan 2025","Feb 2025","Mar 2025"]},"options":{"maintainAspectRatio":true,"plugins":{"legend":{"display":false},"title":{"display":true,"text":"Net sales by month, 2025"}},"responsive":true,"scales":{"y":{"beginAtZero":true,"title":{"display":true,"text":"Net sales (₹)"}}}},"type":"line"}"##
    static let bar = ##"{"data":{"datasets":[{"backgroundColor":"#0072B2","data":[70,60,50,40,30,20,10],"label":"Net sales"}],"labels":["North","South","West","East","Central","Islands","Online"]},"options":{"maintainAspectRatio":true,"plugins":{"legend":{"display":false},"title":{"display":true,"text":"Net sales by zone, May 2025"}},"responsive":true,"scales":{"y":{"beginAtZero":true,"title":{"display":true,"text":"Net sales (₹)"}}}},"type":"bar"}"##
    static let horizontalBar = ##"{"data":{"datasets":[{"backgroundColor":"#0072B2","data":[30,20],"label":"Net sales"}],"labels":["Sunfeast Dark Fantasy Choco Fills","Bingo!"]},"options":{"indexAxis":"y","maintainAspectRatio":true,"plugins":{"legend":{"display":false},"title":{"display":true,"text":"Top 2 brands by net sales"}},"responsive":true,"scales":{"x":{"beginAtZero":true,"title":{"display":true,"text":"Net sales (₹)"}}}},"type":"bar"}"##
    static let doughnut = ##"{"data":{"datasets":[{"backgroundColor":["#0072B2","#E69F00","#009E73"],"data":[50,30,20],"label":"Net sales"}],"labels":["North","South","West"]},"options":{"maintainAspectRatio":true,"plugins":{"legend":{"display":true,"position":"right"},"title":{"display":true,"text":"Net sales by zone, May 2025"}},"responsive":true},"type":"doughnut"}"##
    static let groupedBar = ##"{"data":{"datasets":[{"backgroundColor":"#0072B2","data":[50,30],"label":"Net sales"},{"backgroundColor":"#E69F00","data":[55,32],"label":"Gross sales"}],"labels":["North","South"]},"options":{"maintainAspectRatio":true,"plugins":{"legend":{"display":true},"title":{"display":true,"text":"Net and gross sales by zone"}},"responsive":true,"scales":{"y":{"beginAtZero":true,"title":{"display":true,"text":"Net sales, Gross sales (₹)"}}}},"type":"bar"}"##
    static let dualAxis = ##"{"data":{"datasets":[{"backgroundColor":"#0072B2","data":[50,30],"label":"Net sales","type":"bar","yAxisID":"y"},{"backgroundColor":"#E69F00","borderColor":"#E69F00","data":[5,4],"fill":false,"label":"Quantity","type":"line","yAxisID":"y1"}],"labels":["North","South"]},"options":{"maintainAspectRatio":true,"plugins":{"legend":{"display":true},"title":{"display":true,"text":"Net sales and quantity by zone"}},"responsive":true,"scales":{"y":{"beginAtZero":true,"position":"left","title":{"display":true,"text":"Net sales (₹)"}},"y1":{"beginAtZero":true,"grid":{"drawOnChartArea":false},"position":"right","title":{"display":true,"text":"Quantity"}}}},"type":"bar"}"##
    static let kpi = ##"{"alternatives":["kpi","table"],"annotations":[{"kind":"change","text":"Net sales down 17.7% to ₹1.23 Cr in May 2025, from ₹1.50 Cr in April 2025.","tone":"negative"}],"kind":"kpi","kpi":{"changePercent":-17.7,"formattedChange":"−17.7%","formattedPreviousValue":"₹1.50 Cr","formattedValue":"₹1.23 Cr","period":"May 2025","previousPeriod":"April 2025","previousValue":15000000,"title":"Net sales","tone":"negative","value":12345678},"table":{"columns":[{"isNumeric":true,"member":"Transactions.netSales","title":"Net sales, May 2025"},{"isNumeric":true,"member":"Transactions.netSales","title":"Net sales, April 2025"}],"rows":[[{"text":"₹1.23 Cr","value":12345678},{"text":"₹1.50 Cr","value":15000000}]]}}"##
    static let table = ##"{"alternatives":["table"],"annotations":[],"kind":"table","table":{"columns":[{"isNumeric":false,"member":"Customers.zone","title":"Zone"},{"isNumeric":false,"member":"Products.brand","title":"Brand"},{"isNumeric":true,"member":"Transactions.netSales","title":"Net sales"}],"rows":[[{"text":"North"},{"text":"Bingo!"},{"text":"₹1.50 L","value":150000}],[{"text":"South"},{"text":"(none)"},{"text":"–"}]]}}"##
}
