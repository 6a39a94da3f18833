import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Testing

/// Round trips through Cube's REST API on known data: shapes, value formatting, auth and
/// errors.
@Suite("Cube REST API", .serialized)
struct CubeAPITests {
    static func body(_ query: String, queryType: String? = nil) -> String {
        "{\"query\": \(query)" + (queryType.map { ", \"queryType\": \"\($0)\"" } ?? "") + "}"
    }

    @Test("load: Cube's shape, measures as strings, rows in the requested order")
    func loadShape() async throws {
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token()
        try await fixture.withClient { client in
            let response = try await client.call(
                "/cubejs-api/v1/load", token: token,
                body: Self.body("""
                    {"measures": ["Orders.totalAmount", "Orders.count"], "dimensions": ["Products.category"],
                     "order": {"Orders.totalAmount": "desc"}}
                    """))
            #expect(response.status == .ok)
            let data = response.data
            #expect(data.count == 3)
            #expect(data.map { $0["Products.category"] as? String } == ["Noodles", "Biscuits", "Stationery"])
            #expect(data.map { $0["Orders.totalAmount"] as? String } == ["80.25", "40.25", "5.50"])
            #expect(data.map { $0["Orders.count"] as? String } == ["2", "2", "1"])
            // Keys follow the query's columns: dimensions, then measures.
            #expect(response.text.contains(#"{"Products.category":"Noodles","Orders.totalAmount":"80.25","Orders.count":"2"}"#))
            for key in ["query", "data", "lastRefreshTime", "annotation", "usedPreAggregations", "dataSource"] {
                #expect(response[key] != nil, "missing \(key)")
            }
            let query = try #require(response["query"] as? [String: Any])
            #expect(query["limit"] as? Int == 10_000)
            #expect(query["timezone"] as? String == "UTC")
            #expect((query["order"] as? [[String: Any]])?.first?["id"] as? String == "Orders.totalAmount")
            #expect((query["order"] as? [[String: Any]])?.first?["desc"] as? Bool == true)
            let annotation = try #require(response["annotation"] as? [String: [String: Any]])
            let revenue = try #require(annotation["measures"]?["Orders.totalAmount"] as? [String: Any])
            #expect(revenue["title"] as? String == "Sales Orders Revenue")
            #expect(revenue["shortTitle"] as? String == "Revenue")
            #expect(revenue["type"] as? String == "number")
            #expect(revenue["format"] as? String == "currency")
            let category = try #require(annotation["dimensions"]?["Products.category"] as? [String: Any])
            #expect(category["title"] as? String == "Products Category")
            #expect(category["type"] as? String == "string")
            let lastRefresh = try #require(response["lastRefreshTime"] as? String)
            #expect(lastRefresh.hasSuffix("Z") && lastRefresh.count == 24)
        }
    }

    @Test("load: time dimensions as Cube writes them, with the bare member key too")
    func timeDimensions() async throws {
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token()
        try await fixture.withClient { client in
            let response = try await client.call(
                "/cubejs-api/v1/load", token: token,
                body: Self.body("""
                    {"measures": ["Orders.totalQuantity"],
                     "timeDimensions": [{"dimension": "Orders.orderDate", "granularity": "month",
                                         "dateRange": ["2025-01-01", "2025-02-28"]}]}
                    """))
            #expect(response.status == .ok)
            #expect(response.data.count == 2)
            let first = try #require(response.data.first)
            #expect(first["Orders.orderDate.month"] as? String == "2025-01-01T00:00:00.000")
            #expect(first["Orders.orderDate"] as? String == "2025-01-01T00:00:00.000")
            #expect(first["Orders.totalQuantity"] as? String == "3")
            #expect(response.data.last?["Orders.totalQuantity"] as? String == "6")
            let annotation = try #require(response["annotation"] as? [String: [String: Any]])
            let month = try #require(annotation["timeDimensions"]?["Orders.orderDate.month"] as? [String: Any])
            #expect(month["type"] as? String == "time")
            #expect((month["granularity"] as? [String: Any])?["name"] as? String == "month")
            #expect(annotation["timeDimensions"]?["Orders.orderDate"] != nil)
        }
    }

