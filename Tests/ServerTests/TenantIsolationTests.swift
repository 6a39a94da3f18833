import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Observability
import Semantic
import Server
import Testing

/// What a verified caller can reach: only their own tenant, whatever they put in the body,
/// headers, query string or session id; only their own territory when their role is bounded
/// (row-level security, the same rows as the query filtered by hand); and no more requests
/// than the rate limits allow.
@Suite("Tenant isolation and row-level security", .serialized)
struct TenantIsolationTests {

    static func json(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    static var brandQuery: [String: Any] { [
        "measures": ["Transactions.netSales"], "dimensions": ["Products.brand"],
        "timeDimensions": [["dimension": "Transactions.transactionDate", "dateRange": ["2025-01-01", "2025-06-30"]]],
        "order": [["Products.brand", "asc"]],
    ] }

    static func brands(_ response: JSONResponse) -> Set<String> {
        Set(response.data.compactMap { $0["Products.brand"] as? String })
    }

    static func rows(_ response: JSONResponse) -> [[String: String]] {
        response.data.map { $0.compactMapValues { "\($0)" } }
    }

    /// The brands of `brands` named anywhere in `text`.
    static func mentioned(_ brands: Set<String>, in text: String) -> Set<String> {
        brands.filter { text.contains($0) }
    }

    @Test func theTenantComesOnlyFromTheToken() async throws {
        try await SampleTenants.shared.withClient { client in
            let itc = try await SampleTenants.token("itc", role: "admin")
            let nestle = try await SampleTenants.token("nestle", role: "admin")
            let plain = try Self.json(["query": Self.brandQuery])
            let own = try await client.call("/cubejs-api/v1/load", token: itc, body: plain)
            #expect(own.status == .ok, "\(own.text)")
            let theirs = try await client.call("/cubejs-api/v1/load", token: nestle, body: plain)
            // Each company has its own catalogue: what B sells never shows in A's answers.
            let itcBrands = Self.brands(own)
            let nestleBrands = Self.brands(theirs)
            #expect(!itcBrands.isEmpty && !nestleBrands.isEmpty && itcBrands.isDisjoint(with: nestleBrands))

            // Tenant B named in the body, the query, a header or the query string: still A's rows.
            let attempts: [(String, String, HTTPFields)] = [
                ("/cubejs-api/v1/load", try Self.json(["query": Self.brandQuery, "tenant": "nestle"]), [:]),
                ("/cubejs-api/v1/load", try Self.json(["query": Self.brandQuery.merging(["tenant": "nestle"]) { $1 }]), [:]),
                ("/cubejs-api/v1/load?tenant=nestle", plain, [:]),
                ("/cubejs-api/v1/load", plain, [HTTPField.Name("X-Tenant")!: "nestle", HTTPField.Name("X-Tenant-Id")!: "nestle"]),
            ]
            for (uri, body, extra) in attempts {
                var headers: HTTPFields = [.authorization: itc, .contentType: "application/json"]
                headers.append(contentsOf: extra)
                let status = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
                    response in
                    let text = String(buffer: response.body)
                    #expect(Self.mentioned(nestleBrands, in: text).isEmpty, "\(uri): \(text.prefix(300))")
                    if response.status == .ok {
                        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                        let data = json?["data"] as? [[String: Any]] ?? []
                        #expect(data.map { $0.compactMapValues { "\($0)" } } == Self.rows(own), "\(uri)")
                    }
                    return response.status
                }
                #expect([.ok, .badRequest].contains(status), "\(uri)")
            }

            // The conversation API: a tenant in the body or the query string changes nothing.
            for uri in ["/api/v1/ask", "/api/v1/ask?tenant=nestle"] {
                let body = try Self.json([
                    "question": "net sales by brand last month", "asOf": SampleTenants.asOf, "tenant": "nestle",
                ])
                let answer = try await client.call(uri, token: itc, body: body)
                #expect(answer.status == .ok, "\(answer.text)")
                #expect(!Self.mentioned(itcBrands, in: answer.text).isEmpty)
                #expect(Self.mentioned(nestleBrands, in: answer.text).isEmpty, "\(uri)")
            }

            // The value index is per tenant: A's clarifying options never list B's brands.
            _ = try await client.call(
                "/api/v1/ask", token: nestle, body: try Self.json(["question": "show me sales", "asOf": SampleTenants.asOf]))
            let broad = try await client.call(
                "/api/v1/ask", token: itc, body: try Self.json(["question": "show me sales", "asOf": SampleTenants.asOf]))
            #expect(broad["status"] as? String == "needs_clarification")
            #expect(Self.mentioned(nestleBrands, in: broad.text).isEmpty)
            #expect(!Self.mentioned(itcBrands, in: broad.text).isEmpty, "\(broad.text.prefix(400))")
        }
    }

