import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Semantic
import Server
import Testing
import Warehouse

/// Cube's GraphQL API on the seeded sample tenants: every answer is compared with what
/// `/cubejs-api/v1/load` returns for the same Cube query and the same token, so the two
/// APIs cannot drift apart; plus introspection, auth, errors and hostile filter values.
@Suite("GraphQL API", .serialized)
struct GraphQLAPITests {
    static let root = SampleTenants.root

    // MARK: Helpers

    static func graphQL(
        _ client: some TestClientProtocol, token: String?, _ query: String, variables: [String: Any]? = nil
    ) async throws -> JSONResponse {
        var body: [String: Any] = ["query": query]
        if let variables { body["variables"] = variables }
        return try await client.call("/cubejs-api/graphql", token: token, body: try TenantIsolationTests.json(body))
    }

    static func load(_ client: some TestClientProtocol, token: String, _ query: [String: Any]) async throws -> JSONResponse {
        try await client.call("/cubejs-api/v1/load", token: token, body: try TenantIsolationTests.json(["query": query]))
    }

    /// The `cube` rows of a GraphQL answer.
    static func cubeRows(_ response: JSONResponse, field: String = "cube") -> [[String: Any]] {
        ((response["data"] as? [String: Any])?[field] as? [[String: Any]]) ?? []
    }

    static func errors(_ response: JSONResponse) -> [String] {
        ((response["errors"] as? [[String: Any]]) ?? []).compactMap { $0["message"] as? String }
    }

