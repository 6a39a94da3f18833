import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Testing
import Visualization
import Warehouse

/// The `visualization` and `followUp` of POST /api/v1/ask over the seeded sample tenants,
/// and the tenant's `locale` setting. Serialized: every test opens the same DuckDB files.
@Suite("Visualization API", .serialized)
struct VisualizationAPITests {
    private func ask(_ client: any TestClientProtocol, _ tenant: String, _ question: String) async throws -> JSONResponse {
        let body: [String: Any] = ["question": question, "asOf": SampleTenants.asOf]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        return try await client.call("/api/v1/ask", token: try await SampleTenants.token(tenant), body: text)
    }

    /// The reply's suggested next question, asked: the API answers it (or asks back), never fails.
    private func expectAnsweredFollowUp(_ client: any TestClientProtocol, _ reply: JSONResponse) async throws -> String {
        let followUp = try #require(reply["followUp"] as? String)
        let next = try await ask(client, "itc", followUp)
        #expect(next.status == .ok, "\(followUp): \(next.text)")
        #expect(["answered", "needs_clarification"].contains(next["status"] as? String), "\(followUp): \(next.text)")
        return followUp
    }

    /// Asks `question` of itc, expects an answer, and returns it with its visualization.
    private func answered(_ client: any TestClientProtocol, _ question: String) async throws -> (JSONResponse, [String: Any]) {
        let reply = try await ask(client, "itc", question)
        #expect(reply["status"] as? String == "answered", "\(reply.text)")
        return (reply, try #require(reply["visualization"] as? [String: Any]))
    }

    private func number(_ any: Any?) -> Double? {
        if let number = any as? NSNumber { return number.doubleValue }
        return (any as? String).flatMap(Double.init)
    }

    @Test func aTrendIsALineOfTheRows() async throws {
        try await SampleTenants.shared.withClient { client in
            let (reply, visualization) = try await answered(client, "net sales by month this year")
            #expect(visualization["kind"] as? String == "line")
            #expect(visualization["alternatives"] as? [String] == ["line", "bar", "table"])
            let chart = try #require(reply["chart"] as? [String: Any])
            #expect(chart["type"] as? String == "line")
            let data = (chart["data"] as? [String: Any])?["datasets"] as? [[String: Any]]
            let series = try #require(data?.first?["data"] as? [Any])
            #expect(reply.data.count == 6, "January to June 2025")
            #expect(series.count == reply.data.count)
            for (point, row) in zip(series, reply.data) {
                let expected = try #require(number(row["Transactions.netSales"]))
                #expect(abs((number(point) ?? .nan) - expected) < 0.01)
            }
            #expect((reply["insight"] as? [String: Any])?["text"] as? String != nil)
        }
    }

    @Test func aBreakdownByZoneIsTheWholeWithTheNumbersOfTheData() async throws {
        try await SampleTenants.shared.withClient { client in
            let (reply, visualization) = try await answered(client, "net sales by zone last month")
            let rows = reply.data
            #expect(rows.count == 5, "five zones")
            #expect(visualization["kind"] as? String == (rows.count <= 6 ? "doughnut" : "bar"))
            let chart = try #require(reply["chart"] as? [String: Any])
            let chartData = try #require(chart["data"] as? [String: Any])
            #expect(chartData["labels"] as? [String] == rows.map { $0["Customers.zone"] as? String ?? "" })
            let values = try #require((chartData["datasets"] as? [[String: Any]])?.first?["data"] as? [Any])
            for (value, row) in zip(values, rows) {
                #expect(abs((number(value) ?? .nan) - (number(row["Transactions.netSales"]) ?? 0)) < 0.01)
            }
            // The table holds the same numbers, formatted in lakh and crore.
            let table = try #require(visualization["table"] as? [String: Any])
            let cells = try #require(table["rows"] as? [[[String: Any]]])
            #expect(cells.count == rows.count)
            let first = try #require(cells.first?.last)
            #expect(abs((number(first["value"]) ?? .nan) - (number(rows[0]["Transactions.netSales"]) ?? 0)) < 0.01)
            #expect((first["text"] as? String)?.hasPrefix("₹") == true)
            let annotations = try #require(visualization["annotations"] as? [[String: Any]])
            #expect(annotations.contains { $0["kind"] as? String == "topContributor" && $0["tone"] as? String == "neutral" })
            let top = try #require(annotations.first { $0["kind"] as? String == "topContributor" }?["text"] as? String)
            #expect(top.hasPrefix("\(rows[0]["Customers.zone"] as? String ?? "?") is the largest of 5"), "\(top)")
            let followUp = try await expectAnsweredFollowUp(client, reply)
            #expect(followUp.contains(rows[0]["Customers.zone"] as? String ?? "?"), "drills into the top zone: \(followUp)")
        }
    }

    @Test func aRankingIsBars() async throws {
        try await SampleTenants.shared.withClient { client in
            let (reply, visualization) = try await answered(client, "top 10 brands by net sales last month")
            let kind = visualization["kind"] as? String
            #expect(kind == (reply.data.count > 8 ? "horizontalBar" : "bar"), "\(reply.data.count) brands")
            let chart = try #require(reply["chart"] as? [String: Any])
            #expect(chart["type"] as? String == "bar")
            if kind == "horizontalBar" { #expect((chart["options"] as? [String: Any])?["indexAxis"] as? String == "y") }
            let followUp = try await expectAnsweredFollowUp(client, reply)
            #expect(followUp.contains(reply.data.first?["Products.brand"] as? String ?? "?"), "drills into the top brand: \(followUp)")
        }
    }

    @Test func aComparedSingleNumberIsAKPIWithTheChange() async throws {
        try await SampleTenants.shared.withClient { client in
            let (reply, visualization) = try await answered(client, "net sales last month vs the month before")
            #expect(visualization["kind"] as? String == "kpi")
            #expect(reply["chart"] is NSNull)
            let comparison = try #require(reply["comparison"] as? [String: Any])
            let kpi = try #require(visualization["kpi"] as? [String: Any])
            #expect(abs((number(kpi["value"]) ?? .nan) - (number(comparison["currentValue"]) ?? 0)) < 0.01)
            #expect(abs((number(kpi["previousValue"]) ?? .nan) - (number(comparison["previousValue"]) ?? 0)) < 0.01)
            let change = try #require(number(comparison["changePercent"]))
            #expect(abs((number(kpi["changePercent"]) ?? .nan) - change) < 0.01)
            #expect(kpi["tone"] as? String == (change > 0.5 ? "positive" : change < -0.5 ? "negative" : "neutral"))
            let annotation = try #require((visualization["annotations"] as? [[String: Any]])?.first)
            #expect(annotation["kind"] as? String == "change")
            #expect((annotation["text"] as? String)?.contains("Apr 2025") == true, "\(annotation)")
            _ = try await expectAnsweredFollowUp(client, reply)
        }
    }

    @Test func anInternationalTenantWritesMillions() async throws {
        try await SampleTenants.shared.withClient(configure: { $0.numberFormats["itc"] = .international }) { client in
            let reply = try await ask(client, "itc", "net sales by zone last month")
            let table = (reply["visualization"] as? [String: Any])?["table"] as? [String: Any]
            let text = ((table?["rows"] as? [[[String: Any]]])?.first?.last?["text"] as? String) ?? ""
            #expect(text.hasPrefix("₹") && (text.hasSuffix("M") || text.hasSuffix("K")), "\(text)")
        }
    }

    @Test func theLocaleIsReadPerTenantAndAnUnknownOneNamesTheAllowed() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-locale-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func load(_ locale: String) throws -> ConvAIConfiguration {
            let path = folder.appendingPathComponent("convai.yaml").path
            try """
            tenants:
              itc:
                \(locale)
                database:
                  engine: duckdb
                  path: data/itc.duckdb
              nestle:
                database:
                  engine: duckdb
                  path: data/nestle.duckdb
            """.write(toFile: path, atomically: true, encoding: .utf8)
            return try ConvAIConfiguration.load(path: path)
        }
        #expect(try load("locale: international").numberFormats["itc"] == .international)
        #expect(try load("locale: en-IN").numberFormats["itc"] == .india)
        #expect(try load("").numberFormats["itc"] == .india)
        #expect(try load("locale: international").numberFormats["nestle"] == .india)
        do {
            _ = try load("locale: fr-FR")
            Issue.record("an unknown locale was accepted")
        } catch let error as WarehouseError {
            #expect(error.message.contains("tenants.itc.locale"), "\(error.message)")
            #expect(error.message.contains("en-IN or international"), "\(error.message)")
            #expect(error.message.contains("fr-FR"), "\(error.message)")
        }
    }
}