    @Test func anotherTenantsSessionIsNeverContinued() async throws {
        try await SampleTenants.shared.withClient { client in
            // Same user id in both tenants: only the tenant differs.
            let nestle = try await SampleTenants.token("nestle", user: "same-user")
            let itc = try await SampleTenants.token("itc", user: "same-user")
            let opened = try await client.call(
                "/api/v1/ask", token: nestle,
                body: try Self.json(["question": "net sales of Maggi by month this year", "asOf": SampleTenants.asOf]))
            let session = try #require(opened["sessionId"] as? String, "\(opened.text)")
            let pending = try await client.call(
                "/api/v1/ask", token: nestle, body: try Self.json(["question": "show me sales", "asOf": SampleTenants.asOf]))
            let pendingSession = try #require(pending["sessionId"] as? String)

            let clarify = try await client.call(
                "/api/v1/ask/clarify", token: itc,
                body: try Self.json(["sessionId": pendingSession, "answers": ["time": "last month"]]))
            #expect(clarify.status == .notFound, "\(clarify.text)")
            #expect(!clarify.text.contains("Maggi"))
            // A follow-up under B's session id starts afresh in A: B's "Maggi" filter is not carried over.
            let followUp = try await client.call(
                "/api/v1/ask", token: itc,
                body: try Self.json(["question": "and last month?", "sessionId": session, "asOf": SampleTenants.asOf]))
            #expect(!followUp.text.contains("Maggi"), "\(followUp.text.prefix(400))")
            #expect(followUp["status"] as? String != "answered" || !(followUp.text.contains("Products.brand")))
        }
    }

    @Test func usageMetricsShowOnlyTheCallersTenant() async throws {
        let logger = Logger(label: "test")
        let tracker = UsageTracker(
            store: try await UsageStore.sqlite(path: nil, logger: logger), pricing: PricingTable(prices: []), logger: logger)
        do {
            try await SampleTenants.shared.withClient(tracker: tracker) { client in
                let marker = "net sales of Maggi in Kerala last month"
                let nestle = try await SampleTenants.token("nestle", role: "admin")
                let itc = try await SampleTenants.token("itc", role: "admin")
                _ = try await client.call(
                    "/api/v1/ask", token: nestle, body: try Self.json(["question": marker, "asOf": SampleTenants.asOf]))
                try await tracker.flush()
                for path in ["top-questions?", "summary?by=user&", "daily?", "cost-by-model?"] {
                    let mine = try await client.call("/api/v1/metrics/\(path)days=3660&tenant=nestle", method: .get, token: itc)
                    #expect(mine.status == .ok, "\(mine.text)")
                    #expect(mine["tenant"] as? String == "itc")
                    #expect(!mine.text.lowercased().contains("maggi") && !mine.text.contains("nestle"), "\(path): \(mine.text.prefix(300))")
                }
                let theirs = try await client.call("/api/v1/metrics/top-questions?days=3660", method: .get, token: nestle)
                #expect(theirs.text.contains("maggi"), "\(theirs.text)")
            }
        } catch {
            await tracker.shutdown()
            throw error
        }
        await tracker.shutdown()
    }

    // MARK: Row-level security

    static func withTerritories(_ configuration: inout ConvAIConfiguration) {
        configuration.rowLevelSecurity = .salesTerritories
        // So that the bounded roles' Cube API answers can be compared too.
        configuration.permissions.grants["sales_rep"] = [.ask, .cubeAPI]
    }

    static func filtered(_ query: [String: Any], member: String, value: String) -> [String: Any] {
        var query = query
        query["filters"] = [["member": member, "operator": "equals", "values": [value]]]
        return query
    }