    /// A value as comparable text: numbers (REST sends measures as strings, GraphQL as
    /// numbers) as doubles, GraphQL's UTC instants without their `Z`.
    static func text(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let number as NSNumber: return "\(number.doubleValue)"
        case let string as String:
            if let number = Double(string) { return "\(number)" }
            return string.hasSuffix("Z") && string.count == 24 ? String(string.dropLast()) : string
        default: return "\(value)"
        }
    }

    /// A GraphQL row under Cube's REST keys with the cube's first letter in lower case, as
    /// GraphQL names it: `transactions.netSales`, `transactions.transactionDate.month`.
    static func flattened(graphQL row: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for (field, members) in row {
            guard let members = members as? [String: Any] else { continue }
            let cube = field
            for (member, value) in members {
                if let time = value as? [String: Any] {
                    for (slot, instant) in time {
                        out[slot == "value" ? "\(cube).\(member)" : "\(cube).\(member).\(slot)"] = text(instant)
                    }
                } else {
                    out["\(cube).\(member)"] = text(value)
                }
            }
        }
        return out
    }

    /// A REST row (keys as in ``flattened(graphQL:)``), without the bare time-dimension key
    /// Cube repeats beside a granularity.
    static func flattened(rest row: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for (key, value) in row where !row.keys.contains(where: { $0.hasPrefix(key + ".") }) {
            out[key.prefix(1).lowercased() + key.dropFirst()] = text(value)
        }
        return out
    }

    /// Asks both APIs and expects the same rows in the same order (and at least one row).
    static func expectSameRows(
        _ client: some TestClientProtocol, token: String, graphQL query: String, variables: [String: Any]? = nil,
        rest: [String: Any], sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [[String: Any]] {
        let answer = try await graphQL(client, token: token, query, variables: variables)
        #expect(answer.status == .ok, "\(answer.text.prefix(600))", sourceLocation: sourceLocation)
        #expect(answer["errors"] == nil, "\(answer.text.prefix(600))", sourceLocation: sourceLocation)
        let expected = try await load(client, token: token, rest)
        #expect(expected.status == .ok, "\(expected.text.prefix(600))", sourceLocation: sourceLocation)
        let rows = cubeRows(answer)
        #expect(!rows.isEmpty, "no rows: \(answer.text.prefix(300))", sourceLocation: sourceLocation)
        #expect(
            rows.map { flattened(graphQL: $0) } == expected.data.map { flattened(rest: $0) },
            "\(answer.text.prefix(400)) vs \(expected.text.prefix(400))", sourceLocation: sourceLocation)
        return rows
    }

    static let brandMonthQuery = """
        query {
          cube(limit: 10, offset: 0,
               where: { transactions: { transactionDate: { inDateRange: ["2025-06-01", "2025-06-30"] } },
                        products: { brand: { in: ["Sunfeast", "Bingo!"] } } },
               orderBy: { transactions: { netSales: desc } }) {
            transactions { netSales count }
            products { brand }
          }
        }
        """

    // MARK: Queries equal REST's

    @Test("measures by brand for a month: Cube's documented shape, rows equal /v1/load's")
    func measuresByBrand() async throws {
        try await SampleTenants.shared.withClient { client in
            let token = try await SampleTenants.token("itc")
            let rows = try await Self.expectSameRows(
                client, token: token, graphQL: Self.brandMonthQuery,
                rest: [
                    "measures": ["Transactions.netSales", "Transactions.count"], "dimensions": ["Products.brand"],
                    "timeDimensions": [["dimension": "Transactions.transactionDate", "dateRange": ["2025-06-01", "2025-06-30"]]],
                    "filters": [["member": "Products.brand", "operator": "equals", "values": ["Sunfeast", "Bingo!"]]],
                    "order": [["Transactions.netSales", "desc"]], "limit": 10,
                ])
            #expect(rows.count == 2)
            let first = try #require(rows.first)
            #expect(Set(first.keys) == ["transactions", "products"])
            let transactions = try #require(first["transactions"] as? [String: Any])
            #expect(transactions["netSales"] is NSNumber && !(transactions["netSales"] is String))
            #expect(Set(rows.compactMap { ($0["products"] as? [String: Any])?["brand"] as? String }) == ["Sunfeast", "Bingo!"])
        }
    }

    @Test("a time dimension by month, and its value; granularities are UTC instants")
    func timeDimensionByMonth() async throws {
        try await SampleTenants.shared.withClient { client in
            let token = try await SampleTenants.token("itc")
            let rows = try await Self.expectSameRows(
                client, token: token,
                graphQL: """
                    { cube(where: { transactions: { transactionDate: { inDateRange: ["2025-01-01", "2025-06-30"] } } }) {
                        transactions { netSales transactionDate { month } } } }
                    """,
                rest: [
                    "measures": ["Transactions.netSales"],
                    "timeDimensions": [[
                        "dimension": "Transactions.transactionDate", "granularity": "month",
                        "dateRange": ["2025-01-01", "2025-06-30"],
                    ]],
                ])
            #expect(rows.count == 6)
            let month = ((rows.first?["transactions"] as? [String: Any])?["transactionDate"] as? [String: Any])?["month"]
            #expect(month as? String == "2025-01-01T00:00:00.000Z")
            // Two granularities of one dimension, and a quarter, in one query.
            _ = try await Self.expectSameRows(
                client, token: token,
                graphQL: """
                    { cube(where: { transactions: { transactionDate: { inDateRange: ["2025-04-01", "2025-06-30"] } } }) {
                        transactions { count transactionDate { quarter month } } } }
                    """,
                rest: [
                    "measures": ["Transactions.count"],
                    "timeDimensions": [
                        ["dimension": "Transactions.transactionDate", "granularity": "quarter", "dateRange": ["2025-04-01", "2025-06-30"]],
                        ["dimension": "Transactions.transactionDate", "granularity": "month", "dateRange": ["2025-04-01", "2025-06-30"]],
                    ],
                ])
            // `value`: the bare dimension.
            _ = try await Self.expectSameRows(
                client, token: token,
                graphQL: """
                    { cube(limit: 5, orderBy: { products: { launchDate: asc } }) { products { brand launchDate { value } } } }
                    """,
                rest: [
                    "dimensions": ["Products.brand", "Products.launchDate"], "order": [["Products.launchDate", "asc"]],
                    "limit": 5,
                ])
        }
    }

    @Test("where: in, contains, startsWith, gt on a measure, beforeDate, set, and per-cube where")
    func whereOperators() async throws {
        try await SampleTenants.shared.withClient { client in
            let token = try await SampleTenants.token("itc")
            let june: [String: Any] = [
                "dimension": "Transactions.transactionDate", "dateRange": ["2025-06-01", "2025-06-30"],
            ]
            _ = try await Self.expectSameRows(
                client, token: token,
                graphQL: """
                    { cube(where: { transactions: { transactionDate: { inDateRange: ["2025-06-01", "2025-06-30"] },
                                                    netSales: { gt: 1000 } },
                                    products: { brand: { contains: ["sun", "ING"] }, category: { set: true } } },
                           orderBy: { products: { brand: asc } }) {
                        products { brand } transactions { netSales } } }
                    """,
                rest: [
                    "measures": ["Transactions.netSales"], "dimensions": ["Products.brand"], "timeDimensions": [june],
                    "filters": [
                        ["member": "Transactions.netSales", "operator": "gt", "values": ["1000"]],
                        ["member": "Products.brand", "operator": "contains", "values": ["sun", "ING"]],
                        ["member": "Products.category", "operator": "set"],
                    ],
                    "order": [["Products.brand", "asc"]],
                ])
            // The same filter given on the cube's own field instead of at the top.
            _ = try await Self.expectSameRows(
                client, token: token,
                graphQL: """
                    { cube { products(where: { brand: { startsWith: ["B", "Y"] } }, orderBy: { brand: desc }) { brand count } } }
                    """,
                rest: [
                    "measures": ["Products.count"], "dimensions": ["Products.brand"],
                    "filters": [["member": "Products.brand", "operator": "startsWith", "values": ["B", "Y"]]],
                    "order": [["Products.brand", "desc"]],
                ])
            _ = try await Self.expectSameRows(
                client, token: token,
                graphQL: """
                    { cube(where: { transactions: { transactionDate: { beforeDate: "2024-05-01" } } }) {
                        transactions { count transactionDate { month } } } }
                    """,
                rest: [
                    "measures": ["Transactions.count"],
                    "timeDimensions": [["dimension": "Transactions.transactionDate", "granularity": "month"]],
                    "filters": [["member": "Transactions.transactionDate", "operator": "beforeDate", "values": ["2024-05-01"]]],
                ])
        }
    }

    @Test("AND and OR lists, at the top and inside a cube")
    func andOr() async throws {
        try await SampleTenants.shared.withClient { client in
            let token = try await SampleTenants.token("itc")
            _ = try await Self.expectSameRows(
                client, token: token,
                graphQL: """
                    { cube(where: { OR: [ { products: { brand: { equals: "Sunfeast" } } },
                                          { products: { brand: { equals: "Bingo!" } }, customers: { zone: { in: ["North", "South"] } } } ],
                                    transactions: { transactionDate: { inDateRange: ["2025-05-01", "2025-06-30"] } } },
                           orderBy: { products: { brand: asc }, customers: { zone: asc } }) {
                        products { brand } customers { zone } transactions { netSales } } }
                    """,
                rest: [
                    "measures": ["Transactions.netSales"], "dimensions": ["Products.brand", "Customers.zone"],
                    "timeDimensions": [["dimension": "Transactions.transactionDate", "dateRange": ["2025-05-01", "2025-06-30"]]],
                    "filters": [[
                        "or": [
                            ["member": "Products.brand", "operator": "equals", "values": ["Sunfeast"]],
                            ["and": [
                                ["member": "Products.brand", "operator": "equals", "values": ["Bingo!"]],
                                ["member": "Customers.zone", "operator": "equals", "values": ["North", "South"]],
                            ]],
                        ]
                    ]],
                    "order": [["Products.brand", "asc"], ["Customers.zone", "asc"]],
                ])
            _ = try await Self.expectSameRows(
                client, token: token,
                graphQL: """
                    { cube { products(where: { AND: [ { category: { notEquals: "Stationery" } }, { brand: { notStartsWith: ["S"] } } ] },
                                      orderBy: { brand: asc }) { brand count } } }
                    """,
                rest: [
                    "measures": ["Products.count"], "dimensions": ["Products.brand"],
                    "filters": [[
                        "and": [
                            ["member": "Products.category", "operator": "notEquals", "values": ["Stationery"]],
                            ["member": "Products.brand", "operator": "notStartsWith", "values": ["S"]],
                        ]
                    ]],
                    "order": [["Products.brand", "asc"]],
                ])
        }
    }

    @Test("a view, a relative date range, a number dimension filter and an ungrouped query")
    func viewsRelativeRangesUngrouped() async throws {
        try await SampleTenants.shared.withClient { client in
            let token = try await SampleTenants.token("itc")
            _ = try await Self.expectSameRows(
                client, token: token,
                graphQL: """
                    { cube(where: { sales_overview: { transactionDate: { inDateRange: "last month" }, zone: { notIn: ["East"] } } },
                           orderBy: { sales_overview: { zone: asc, transactionDate: asc } }) {
                        sales_overview { zone netSales transactionDate { week } } } }
                    """,
                rest: [
                    "measures": ["sales_overview.netSales"], "dimensions": ["sales_overview.zone"],
                    "timeDimensions": [["dimension": "sales_overview.transactionDate", "granularity": "week", "dateRange": "last month"]],
                    "filters": [["member": "sales_overview.zone", "operator": "notEquals", "values": ["East"]]],
                    "order": [["sales_overview.zone", "asc"], ["sales_overview.transactionDate", "asc"]],
                ])
            _ = try await Self.expectSameRows(
                client, token: token,
                graphQL: """
                    { cube(ungrouped: true, limit: 5, where: { products: { unitPrice: { gte: 20, lt: 100 } } },
                           orderBy: { transactions: { transactionId: asc } }) {
                        transactions { transactionId netSales } products { unitPrice } } }
                    """,
                rest: [
                    "measures": ["Transactions.netSales"], "dimensions": ["Transactions.transactionId", "Products.unitPrice"],
                    "filters": [
                        ["member": "Products.unitPrice", "operator": "gte", "values": ["20"]],
                        ["member": "Products.unitPrice", "operator": "lt", "values": ["100"]],
                    ],
                    "order": [["Transactions.transactionId", "asc"]], "ungrouped": true, "limit": 5,
                ])
        }
    }

    @Test("orderBy, limit and offset page through the same rows as REST")
    func orderLimitOffset() async throws {
        try await SampleTenants.shared.withClient { client in
            let token = try await SampleTenants.token("itc")
            var pages: [[String]] = []
            for offset in [0, 3] {
                let rows = try await Self.expectSameRows(
                    client, token: token,
                    graphQL: "{ cube(limit: 3, offset: \(offset), orderBy: { products: { brand: asc } }) { products { brand count } } }",
                    rest: [
                        "measures": ["Products.count"], "dimensions": ["Products.brand"], "order": [["Products.brand", "asc"]],
                        "limit": 3, "offset": offset,
                    ])
                pages.append(rows.compactMap { ($0["products"] as? [String: Any])?["brand"] as? String })
            }
            #expect(pages[0].count == 3 && pages[1].count == 3)
            #expect(Set(pages[0]).isDisjoint(with: pages[1]))
            #expect(pages[0] + pages[1] == (pages[0] + pages[1]).sorted())
        }
    }

    @Test("variables, operationName, fragments, aliases, @skip, and GET with ?query=")
    func variablesAndGet() async throws {
        try await SampleTenants.shared.withClient { client in
            let token = try await SampleTenants.token("itc")
            let rest: [String: Any] = [
                "measures": ["Transactions.netSales"], "dimensions": ["Products.brand"],
                "filters": [["member": "Products.brand", "operator": "equals", "values": ["Sunfeast", "Bingo!"]]],
                "order": [["Products.brand", "asc"]],
            ]
            _ = try await Self.expectSameRows(
                client, token: token,
                graphQL: """
                    fragment Sales on TransactionsMembers { netSales }
                    query ByBrand($brands: [String], $skipCount: Boolean!) {
                      cube(where: { products: { brand: { in: $brands } } }, orderBy: { products: { brand: asc } }) {
                        products { brand } transactions { ...Sales count @skip(if: $skipCount) }
                      }
                    }
                    """,
                variables: ["brands": ["Sunfeast", "Bingo!"], "skipCount": true], rest: rest)
            // `operationName` picks the operation when there are several.
            let named = try await client.call(
                "/cubejs-api/graphql", token: token,
                body: try TenantIsolationTests.json([
                    "query": "query A { cube(limit: 1) { products { brand } } } query B { total: cube { transactions { count } } }",
                    "operationName": "B",
                ]))
            #expect(named.status == .ok, "\(named.text)")
            #expect(Self.cubeRows(named, field: "total").count == 1)
            let query = "{ cube(orderBy: { products: { brand: asc } }, where: { products: { brand: { in: [\"Sunfeast\", \"Bingo!\"] } } }) { products { brand } transactions { netSales } } }"
            let encoded = try #require(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let viaGet = try await client.call("/cubejs-api/graphql?query=\(encoded)", method: .get, token: token)
            #expect(viaGet.status == .ok, "\(viaGet.text)")
            let expected = try await Self.load(client, token: token, rest)
            let expectedRows = expected.data.map { Self.flattened(rest: $0) }
            #expect(Self.cubeRows(viaGet).map { Self.flattened(graphQL: $0) } == expectedRows)
            // GET with variables as JSON text, and a POST whose body is the query itself.
            let withVariables = "query Q($b: [String]) { cube(orderBy: { products: { brand: asc } }, where: { products: { brand: { in: $b } } }) { products { brand } transactions { netSales } } }"
            let variables = #"{"b": ["Sunfeast", "Bingo!"]}"#
            let getWithVariables = try await client.call(
                "/cubejs-api/graphql?query=\(try #require(withVariables.addingPercentEncoding(withAllowedCharacters: .alphanumerics)))"
                    + "&variables=\(try #require(variables.addingPercentEncoding(withAllowedCharacters: .alphanumerics)))",
                method: .get, token: token)
            #expect(Self.cubeRows(getWithVariables).map { Self.flattened(graphQL: $0) } == expectedRows, "\(getWithVariables.text)")
            let rawBody = try await client.execute(
                uri: "/cubejs-api/graphql", method: .post,
                headers: [.authorization: token, .contentType: "application/graphql"], body: ByteBuffer(string: query)
            ) { response in
                (response.status, try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)))
            }
            #expect(rawBody.0 == .ok)
            let rawRows = (((rawBody.1 as? [String: Any])?["data"] as? [String: Any])?["cube"] as? [[String: Any]]) ?? []
            #expect(rawRows.map { Self.flattened(graphQL: $0) } == expectedRows)
        }
    }

    // MARK: Schema

    @Test("introspection lists the cubes, their public members and Cube's input types")
    func introspection() async throws {
        try await SampleTenants.shared.withClient { client in
            let token = try await SampleTenants.token("itc")
            let answer = try await Self.graphQL(
                client, token: token,
                """
                { __schema { queryType { name } types { name kind } }
                  result: __type(name: "Result") { fields { name args { name type { name } } } }
                  transactions: __type(name: "TransactionsMembers") { fields { name type { name kind } } }
                  products: __type(name: "ProductsMembers") { fields { name type { name } } }
                  filter: __type(name: "StringFilter") { inputFields { name } } }
                """)
            #expect(answer.status == .ok, "\(answer.text.prefix(500))")
            let data = try #require(answer["data"] as? [String: Any])
            let schema = try #require(data["__schema"] as? [String: Any])
            #expect((schema["queryType"] as? [String: Any])?["name"] as? String == "Query")
            let types = Set(((schema["types"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
            for name in [
                "Result", "TransactionsMembers", "TransactionsWhereInput", "TransactionsOrderByInput", "RootWhereInput",
                "RootOrderByInput", "StringFilter", "FloatFilter", "DateTimeFilter", "OrderBy", "TimeDimension", "DateTime",
            ] {
                #expect(types.contains(name), "missing \(name)")
            }
            #expect(types.contains("SalesOverviewMembers"), "the view, as Cube names it")
            let resultFields = ((data["result"] as? [String: Any])?["fields"] as? [[String: Any]]) ?? []
            let cubeFields = Set(resultFields.compactMap { $0["name"] as? String })
            #expect(cubeFields.isSuperset(of: ["transactions", "products", "customers", "primarySales", "salesHierarchy", "sales_overview"]))
            let memberTypes = Dictionary(
                uniqueKeysWithValues: (((data["transactions"] as? [String: Any])?["fields"] as? [[String: Any]]) ?? []).compactMap {
                    field -> (String, String)? in
                    guard let name = field["name"] as? String, let type = (field["type"] as? [String: Any])?["name"] as? String
                    else { return nil }
                    return (name, type)
                })
            #expect(memberTypes["netSales"] == "Float")
            #expect(memberTypes["count"] == "Float")
            #expect(memberTypes["transactionDate"] == "TimeDimension")
            let productFields = Set(
                (((data["products"] as? [String: Any])?["fields"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
            #expect(productFields.contains("brand") && productFields.contains("isActive"))
            #expect(!productFields.contains("productId"), "public: false hides a member")
            let operators = Set(
                (((data["filter"] as? [String: Any])?["inputFields"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
            #expect(operators == [
                "equals", "notEquals", "in", "notIn", "contains", "notContains", "startsWith", "notStartsWith", "endsWith",
                "notEndsWith", "set",
            ])
        }
    }

    // MARK: Auth

    @Test("401 without a token, 403 for a role without cube_api, REST's shapes")
    func auth() async throws {
        try await SampleTenants.shared.withClient { client in
            let anonymous = try await Self.graphQL(client, token: nil, "{ cube { products { brand } } }")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.error != nil && anonymous["data"] == nil, "\(anonymous.text)")
            let salesRep = try await SampleTenants.token("itc", user: "so-1", role: "sales_rep")
            let refused = try await Self.graphQL(client, token: salesRep, "{ cube { products { brand } } }")
            #expect(refused.status == .forbidden)
            #expect(refused.error == "Forbidden: the role 'sales_rep' lacks the permission 'cube_api'")
            let get = try await client.call("/cubejs-api/graphql?query=%7B__typename%7D", method: .get, token: nil)
            #expect(get.status == .unauthorized)
        }
    }

    @Test("a manager bounded by a territory sees REST's rows for the same token; each tenant its own")
    func territoryAndTenant() async throws {
        try await SampleTenants.shared.withClient(configure: { $0.rowLevelSecurity = .salesTerritories }) { client in
            let manager = try await SampleTenants.token("itc", user: "asm-claim", role: "manager", territory: "State:Maharashtra")
            let admin = try await SampleTenants.token("itc", role: "admin")
            let query = "{ cube(orderBy: { products: { brand: asc } }) { products { brand } transactions { netSales } } }"
            let rest: [String: Any] = [
                "measures": ["Transactions.netSales"], "dimensions": ["Products.brand"], "order": [["Products.brand", "asc"]],
            ]
            let bounded = try await Self.expectSameRows(client, token: manager, graphQL: query, rest: rest)
            let whole = try await Self.expectSameRows(client, token: admin, graphQL: query, rest: rest)
            #expect(bounded.map { Self.flattened(graphQL: $0) } != whole.map { Self.flattened(graphQL: $0) })
            // The tenant comes from the token: nestle's brands, never itc's.
            let nestle = try await SampleTenants.token("nestle", role: "admin")
            let theirs = try await Self.expectSameRows(client, token: nestle, graphQL: query, rest: rest)
            let itcBrands = Set(whole.compactMap { ($0["products"] as? [String: Any])?["brand"] as? String })
            let nestleBrands = Set(theirs.compactMap { ($0["products"] as? [String: Any])?["brand"] as? String })
            #expect(itcBrands.isDisjoint(with: nestleBrands))
        }
    }

    // MARK: Errors

    @Test("unknown names, bad syntax and compiler refusals are errors, never a 500")
    func errors() async throws {
        try await SampleTenants.shared.withClient { client in
            let token = try await SampleTenants.token("itc")
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("{ cube { transactions { noSuchMember } } }", .badRequest, "noSuchMember"),
                ("{ cube { products { productId } } }", .badRequest, "productId"),
                ("{ cube { noSuchCube { count } } }", .badRequest, "noSuchCube"),
                ("{ cube(where: { products: { nope: { equals: \"x\" } } }) { products { brand } } }", .badRequest, "nope"),
                ("{ cube(orderBy: { products: { brand: sideways } }) { products { brand } } }", .badRequest, "sideways"),
                ("{ cube { products { brand }", .badRequest, "Syntax Error"),
                ("{ cube(timezone: \"America/New_York\") { products { brand } } }", .badRequest, "only the UTC timezone"),
                ("{ cube(limit: 90000000) { products { brand } } }", .badRequest, "maximum"),
            ]
            for (query, status, fragment) in cases {
                let answer = try await Self.graphQL(client, token: token, query)
                #expect(answer.status == status, "\(query): \(answer.text)")
                let messages = Self.errors(answer)
                #expect(messages.contains { $0.contains(fragment) }, "\(query): \(answer.text)")
                #expect(!answer.text.contains("SELECT"), "\(query): \(answer.text)")
            }
            // An executed query that the compiler refuses answers data: null beside the error.
            let refused = try await Self.graphQL(client, token: token, "{ cube(timezone: \"Asia/Kolkata\") { products { brand } } }")
            #expect((refused.json as? [String: Any])?.keys.contains("data") == true)
            #expect(refused["data"] is NSNull)
            let empty = try await client.call("/cubejs-api/graphql", token: token, body: "{}")
            #expect(empty.status == .badRequest)
            #expect(Self.errors(empty) == ["Must provide query string."])
            let garbage = try await client.call("/cubejs-api/graphql", token: token, body: "not json")
            #expect(garbage.status == .badRequest)

            // Fragments spreading each other twice over are walked once each, not 2^30 times.
            var bomb = "{ cube { transactions { ...F1 } } }\n"
            for level in 1..<30 { bomb += "fragment F\(level) on TransactionsMembers { ...F\(level + 1) ...F\(level + 1) }\n" }
            bomb += "fragment F30 on TransactionsMembers { count }\n"
            let started = ContinuousClock.now
            let expanded = try await Self.graphQL(client, token: token, bomb)
            #expect(expanded.status == .ok && Self.cubeRows(expanded).count == 1, "\(expanded.text.prefix(300))")
            #expect(ContinuousClock.now - started < .seconds(30), "a fragment bomb took \(ContinuousClock.now - started)")
            // Each cube field is a database query: at most ten per request.
            let aliases = (1...11).map { "a\($0): cube { transactions { count } }" }.joined(separator: " ")
            let many = try await Self.graphQL(client, token: token, "{ \(aliases) }")
            #expect(Self.errors(many).contains { $0.contains("at most 10 times") }, "\(many.text.prefix(300))")
            let ten = (1...10).map { "a\($0): cube { transactions { count } }" }.joined(separator: " ")
            let allowed = try await Self.graphQL(client, token: token, "{ \(ten) }")
            #expect(allowed.status == .ok && Self.errors(allowed).isEmpty, "\(allowed.text.prefix(300))")
        }
    }

    @Test("hostile strings in where values get REST's answer: ordinary rows, or the same refusal; never SQL")
    func hostileValues() async throws {
        try await SampleTenants.shared.withClient { client in
            let token = try await SampleTenants.token("itc")
            var values = HostileStrings.fragments + [HostileStrings.long]
            values.append(HostileStrings.fragments.joined())
            for value in values {
                for op in ["equals", "contains", "startsWith"] {
                    let label = "\(op) \(value.prefix(40).debugDescription)"
                    let argument = op == "equals" ? "$value" : "[$value]"
                    let answer = try await Self.graphQL(
                        client, token: token,
                        """
                        query Q($value: String) {
                          cube(where: { products: { brand: { \(op): \(argument) } } }, orderBy: { products: { brand: asc } }) {
                            products { brand } transactions { count } } }
                        """,
                        variables: ["value": value])
                    let rest = try await Self.load(
                        client, token: token,
                        [
                            "measures": ["Transactions.count"], "dimensions": ["Products.brand"],
                            "filters": [["member": "Products.brand", "operator": op, "values": [value]]],
                            "order": [["Products.brand", "asc"]],
                        ])
                    #expect(answer.status == rest.status, "\(label): \(answer.text.prefix(300))")
                    #expect(answer.status != .internalServerError, "\(label)")
                    if rest.status == .ok {
                        #expect(answer["errors"] == nil, "\(label): \(answer.text.prefix(300))")
                        #expect(
                            Self.cubeRows(answer).map { Self.flattened(graphQL: $0) } == rest.data.map { Self.flattened(rest: $0) },
                            "\(label)")
                        if op == "equals" { #expect(rest.data.isEmpty, "\(label)") }
                    } else {
                        // A value the compiler refuses (a NUL byte): the REST API's message.
                        #expect(Self.errors(answer) == [rest.error ?? ""], "\(label): \(answer.text.prefix(300))")
                    }
                }
            }
            // Inline in the query text too, escaped as GraphQL strings.
            let inline = "\"'; DROP TABLE fact_sales_transactions; --\\\" {CUBE} $1 ?\""
            let answer = try await Self.graphQL(
                client, token: token, "{ cube(where: { products: { brand: { equals: \(inline) } } }) { products { brand } } }")
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer["errors"] == nil && Self.cubeRows(answer).isEmpty, "\(answer.text)")
        }
    }

    // MARK: A real GraphQL client

    @Test("gql (PyPI) fetches the schema by introspection, validates and runs a query; rows equal /v1/load's")
    func pythonGQLClient() async throws {
        let python = Self.root.appendingPathComponent(".venv/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "no \(python.path): run scripts/bootstrap venv")
        let configuration = try await SampleTenants.shared.configuration()
        let router = TenantRouter(tenants: configuration.tenants, logger: Logger(label: "test"))
        let app = try await buildApplication(
            configuration: configuration, tenants: router, logger: Logger(label: "test"), llmProviders: [:],
            today: { SQLDate(iso: SampleTenants.asOf)! })
        let token = try await SampleTenants.token("itc")
        let query = """
            query ByBrand($brands: [String]) {
              cube(where: { transactions: { transactionDate: { inDateRange: ["2025-06-01", "2025-06-30"] } },
                            products: { brand: { in: $brands } } },
                   orderBy: { transactions: { netSales: desc } }) {
                transactions { netSales count transactionDate { week } }
                products { brand }
              }
            }
            """
        do {
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let output = try await Self.run(
                    python,
                    [
                        Self.root.appendingPathComponent("scripts/gql-client-check.py").path,
                        "http://127.0.0.1:\(port)/cubejs-api/graphql", token, query,
                        try TenantIsolationTests.json(["brands": ["Sunfeast", "Bingo!", "Yippee!"]]),
                    ])
                #expect(output.status == 0, "\(output.stderr)")
                let result = try #require(
                    try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any], "\(output.stdout)")
                let types = Set((result["types"] as? [String]) ?? [])
                #expect(types.isSuperset(of: ["TransactionsMembers", "RootWhereInput", "DateTimeFilter", "TimeDimension"]))
                #expect(Set((result["resultFields"] as? [String]) ?? []).isSuperset(of: ["transactions", "products"]))
                #expect((result["invalid"] as? String)?.contains("noSuchMember") == true, "\(result["invalid"] ?? "")")
                let rows = (((result["result"] as? [String: Any])?["cube"]) as? [[String: Any]]) ?? []
                let expected = try await Self.load(
                    client, token: token,
                    [
                        "measures": ["Transactions.netSales", "Transactions.count"], "dimensions": ["Products.brand"],
                        "timeDimensions": [[
                            "dimension": "Transactions.transactionDate", "granularity": "week",
                            "dateRange": ["2025-06-01", "2025-06-30"],
                        ]],
                        "filters": [["member": "Products.brand", "operator": "equals", "values": ["Sunfeast", "Bingo!", "Yippee!"]]],
                        "order": [["Transactions.netSales", "desc"]],
                    ])
                #expect(!rows.isEmpty)
                #expect(rows.map { Self.flattened(graphQL: $0) } == expected.data.map { Self.flattened(rest: $0) })
            }
        } catch {
            await router.closeAll()
            throw error
        }
        await router.closeAll()
    }

    /// Runs a process to its end without blocking a thread (the server under test answers
    /// it on this process's event loops); its output goes through files, which never fill up.
    static func run(_ executable: URL, _ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        let files = (0..<2).map { _ in FileManager.default.temporaryDirectory.appendingPathComponent("gql-\(UUID().uuidString)") }
        defer { for file in files { try? FileManager.default.removeItem(at: file) } }
        let handles = try files.map { file in
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            return try FileHandle(forWritingTo: file)
        }
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        (process.standardOutput, process.standardError) = (handles[0], handles[1])
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        for handle in handles { try handle.close() }
        let texts = try files.map { String(decoding: try Data(contentsOf: $0), as: UTF8.self) }
        return (status, texts[0], texts[1])
    }
}