    @Test("load: a relative range resolves against today, and the normalized query shows the dates")
    func relativeRange() async throws {
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token()
        try await fixture.withClient { client in
            let response = try await client.call(
                "/cubejs-api/v1/load", token: token,
                body: Self.body("""
                    {"measures": ["Orders.count"],
                     "timeDimensions": [{"dimension": "Orders.orderDate", "dateRange": "last month"}]}
                    """))
            #expect(response.status == .ok)
            #expect(response.data.first?["Orders.count"] as? String == "2")
            let query = try #require(response["query"] as? [String: Any])
            let td = try #require((query["timeDimensions"] as? [[String: Any]])?.first)
            #expect(td["dateRange"] as? [String] == ["2025-02-01T00:00:00.000", "2025-02-28T23:59:59.999"])
        }
    }

    @Test("load: GET with ?query= keeps the object-form order's key order")
    func getWithOrder() async throws {
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token()
        let query = #"{"measures":["Orders.totalAmount"],"dimensions":["Products.category"],"order":{"Orders.totalAmount":"asc","Products.category":"asc"}}"#
        let encoded = try #require(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
        try await fixture.withClient { client in
            let response = try await client.call("/cubejs-api/v1/load?query=\(encoded)", method: .get, token: token)
            #expect(response.status == .ok)
            #expect(response.data.map { $0["Products.category"] as? String } == ["Stationery", "Biscuits", "Noodles"])
        }
    }