    @Test func boundedRolesSeeExactlyTheirTerritory() async throws {
        try await SampleTenants.shared.withClient(configure: Self.withTerritories) { client in
            let admin = try await SampleTenants.token("itc", role: "admin")
            // A sales officer of the seeded hierarchy, signed in by e-mail: their city comes from
            // their dim_sales_hierarchy row.
            let officers = try await client.call(
                "/cubejs-api/v1/load", token: admin,
                body: try Self.json([
                    "query": [
                        "dimensions": ["SalesHierarchy.email", "SalesHierarchy.territoryName"],
                        "filters": [["member": "SalesHierarchy.role", "operator": "equals", "values": ["SO"]]],
                        "order": [["SalesHierarchy.email", "asc"]], "limit": 1,
                    ]
                ]))
            let officer = try #require(officers.data.first, "\(officers.text)")
            let email = try #require(officer["SalesHierarchy.email"] as? String)
            let city = try #require(officer["SalesHierarchy.territoryName"] as? String)
            let salesRep = try await SampleTenants.token("itc", user: email, role: "sales_rep")

            let whole = try await client.call("/cubejs-api/v1/load", token: admin, body: try Self.json(["query": Self.brandQuery]))
            let byHand = try await client.call(
                "/cubejs-api/v1/load", token: admin,
                body: try Self.json(["query": Self.filtered(Self.brandQuery, member: "Customers.city", value: city)]))
            let asRep = try await client.call("/cubejs-api/v1/load", token: salesRep, body: try Self.json(["query": Self.brandQuery]))
            #expect(asRep.status == .ok, "\(asRep.text)")
            #expect(!asRep.data.isEmpty)
            #expect(Self.rows(asRep) == Self.rows(byHand), "a sales_rep sees \(city)'s rows, no more, no less")
            #expect(Self.rows(asRep) != Self.rows(whole))
            // A filter of their own for another city cannot widen the view: it narrows to nothing.
            let elsewhere = try await client.call(
                "/cubejs-api/v1/load", token: salesRep,
                body: try Self.json(["query": Self.filtered(Self.brandQuery, member: "Customers.city", value: "Some Other City")]))
            #expect(elsewhere.status == .ok)
            #expect(elsewhere.data.isEmpty)

            // The same through the conversation API, and without the SQL for a sales_rep.
            let question = try Self.json(["question": "net sales by brand last month", "asOf": SampleTenants.asOf])
            let repAnswer = try await client.call("/api/v1/ask", token: salesRep, body: question)
            #expect(repAnswer["status"] as? String == "answered", "\(repAnswer.text)")
            #expect(repAnswer["sql"] == nil)
            let understood = try #require(repAnswer["query"] as? [String: Any])
            let repCheck = try await client.call(
                "/cubejs-api/v1/load", token: admin,
                body: try Self.json(["query": Self.filtered(understood, member: "Customers.city", value: city)]))
            #expect(Self.rows(repAnswer) == Self.rows(repCheck), "\(repAnswer.text.prefix(300))")
            let adminAnswer = try await client.call("/api/v1/ask", token: admin, body: question)
            #expect(adminAnswer["sql"] is String)
            #expect(Self.rows(adminAnswer) != Self.rows(repAnswer))

            // Asked back, a sales_rep is not offered other places (nor shown how they rank).
            let broad = try await client.call(
                "/api/v1/ask", token: salesRep, body: try Self.json(["question": "show me sales", "asOf": SampleTenants.asOf]))
            #expect(broad["status"] as? String == "needs_clarification", "\(broad.text)")
            let dimensions = (broad["questions"] as? [[String: Any]] ?? []).compactMap { $0["dimension"] as? String }
            #expect(dimensions.contains("time") && !dimensions.contains("geography"), "\(dimensions)")
            #expect(!broad.text.contains("Maharashtra") && !broad.text.contains("Karnataka"), "\(broad.text.prefix(500))")
            // Products named, no place: the suggestions do not name the tenant's best-selling state either.
            let brandOnly = try await client.call(
                "/api/v1/ask", token: salesRep,
                body: try Self.json(["question": "show me sales of Sunfeast", "asOf": SampleTenants.asOf]))
            let suggestions = (brandOnly["suggestions"] as? [String]) ?? []
            #expect(!suggestions.isEmpty && !suggestions.contains { $0.contains(" in ") }, "\(suggestions)")
            let adminBrandOnly = try await client.call(
                "/api/v1/ask", token: admin, body: try Self.json(["question": "show me sales of Sunfeast", "asOf": SampleTenants.asOf]))
            #expect(((adminBrandOnly["suggestions"] as? [String]) ?? []).contains { $0.contains(" in ") }, "\(adminBrandOnly.text.prefix(400))")
            let adminBroad = try await client.call(
                "/api/v1/ask", token: admin, body: try Self.json(["question": "show me sales", "asOf": SampleTenants.asOf]))
            #expect(adminBroad.text.contains("Maharashtra"))

            // A manager bounded by a territory claim sees their state.
            let manager = try await SampleTenants.token("itc", user: "asm-claim", role: "manager", territory: "State:Maharashtra")
            let asManager = try await client.call("/cubejs-api/v1/load", token: manager, body: try Self.json(["query": Self.brandQuery]))
            let stateByHand = try await client.call(
                "/cubejs-api/v1/load", token: admin,
                body: try Self.json(["query": Self.filtered(Self.brandQuery, member: "Customers.state", value: "Maharashtra")]))
            #expect(!asManager.data.isEmpty)
            #expect(Self.rows(asManager) == Self.rows(stateByHand))

            // Unbounded roles see the whole tenant.
            let executive = try await SampleTenants.token("itc", user: "nsm", role: "executive")
            let asExecutive = try await client.call("/cubejs-api/v1/load", token: executive, body: try Self.json(["query": Self.brandQuery]))
            #expect(Self.rows(asExecutive) == Self.rows(whole))

            // A bounded role with no territory at all is refused, never shown everything.
            let lost = try await SampleTenants.token("itc", user: "not-in-the-hierarchy", role: "sales_rep")
            let refusedLoad = try await client.call("/cubejs-api/v1/load", token: lost, body: try Self.json(["query": Self.brandQuery]))
            #expect(refusedLoad.status == .forbidden, "\(refusedLoad.text)")
            #expect(refusedLoad.data.isEmpty)
            let refusedAsk = try await client.call("/api/v1/ask", token: lost, body: question)
            #expect(refusedAsk.status == .forbidden)
            #expect(refusedAsk["data"] == nil)
        }
    }

