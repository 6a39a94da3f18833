import Foundation
import Semantic
import Testing

/// The repository's own `model/` folder (written alongside this module).
private let shippedModel = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("model")

private var shippedModelExists: Bool {
    FileManager.default.fileExists(atPath: shippedModel.appendingPathComponent("cubes").path)
}

@Suite(.enabled(if: shippedModelExists, "model/cubes is not in this checkout"))
struct ShippedModelTests {
    /// The members DESIGN.md requires of each cube.
    static let required: [String: [String]] = [
        "Transactions": [
            "count", "totalQuantity", "grossSales", "discountAmount", "netSales", "averageOrderValue",
            "uniqueCustomers", "transactionId", "transactionDate",
        ],
        "PrimarySales": [
            "count", "totalQuantity", "netAmount", "billedWeight", "billedVolume", "invoiceDate",
            "sellerWarehouseCode", "sellerWarehouseName",
        ],
        "Customers": ["count", "customerName", "customerType", "city", "state", "zone"],
        "Accounts": ["count", "accountName", "accountType", "city", "state", "zone"],
        "Products": [
            "count", "productName", "sku", "brand", "category", "subCategory", "unitOfMeasure", "unitWeight",
            "unitVolume",
        ],
        "Dates": ["date", "dayName", "month", "monthName", "quarter", "year", "isWeekend"],
        "TransactionTypes": ["code", "name"],
        "SalesHierarchy": ["employeeName", "role", "territoryLevel", "territoryName", "managerName"],
    ]

    @Test func loadsWithoutErrors() throws {
        let model = try DataModel.load(from: shippedModel)
        for (cubeName, members) in Self.required {
            let cube = try #require(model.cubes[cubeName], "missing cube \(cubeName)")
            for member in members {
                #expect(cube.hasMember(member), "\(cubeName) lacks \(member)")
            }
        }
        #expect(model.cubes["Transactions"]?.dimension("transactionDate")?.type == .time)
        #expect(model.cubes["PrimarySales"]?.dimension("invoiceDate")?.type == .time)
        #expect(model.cubes["Dates"]?.dimension("date")?.type == .time)
        #expect(model.cubes["Transactions"]?.measure("uniqueCustomers")?.type == .countDistinct)
        #expect(model.cubes["Transactions"]?.measure("netSales")?.synonyms.contains("revenue") == true)
        #expect(model.joinGraph.path(from: "Transactions", to: "Products")?.first?.relationship == .manyToOne)
    }
}
