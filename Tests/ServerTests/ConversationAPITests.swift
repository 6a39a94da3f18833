import AsyncHTTPClient
import Conversation
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Observability
import Server
import Testing
import Warehouse

/// POST /api/v1/ask and /ask/clarify over the seeded sample tenants, and the evaluation set.
/// Serialized: every test opens the same DuckDB files.
@Suite("Conversation API", .serialized)
struct ConversationAPITests {
    private func ask(
        _ client: any TestClientProtocol, _ tenant: String, _ question: String, session: String? = nil,
        user: String = "manager-1"
    ) async throws -> JSONResponse {
        var body: [String: Any] = ["question": question, "asOf": SampleTenants.asOf]
        if let session { body["sessionId"] = session }
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        return try await client.call("/api/v1/ask", token: try await SampleTenants.token(tenant, user: user), body: text)
    }

    private func clarify(
        _ client: any TestClientProtocol, _ tenant: String, session: String, answers: [String: String]
    ) async throws -> JSONResponse {
        let body: [String: Any] = ["sessionId": session, "answers": answers]
        let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
        return try await client.call("/api/v1/ask/clarify", token: try await SampleTenants.token(tenant), body: text)
    }

    @Test func evaluationSetScoresAtLeast95PercentAndClarifiesEveryBroadQuestion() async throws {
        let evaluation = try ConversationEvaluation.load(
            path: SampleTenants.root.appendingPathComponent("eval/conversation.yml").path)
        #expect(evaluation.cases.count >= 150)
        let outcomes = OutcomeBox()
        try await SampleTenants.shared.withClient { client in
            let result = await evaluation.run { tenant, question, session, asOf in
                var body: [String: Any] = ["question": question, "asOf": asOf]
                if let session { body["sessionId"] = session }
                let text = String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                return Data(try await client.call("/api/v1/ask", token: try await SampleTenants.token(tenant), body: text).text.utf8)
            }
            await outcomes.set(result)
        }
        let result = await outcomes.value
        let report = ConversationEvaluation.report(result)
        print(report)
        let passed = result.filter(\.passed).count
        #expect(Double(passed) / Double(result.count) >= 0.95, "\(report)")
        for outcome in result where outcome.category == "clarify" {
            #expect(outcome.passed, "\(outcome.id) was not clarified: \(outcome.failures)")
        }
    }

    @Test func broadQuestionIsClarifiedWithOptionsFromTheDataAndTheChoicesAnswerIt() async throws {
        try await SampleTenants.shared.withClient { client in
            let reply = try await ask(client, "itc", "show me sales")
            #expect(reply.status == .ok)
            #expect(reply["status"] as? String == "needs_clarification", "\(reply.text)")
            let questions = reply["questions"] as? [[String: Any]] ?? []
            let byDimension = Dictionary(questions.map { ($0["dimension"] as? String ?? "", $0["options"] as? [String] ?? []) }) { a, _ in a }
            #expect(Set(byDimension.keys).isSuperset(of: ["time", "products", "geography"]))
            // Options are the tenant's own brands and states, most sold first.
            let brands = byDimension["products"] ?? []
            #expect(brands.contains("Aashirvaad") || brands.contains("Bingo!"), "\(brands)")
            #expect(!brands.contains("Maggi"))
            #expect((byDimension["geography"] ?? []).contains("Maharashtra") || (byDimension["geography"] ?? []).contains("Uttar Pradesh"))
            let session = try #require(reply["sessionId"] as? String)
            let brand = try #require(brands.first { $0 != "all products" })
            let state = try #require(byDimension["geography"]?.first { $0 != "all of India" })

            let answered = try await clarify(
                client, "itc", session: session, answers: ["time": "last month", "products": brand, "geography": state])
            #expect(answered["status"] as? String == "answered", "\(answered.text)")
            let query = answered["query"] as? [String: Any] ?? [:]
            let time = (query["timeDimensions"] as? [[String: Any]])?.first
            #expect(time?["dateRange"] as? [String] == ["2025-05-01", "2025-05-31"])
            let filters = (query["filters"] as? [[String: Any]] ?? []).map { "\($0["member"]!)=\(($0["values"] as? [String]) ?? [])" }
            #expect(Set(filters) == ["Products.brand=[\"\(brand)\"]", "Customers.state=[\"\(state)\"]"])
            #expect(!answered.data.isEmpty)
            #expect((answered["insight"] as? [String: Any])?["text"] as? String != nil)
            // One number (a brand in a state, last month): a KPI card with the value of the data, no chart.
            let visualization = try #require(answered["visualization"] as? [String: Any])
            #expect(visualization["kind"] as? String == "kpi")
            #expect(answered["chart"] is NSNull)
            let kpi = try #require(visualization["kpi"] as? [String: Any])
            let value = try #require(answered.data.first?["Transactions.netSales"] as? String)
            #expect(abs(((kpi["value"] as? NSNumber)?.doubleValue ?? .nan) - (Double(value) ?? 0)) < 0.01)
        }
    }