    @Test("load: booleans, segments, views, total and offset")
    func features() async throws {
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token()
        try await fixture.withClient { client in
            let active = try await client.call(
                "/cubejs-api/v1/load", token: token,
                body: Self.body(#"{"measures":["Orders.count"],"dimensions":["Products.isActive"],"order":{"Products.isActive":"desc"}}"#))
            #expect(active.data.map { $0["Products.isActive"] as? Bool } == [true, false])
            #expect(active.data.map { $0["Orders.count"] as? String } == ["4", "1"])

            let segment = try await client.call(
                "/cubejs-api/v1/load", token: token,
                body: Self.body(#"{"measures":["Orders.count"],"segments":["Orders.completed"]}"#))
            #expect(segment.data.first?["Orders.count"] as? String == "4")

            let view = try await client.call(
                "/cubejs-api/v1/load", token: token,
                body: Self.body(#"{"measures":["SalesView.totalAmount"],"dimensions":["SalesView.category"],"order":[["SalesView.category","asc"]]}"#))
            #expect(view.status == .ok)
            #expect(view.data.map { $0["SalesView.totalAmount"] as? String } == ["40.25", "80.25", "5.50"])

            let paged = try await client.call(
                "/cubejs-api/v1/load", token: token,
                body: Self.body(#"{"measures":["Orders.count"],"dimensions":["Products.category"],"order":{"Products.category":"asc"},"limit":1,"offset":1,"total":true}"#))
            #expect(paged.data.map { $0["Products.category"] as? String } == ["Noodles"])
            #expect(paged["total"] as? Int == 3)
        }
    }

    @Test("queryType=multi answers each query of an array under results")
    func multi() async throws {
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token()
        try await fixture.withClient { client in
            let queries = #"[{"measures":["Orders.count"]},{"measures":["Orders.totalQuantity"]}]"#
            let response = try await client.call(
                "/cubejs-api/v1/load", token: token, body: Self.body(queries, queryType: "multi"))
            #expect(response.status == .ok)
            #expect(response["queryType"] as? String == "regularQuery")
            let results = try #require(response["results"] as? [[String: Any]])
            #expect((results[0]["data"] as? [[String: Any]])?.first?["Orders.count"] as? String == "5")
            #expect((results[1]["data"] as? [[String: Any]])?.first?["Orders.totalQuantity"] as? String == "12")

            let refused = try await client.call("/cubejs-api/v1/load", token: token, body: Self.body(queries))
            #expect(refused.status == .badRequest)
            #expect(refused.error?.contains("queryType=multi") == true)
        }
    }

    @Test("/v1/sql: the SQL and its bound parameters; user values never inside the SQL")
    func sql() async throws {
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token()
        try await fixture.withClient { client in
            let query = #"{"measures":["Orders.count"],"filters":[{"member":"Orders.customerName","operator":"equals","values":["O'Brien"]}]}"#
            let response = try await client.call("/cubejs-api/v1/sql", token: token, body: Self.body(query))
            #expect(response.status == .ok)
            let sql = try #require(response["sql"] as? [String: Any])
            let pair = try #require(sql["sql"] as? [Any])
            let text = try #require(pair.first as? String)
            #expect(text.contains("SELECT") && text.contains("FROM") && text.contains("orders"))
            #expect(!text.contains("O'Brien") && !text.contains("Brien"))
            #expect(pair.last as? [String] == ["O'Brien"])
            #expect(sql["preAggregations"] as? [Any] != nil)

            let load = try await client.call("/cubejs-api/v1/load", token: token, body: Self.body(query))
            #expect(load.data.first?["Orders.count"] as? String == "1")
        }
    }

    @Test("/v1/dry-run: normalized queries and the order Cube would apply")
    func dryRun() async throws {
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token()
        try await fixture.withClient { client in
            let response = try await client.call(
                "/cubejs-api/v1/dry-run", token: token,
                body: Self.body(#"{"measures":["Orders.count"],"timeDimensions":[{"dimension":"Orders.orderDate","granularity":"day"}]}"#))
            #expect(response.status == .ok)
            #expect(response["queryType"] as? String == "regularQuery")
            let normalized = try #require(response["normalizedQueries"] as? [[String: Any]])
            #expect(normalized.first?["measures"] as? [String] == ["Orders.count"])
            #expect(response["queryOrder"] as? [[String: String]] == [["Orders.orderDate.day": "asc"]])

            let bad = try await client.call(
                "/cubejs-api/v1/dry-run", token: token, body: Self.body(#"{"measures":["Orders.nope"]}"#))
            #expect(bad.status == .badRequest)
        }
    }

    @Test("/v1/meta: public cubes, views and members with Cube's titles; hidden ones left out")
    func meta() async throws {
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token()
        try await fixture.withClient { client in
            let response = try await client.call("/cubejs-api/v1/meta", method: .get, token: token)
            #expect(response.status == .ok)
            let cubes = try #require(response["cubes"] as? [[String: Any]])
            #expect(cubes.map { $0["name"] as? String } == ["Orders", "Products", "SalesView"])
            #expect(cubes.map { $0["type"] as? String } == ["cube", "cube", "view"])
            let orders = cubes[0]
            #expect(orders["title"] as? String == "Sales Orders")
            let measures = try #require(orders["measures"] as? [[String: Any]])
            let revenue = try #require(measures.first { $0["name"] as? String == "Orders.totalAmount" })
            #expect(revenue["title"] as? String == "Sales Orders Revenue")
            #expect(revenue["aggType"] as? String == "sum")
            #expect(revenue["description"] as? String == "Order value in rupees.")
            let dimensions = try #require(orders["dimensions"] as? [[String: Any]]).compactMap { $0["name"] as? String }
            #expect(dimensions == ["Orders.orderDate", "Orders.status", "Orders.customerName"])
            let status = try #require((orders["dimensions"] as? [[String: Any]])?.first { $0["name"] as? String == "Orders.status" })
            #expect((status["meta"] as? [String: Any])?["synonyms"] as? [String] == ["state"])
            #expect((orders["segments"] as? [[String: Any]])?.first?["name"] as? String == "Orders.completed")
            let view = cubes[2]
            let viewMembers = ((view["measures"] as? [[String: Any]]) ?? []) + ((view["dimensions"] as? [[String: Any]]) ?? [])
            #expect(Set(viewMembers.compactMap { $0["name"] as? String }) == ["SalesView.totalAmount", "SalesView.status", "SalesView.category"])
        }
    }

    @Test("a tenant with its own model_path sees its own model and its own data")
    func tenantModel() async throws {
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token(tenant: "globex")
        try await fixture.withClient { client in
            let meta = try await client.call("/cubejs-api/v1/meta", method: .get, token: token)
            #expect((meta["cubes"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Shipments"])
            let load = try await client.call("/cubejs-api/v1/load", token: token, body: Self.body(#"{"measures":["Shipments.count"]}"#))
            #expect(load.data.first?["Shipments.count"] as? String == "2")
            let other = try await client.call("/cubejs-api/v1/load", token: token, body: Self.body(#"{"measures":["Orders.count"]}"#))
            #expect(other.status == .badRequest)
        }
    }

    @Test("tokens: the bare JWT and Bearer pass; a missing, forged, expired or foreign-tenant token is 401")
    func auth() async throws {
        let fixture = try await CubeAPIFixture()
        let good = try await CubeAPIFixture.token()
        let forged = try await CubeAPIFixture.token(secret: "another-secret-of-the-right-length-32")
        let expired = try await CubeAPIFixture.token(expiresIn: -60)
        let foreign = try await CubeAPIFixture.token(tenant: "initech")
        let query = Self.body(#"{"measures":["Orders.count"]}"#)
        try await fixture.withClient { client in
            #expect(try await client.call("/cubejs-api/v1/load", token: good, body: query).status == .ok)
            #expect(try await client.call("/cubejs-api/v1/load", token: "Bearer \(good)", body: query).status == .ok)
            let missing = try await client.call("/cubejs-api/v1/load", token: nil, body: query)
            #expect(missing.status == .unauthorized)
            #expect(missing.error == "Authorization header isn't set")
            for token in [forged, expired, foreign, "not-a-jwt"] {
                let refused = try await client.call("/cubejs-api/v1/load", token: token, body: query)
                #expect(refused.status == .unauthorized)
                #expect(refused.error?.hasPrefix("Invalid token") == true)
                #expect(refused["data"] == nil)
            }
            let meta = try await client.call("/cubejs-api/v1/meta", method: .get, token: forged)
            #expect(meta.status == .unauthorized)
        }
    }

    @Test("bad input is a 400 naming the problem, and nothing stored is lost")
    func badInput() async throws {
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token()
        let cases: [(body: String, mentions: String)] = [
            (Self.body(#"{"measures":["Orders.nope"]}"#), "Orders.nope"),
            (Self.body(#"{"measures":["Orders.count"],"filters":[{"member":"Orders.status","operator":"like","values":["x"]}]}"#), "like"),
            (Self.body(#"{"measures":["Orders.count"],"timeDimensions":[{"dimension":"Orders.orderDate","dateRange":["2025-13-01","2025-01-31"]}]}"#), "dateRange"),
            (Self.body(#"{"measures":["Orders.count"],"timeDimensions":[{"dimension":"Orders.orderDate","dateRange":"next blue moon"}]}"#), "next blue moon"),
            (Self.body(#"{"measures":["Orders.count"],"limit":50001}"#), "50000"),
            (Self.body(#"{"measures":["Orders.secretNote"]}"#), "hidden member"),
            (Self.body(#"{"dimensions":["Orders.orderId"]}"#), "hidden member"),
            (Self.body(#"{"measures":["Orders.count"],"order":{"Orders.count":"sideways"}}"#), "sideways"),
            ("this is not json", "JSON"),
            (#"{"measures":["Orders.count"]}"#, "query"),
            (Self.body(#""DROP TABLE orders""#), "query"),
        ]
        try await fixture.withClient { client in
            for item in cases {
                let response = try await client.call("/cubejs-api/v1/load", token: token, body: item.body)
                #expect(response.status == .badRequest, "\(item.body)")
                #expect(response.error?.contains(item.mentions) == true, "\(item.body) → \(response.text)")
            }
            let get = try await client.call("/cubejs-api/v1/load", method: .get, token: token)
            #expect(get.status == .badRequest)
            #expect(get.error == "Query param is required")
            let after = try await client.call("/cubejs-api/v1/load", token: token, body: Self.body(#"{"measures":["Orders.count"]}"#))
            #expect(after.data.first?["Orders.count"] as? String == "5")
        }
    }

    @Test("browsers on other origins may call the API, as with Cube's default CORS")
    func cors() async throws {
        let fixture = try await CubeAPIFixture()
        try await fixture.withClient { client in
            try await client.execute(
                uri: "/cubejs-api/v1/load", method: .options,
                headers: [.origin: "https://dashboard.example.com", .accessControlRequestMethod: "POST"]
            ) { response in
                #expect(response.status == .noContent || response.status == .ok)
                #expect(response.headers[.accessControlAllowOrigin] == "*")
                #expect(response.headers[.accessControlAllowHeaders]?.lowercased().contains("authorization") == true)
            }
        }
    }
}