    // MARK: Limits

    @Test func rateLimitsAnswer429WithRetryAfterPerUserAndPerTenant() async throws {
        let fixture = try await CubeAPIFixture()
        let authority = try await TokenAuthority(secret: CubeAPIFixture.secret, tenants: ["acme"])
        func token(_ user: String) async throws -> String {
            try await authority.mint(AccessClaims(tenant: "acme", subject: user, role: "analyst", expiresAt: Date() + 600))
        }
        let first = try await token("first")
        let second = try await token("second")
        let third = try await token("third")
        let query = #"{"query":{"measures":["Orders.count"]}}"#
        try await fixture.withClient(configure: { configuration in
            configuration.limits = LimitSettings(
                perUserRequestsPerMinute: 1, perUserBurst: 3, perTenantRequestsPerMinute: 1, perTenantBurst: 5)
        }) { client in
            for _ in 0..<3 { #expect(try await client.call("/cubejs-api/v1/load", token: first, body: query).status == .ok) }
            try await client.execute(
                uri: "/cubejs-api/v1/load", method: .post, headers: [.authorization: first], body: ByteBuffer(string: query)
            ) { response in
                #expect(response.status == .tooManyRequests)
                // One request a minute: the next token is a minute away, give or take the test's own time.
                let retryAfter = Int(response.headers[.retryAfter] ?? "") ?? 0
                #expect((55...60).contains(retryAfter), "Retry-After \(retryAfter)")
            }
            // Another user has their own bucket, until the tenant's is empty (5 in all).
            #expect(try await client.call("/cubejs-api/v1/load", token: second, body: query).status == .ok)
            #expect(try await client.call("/cubejs-api/v1/load", token: second, body: query).status == .ok)
            let tenantLimited = try await client.call("/cubejs-api/v1/load", token: third, body: query)
            #expect(tenantLimited.status == .tooManyRequests)
            #expect(tenantLimited.error?.hasPrefix("Too many requests") == true)
        }
    }

    @Test func oversizedBodiesAndRowLimitsAreRefused() async throws {
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token()
        try await fixture.withClient(configure: { configuration in
            configuration.limits.maxBodyBytes = 2048
            configuration.limits.maxRows = 100
        }) { client in
            let padding = String(repeating: " ", count: 4096)
            let big = try await client.call("/cubejs-api/v1/load", token: token, body: #"{"query":{"measures":["Orders.count"]}}"# + padding)
            #expect(big.status == .contentTooLarge, "\(big.text)")
            let tooMany = try await client.call(
                "/cubejs-api/v1/load", token: token, body: #"{"query":{"dimensions":["Orders.status"],"limit":101}}"#)
            #expect(tooMany.status == .badRequest)
            #expect(tooMany.error?.contains("maximum of 100 rows") == true, "\(tooMany.text)")
            let defaulted = try await client.call("/cubejs-api/v1/load", token: token, body: #"{"query":{"dimensions":["Orders.status"]}}"#)
            #expect(defaulted.status == .ok)
            #expect((defaulted["query"] as? [String: Any])?["limit"] as? Int == 100)
        }
    }
}