    @Test func answersMatchTheDatabase() async throws {
        let configuration = try await SampleTenants.shared.configuration()
        let path = try #require(configuration.tenants.first { $0.id == "nestle" }?.database.path)
        let expected: Double
        do {
            let database = try DuckDBDatabase(configuration: .init(path: path))
            let result = try await database.query(
                """
                SELECT sum(f.net_amount) FROM fact_sales_transactions f JOIN dim_customer c ON c.customer_id = f.customer_id
                WHERE c.state = 'Karnataka' AND f.transaction_date BETWEEN DATE '2025-05-01' AND DATE '2025-05-31'
                """, [])
            expected = try #require(result.scalar?.doubleValue)
            try await database.close()
        }
        try await SampleTenants.shared.withClient { client in
            let reply = try await ask(client, "nestle", "net sales in Karnataka last month")
            #expect(reply["status"] as? String == "answered", "\(reply.text)")
            let value = try #require(reply.data.first?["Transactions.netSales"] as? String)
            #expect(abs((Double(value) ?? 0) - expected) < 0.01)
            #expect((reply["understood"] as? String)?.contains("1–31 May 2025") == true, "\(reply["understood"] ?? "")")
        }
    }

    @Test func comparisonsAnswerBothPeriodsAndTheChange() async throws {
        try await SampleTenants.shared.withClient { client in
            let reply = try await ask(client, "unilever", "net sales last month vs last year")
            #expect(reply["status"] as? String == "answered", "\(reply.text)")
            let comparison = try #require(reply["comparison"] as? [String: Any])
            #expect((comparison["current"] as? [String: Any])?["dateRange"] as? [String] == ["2025-05-01", "2025-05-31"])
            #expect((comparison["previous"] as? [String: Any])?["dateRange"] as? [String] == ["2024-05-01", "2024-05-31"])
            let current = try #require(Double(comparison["currentValue"].map { "\($0)" } ?? ""))
            let previous = try #require(Double(comparison["previousValue"].map { "\($0)" } ?? ""))
            let change = try #require(Double(comparison["changePercent"].map { "\($0)" } ?? ""))
            #expect(abs(change - (current - previous) / abs(previous) * 100) < 0.01)
            let insight = (reply["insight"] as? [String: Any])?["text"] as? String ?? ""
            #expect(insight.contains("May 2024"), "\(insight)")
        }
    }

    @Test func followUpsSurviveARestart() async throws {
        let session = "restart-\(UUID().uuidString)"
        try await SampleTenants.shared.withClient { client in
            let first = try await ask(client, "itc", "top 3 brands in Maharashtra last month", session: session)
            #expect(first["status"] as? String == "answered", "\(first.text)")
        }
        // A new application over the same sessions file: the conversation continues.
        try await SampleTenants.shared.withClient { client in
            let next = try await ask(client, "itc", "what about Karnataka?", session: session)
            #expect(next["status"] as? String == "answered", "\(next.text)")
            let query = next["query"] as? [String: Any] ?? [:]
            #expect(query["limit"] as? Int == 3)
            let filters = (query["filters"] as? [[String: Any]]) ?? []
            #expect(filters.count == 1)
            #expect(filters.first?["values"] as? [String] == ["Karnataka"])
            // Another user cannot continue it.
            let stranger = try await ask(client, "itc", "and Kerala?", session: session, user: "someone-else")
            #expect(stranger.status == .forbidden, "\(stranger.text)")
        }
    }

    @Test func badRequestsGetClearErrors() async throws {
        try await SampleTenants.shared.withClient { client in
            let token = try await SampleTenants.token("itc")
            let empty = try await client.call("/api/v1/ask", token: token, body: #"{"question": "  "}"#)
            #expect(empty.status == .badRequest)
            #expect(empty.error?.contains("empty") == true)
            let badDate = try await client.call("/api/v1/ask", token: token, body: #"{"question": "sales", "asOf": "2025-02-30"}"#)
            #expect(badDate.status == .badRequest)
            #expect(badDate.error?.contains("asOf") == true)
            let notJSON = try await client.call("/api/v1/ask", token: token, body: "question=sales")
            #expect(notJSON.status == .badRequest)
            let noToken = try await client.call("/api/v1/ask", token: nil, body: #"{"question": "sales"}"#)
            #expect(noToken.status == .unauthorized)
            let unknownSession = try await client.call(
                "/api/v1/ask/clarify", token: token, body: #"{"sessionId": "nope", "answers": {"time": "last month"}}"#)
            #expect(unknownSession.status == .notFound)
            let broad = try await ask(client, "itc", "show me sales")
            let session = try #require(broad["sessionId"] as? String)
            let badDimension = try await client.call(
                "/api/v1/ask/clarify", token: token, body: #"{"sessionId": "\#(session)", "answers": {"colour": "red"}}"#)
            #expect(badDimension.status == .badRequest)
            #expect(badDimension.error?.contains("colour") == true)
            // The refused clarification lost nothing: the question still waits for its answer.
            let answered = try await clarify(client, "itc", session: session, answers: ["time": "last quarter"])
            #expect(answered["status"] as? String == "answered", "\(answered.text)")
        }
    }

    @Test func unknownWordsAreReportedNotDropped() async throws {
        try await SampleTenants.shared.withClient { client in
            let reply = try await ask(client, "nestle", "net sales of zorblax last month")
            #expect(reply["status"] as? String == "needs_clarification")
            #expect(reply["unrecognized"] as? [String] == ["zorblax"])
            let session = try #require(reply["sessionId"] as? String)
            let answered = try await clarify(client, "nestle", session: session, answers: ["unrecognized": "ignore those words"])
            #expect(answered["status"] as? String == "answered", "\(answered.text)")
        }
    }
}

extension ConversationAPITests {
    /// An OpenAI-compatible endpoint that answers every chat completion with one Cube query.
    static func fakeOpenAI(requests: RequestLog) -> some ApplicationProtocol {
        let router = Router()
        router.post("v1/chat/completions") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            await requests.append(String(buffer: body))
            let content = #"{"query": {"measures": ["Transactions.netSales"], "timeDimensions": [{"dimension": "Transactions.transactionDate", "dateRange": ["2025-05-01", "2025-05-31"]}]}}"#
            let reply: [String: Any] = [
                "id": "chatcmpl-test", "object": "chat.completion", "model": "gpt-test",
                "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
                "usage": ["prompt_tokens": 1200, "completion_tokens": 60, "prompt_tokens_details": ["cached_tokens": 1000]],
            ]
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: reply))))
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    }

    @Test func anLLMAnswersOnlyWhatTheParserDidNotUnderstand() async throws {
        let requests = RequestLog()
        try await Self.fakeOpenAI(requests: requests).test(.live) { llm in
            let port = try #require(llm.port)
            let provider = try LLMProviders.make(
                LLMConfiguration(provider: .openai, model: "gpt-test", endpoint: "http://127.0.0.1:\(port)/v1", apiKeyEnv: "TEST_KEY"),
                environment: ["TEST_KEY": "sk-test"], httpClient: .shared)
            try await SampleTenants.shared.withClient(llmProviders: ["itc": provider]) { client in
                // Understood by the parser: the LLM is not asked.
                let plain = try await ask(client, "itc", "net sales last month")
                #expect(plain["source"] as? String == "parser")
                #expect(await requests.count == 0)
                // Too broad is asked back, LLM or not.
                let broad = try await ask(client, "itc", "show me sales")
                #expect(broad["status"] as? String == "needs_clarification")
                #expect(await requests.count == 0)
                // Not understood: the LLM's query is checked, run and labelled as the LLM's.
                let odd = try await ask(client, "itc", "how did the zorblax campaign do last month")
                #expect(odd["status"] as? String == "answered", "\(odd.text)")
                #expect(odd["source"] as? String == "llm")
                let usage = odd["usage"] as? [String: Any] ?? [:]
                #expect(usage["inputTokens"] as? Int == 1200)
                #expect(usage["outputTokens"] as? Int == 60)
                #expect(usage["cachedInputTokens"] as? Int == 1000)
                #expect(!odd.data.isEmpty)
                #expect(await requests.count == 1)
                // Another tenant without an LLM is asked back.
                let other = try await ask(client, "nestle", "how did the zorblax campaign do last month")
                #expect(other["status"] as? String == "needs_clarification")
            }
        }
    }
}

extension ConversationAPITests {
    @Test func valuesAreReReadAfterATransform() async throws {
        let configuration = try await SampleTenants.shared.configuration()
        let router = TenantRouter(tenants: configuration.tenants, logger: Logger(label: "test"))
        let sessions = try await SessionStore(path: nil)
        let service = ConversationService(
            tenants: router, semantic: SemanticCatalog.load(configuration: configuration, logger: Logger(label: "test")),
            sessions: sessions, logger: Logger(label: "test"), transformCheckInterval: .zero)
        let asOf = SQLDate(iso: SampleTenants.asOf)
        let before = try await service.ask(
            tenant: "itc", user: "u1", question: "quokka crunch sales last month", sessionId: nil, asOf: asOf)
        #expect(before.status == "needs_clarification")
        let database = try await router.database(for: "itc")
        _ = try await database.execute(
            """
            INSERT INTO dim_product (product_id, sku, product_name, brand, category, sub_category, unit_price, unit_of_measure)
            VALUES (990001, 'ITC-QQ-01', 'Quokka Crunch 50 g', 'Quokka Crunch', 'Snacks', 'Chips', 20, 'Pack')
            """, [])
        // Until a transform is recorded, the index is not re-read.
        let unchanged = try await service.ask(
            tenant: "itc", user: "u1", question: "quokka crunch sales last month", sessionId: nil, asOf: asOf)
        #expect(unchanged.status == "needs_clarification")
        _ = try await database.execute(
            "INSERT INTO etl_transform_runs (finished_at, models_built) VALUES (now(), 1)", [])
        let after = try await service.ask(
            tenant: "itc", user: "u1", question: "quokka crunch sales last month", sessionId: nil, asOf: asOf)
        #expect(after.status == "answered", "\(after.text)")
        #expect(after.json.contains(#"{"member":"Products.brand","operator":"equals","values":["Quokka Crunch"]}"#))
        _ = try await database.execute("DELETE FROM dim_product WHERE product_id = 990001", [])
        try await sessions.close()
        await router.closeAll()
    }
}

extension ConversationAPITests {
    @Test func everyQuestionIsRecordedAndReadBackByRole() async throws {
        let logger = Logger(label: "test")
        let pricing = try PricingTable.parse(
            yaml: """
                prices:
                  - {provider: openai, model: gpt-test, starts: 2024-01-01, input: 2.50, cached_input: 1.25, output: 10.00}
                """)
        let tracker = UsageTracker(store: try await UsageStore.sqlite(path: nil, logger: logger), pricing: pricing, logger: logger)
        let requests = RequestLog()
        try await Self.fakeOpenAI(requests: requests).test(.live) { llm in
            let port = try #require(llm.port)
            let provider = try LLMProviders.make(
                LLMConfiguration(provider: .openai, model: "gpt-test", endpoint: "http://127.0.0.1:\(port)/v1", apiKeyEnv: "TEST_KEY"),
                environment: ["TEST_KEY": "sk-test"], httpClient: .shared)
            try await SampleTenants.shared.withClient(llmProviders: ["itc": provider], tracker: tracker) { client in
                func ask(_ question: String, department: String) async throws -> JSONResponse {
                    let body = String(
                        decoding: try JSONSerialization.data(withJSONObject: ["question": question, "asOf": SampleTenants.asOf]),
                        as: UTF8.self)
                    let token = try await SampleTenants.token("itc", user: "u-\(department)", department: department, customer: "kirana-club")
                    return try await client.call("/api/v1/ask", token: token, body: body)
                }
                #expect(try await ask("net sales last month", department: "sales")["status"] as? String == "answered")
                #expect(try await ask("top 3 brands last month", department: "sales")["status"] as? String == "answered")
                #expect(try await ask("show me sales", department: "sales")["status"] as? String == "needs_clarification")
                #expect(try await ask("how did the zorblax campaign do last month", department: "sales")["source"] as? String == "llm")
                #expect(try await ask("   ", department: "sales").status == .badRequest)
                #expect(try await ask("net sales this month", department: "finance")["status"] as? String == "answered")
                try await tracker.flush()

                let admin = try await SampleTenants.token("itc", user: "boss", role: "admin")
                let summary = try await client.call("/api/v1/metrics/summary?by=department&days=7", method: .get, token: admin)
                #expect(summary.status == .ok, "\(summary.text)")
                let rows = summary["rows"] as? [[String: Any]] ?? []
                let sales = try #require(rows.first { $0["key"] as? String == "sales" }, "\(summary.text)")
                #expect(sales["queries"] as? Int == 5)
                #expect(sales["answered"] as? Int == 3)
                #expect(sales["clarifications"] as? Int == 1)
                #expect(sales["rejected"] as? Int == 1)
                #expect(sales["llmCalls"] as? Int == 1)
                #expect(sales["inputTokens"] as? Int == 1200)
                // (200 × 2.50 + 1000 × 1.25 + 60 × 10.00) / 1,000,000 USD, exactly.
                #expect(sales["costUSD"] as? String == "0.00235")
                #expect(rows.first { $0["key"] as? String == "finance" }?["queries"] as? Int == 1)
                let byCustomer = try await client.call("/api/v1/metrics/summary?by=customer&days=7", method: .get, token: admin)
                #expect((byCustomer["rows"] as? [[String: Any]])?.first?["key"] as? String == "kirana-club")
                let models = try await client.call("/api/v1/metrics/cost-by-model?days=7", method: .get, token: admin)
                #expect((models["models"] as? [[String: Any]])?.first?["costUSD"] as? String == "0.00235", "\(models.text)")

                let manager = try await SampleTenants.token("itc", role: "manager")
                let refused = try await client.call("/api/v1/metrics/summary", method: .get, token: manager)
                #expect(refused.status == .forbidden)
                let badDays = try await client.call("/api/v1/metrics/daily?days=0", method: .get, token: admin)
                #expect(badDays.status == .badRequest)
            }
        }
        await tracker.shutdown()
    }
}

actor RequestLog {
    private(set) var bodies: [String] = []
    var count: Int { bodies.count }
    func append(_ body: String) { bodies.append(body) }
}

actor OutcomeBox {
    var value: [ConversationEvaluation.Outcome] = []
    func set(_ outcomes: [ConversationEvaluation.Outcome]) { value = outcomes }
}
