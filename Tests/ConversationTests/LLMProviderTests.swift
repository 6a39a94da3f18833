import AsyncHTTPClient
import Conversation
import Foundation
import Hummingbird
import Logging
import NIOCore
import Semantic
import Testing
import Warehouse
import Yams

/// The shipped model, loaded once.
private let llmModel: DataModel = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    // The shipped model is part of the repository; failing to load it is a test failure elsewhere.
    return try! DataModel.load(from: root.appendingPathComponent("model"))
}()

private let asOf = SQLDate(year: 2025, month: 6, day: 30)!

// MARK: A local stand-in for the providers

/// One request the stub server received.
private struct RecordedRequest: Sendable {
    var method: String
    var path: String
    var query: String?
    /// Header values by lower-cased name.
    var headers: [String: String]
    var body: Data

    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
}

/// What the stub server answers to every request.
private struct StubReply: Sendable {
    var status: Int = 200
    var body: String
    /// Seconds to wait before answering.
    var delaySeconds: Double = 0
    /// When set, the head and the first half of the body are sent at once and the rest this
    /// many seconds later.
    var bodyStallSeconds: Double = 0
}

/// The requests a stub server received, in order.
private actor RequestLog {
    private(set) var requests: [RecordedRequest] = []
    func append(_ request: RecordedRequest) { requests.append(request) }
}

/// Runs a Hummingbird server on 127.0.0.1 (a free port) that answers every request with
/// `reply` and records it, for the duration of `body`, which gets the server's base URL.
private func withStubServer<T>(
    _ reply: StubReply, _ body: (_ baseURL: String, _ log: RequestLog) async throws -> T
) async throws -> T {
    let log = RequestLog()
    let (ports, portContinuation) = AsyncStream<Int>.makeStream()
    let responder = CallbackResponder<BasicRequestContext> { request, _ in
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        await log.append(
            RecordedRequest(
                method: request.method.rawValue, path: request.uri.path, query: request.uri.query, headers: headers,
                body: Data(buffer.readableBytesView)))
        if reply.delaySeconds > 0 { try await Task.sleep(for: .seconds(reply.delaySeconds)) }
        if reply.bodyStallSeconds > 0 {
            let text = reply.body
            let middle = text.index(text.startIndex, offsetBy: text.count / 2)
            let (first, rest, stall) = (String(text[..<middle]), String(text[middle...]), reply.bodyStallSeconds)
            return Response(
                status: .init(code: reply.status), headers: [.contentType: "application/json"],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: first))
                    try await Task.sleep(for: .seconds(stall))
                    try await writer.write(ByteBuffer(string: rest))
                    try await writer.finish(nil)
                })
        }
        return Response(
            status: .init(code: reply.status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: reply.body)))
    }
    var logger = Logger(label: "llm-stub")
    logger.logLevel = .critical
    let app = Application(
        responder: responder,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        },
        logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            group.cancelAll()
            throw StubServerError.didNotStart
        }
        do {
            let result = try await body("http://127.0.0.1:\(port)", log)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

private enum StubServerError: Error { case didNotStart }

/// A JSON number as a Double, whichever way JSONSerialization bridged it.
private func number(_ value: Any?) -> Double? {
    switch value {
    case let value as NSNumber: value.doubleValue
    case let value as Double: value
    case let value as Int: Double(value)
    default: nil
    }
}

/// The error `body` throws, if it is an ``LLMError``.
private func llmError(_ body: () async throws -> Void) async -> LLMError? {
    do {
        try await body()
        return nil
    } catch let error as LLMError {
        return error
    } catch {
        Issue.record("expected an LLMError, got \(error)")
        return nil
    }
}

// MARK: Replies as the providers write them

/// A JSON string literal of `text`.
private func jsonString(_ text: String) -> String {
    String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
}

private func openAIReply(content: String, model: String = "gpt-4o-mini-2024-07-18", finishReason: String = "stop")
    -> String
{
    """
    {"id": "chatcmpl-1", "object": "chat.completion", "created": 1733500000, "model": "\(model)",
     "choices": [{"index": 0, "message": {"role": "assistant", "content": \(jsonString(content)), "refusal": null},
                  "logprobs": null, "finish_reason": "\(finishReason)"}],
     "usage": {"prompt_tokens": 1234, "completion_tokens": 56, "total_tokens": 1290,
               "prompt_tokens_details": {"cached_tokens": 1024, "audio_tokens": 0},
               "completion_tokens_details": {"reasoning_tokens": 0}}}
    """
}

private func anthropicReply(content: String, stopReason: String = "end_turn") -> String {
    """
    {"id": "msg_01", "type": "message", "role": "assistant", "model": "claude-3-5-haiku-20241022",
     "content": [{"type": "text", "text": \(jsonString(content))}],
     "stop_reason": "\(stopReason)", "stop_sequence": null,
     "usage": {"input_tokens": 210, "output_tokens": 48, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 1100}}
    """
}

/// "top 5 brands by sales last month" as a model should answer it.
private let goodQueryJSON = """
    {"measures": ["Transactions.netSales"], "dimensions": ["Products.brand"],
     "timeDimensions": [{"dimension": "Transactions.transactionDate", "dateRange": ["2025-05-01", "2025-05-31"]}],
     "filters": [{"member": "Customers.state", "operator": "equals", "values": ["Maharashtra"]}],
     "order": {"Transactions.netSales": "desc"}, "limit": 5}
    """

private let goodQuery = CubeQuery(
    measures: ["Transactions.netSales"], dimensions: ["Products.brand"],
    timeDimensions: [.init(dimension: "Transactions.transactionDate", dateRange: .absolute("2025-05-01", "2025-05-31"))],
    filters: [.member("Customers.state", .equals, ["Maharashtra"])],
    order: [.init("Transactions.netSales", .desc)], limit: 5)

private let question = "top 5 brands by sales in Maharashtra last month"

private func configuration(_ kind: LLMProviderKind, _ baseURL: String, timeout: Double = 5) -> LLMConfiguration {
    switch kind {
    case .openai:
        LLMConfiguration(
            provider: .openai, model: "gpt-4o-mini", endpoint: baseURL + "/v1", apiKeyEnv: "TEST_OPENAI_KEY",
            timeoutSeconds: timeout)
    case .azureOpenAI:
        LLMConfiguration(
            provider: .azureOpenAI, model: "sales-gpt", endpoint: baseURL + "/", apiKeyEnv: "TEST_AZURE_KEY",
            timeoutSeconds: timeout)
    case .anthropic:
        LLMConfiguration(
            provider: .anthropic, model: "claude-3-5-haiku-latest", endpoint: baseURL, apiKeyEnv: "TEST_ANTHROPIC_KEY",
            timeoutSeconds: timeout)
    }
}

private let environment = [
    "TEST_OPENAI_KEY": "sk-test-openai", "TEST_AZURE_KEY": "azure-test-key", "TEST_ANTHROPIC_KEY": "sk-ant-test",
]

/// A good reply in `kind`'s wire format whose text is `content`.
private func reply(_ kind: LLMProviderKind, content: String) -> String {
    kind == .anthropic ? anthropicReply(content: content) : openAIReply(content: content)
}

/// Asks `kind`'s provider, served by a stub answering `stub`, and returns the reply and the recorded requests.
private func ask(
    _ kind: LLMProviderKind, _ stub: StubReply, timeout: Double = 5, question: String = question
) async throws -> (reply: Result<LLMReply, any Error>, requests: [RecordedRequest]) {
    try await withStubServer(stub) { baseURL, log in
        let provider = try LLMProviders.make(
            configuration(kind, baseURL, timeout: timeout), environment: environment, httpClient: .shared)
        let result: Result<LLMReply, any Error>
        do {
            result = .success(try await provider.cubeQuery(for: question, model: llmModel, asOf: asOf))
        } catch {
            result = .failure(error)
        }
        return (result, await log.requests)
    }
}

/// The LLMError of a failed result.
private func failure(_ result: Result<LLMReply, any Error>) -> LLMError? {
    switch result {
    case .success(let reply):
        Issue.record("expected an error, got \(reply.query)")
        return nil
    case .failure(let error as LLMError): return error
    case .failure(let error):
        Issue.record("expected an LLMError, got \(error)")
        return nil
    }
}

// MARK: Wire formats

@Suite("LLM providers: wire formats")
struct LLMProviderWireTests {
    @Test func openAIRequestAndReply() async throws {
        let (result, requests) = try await ask(.openai, StubReply(body: openAIReply(content: goodQueryJSON)))
        let reply = try result.get()
        #expect(reply.query == goodQuery)
        #expect(reply.text == goodQueryJSON)
        #expect(
            reply.usage
                == LLMUsage(
                    provider: "openai", model: "gpt-4o-mini-2024-07-18", inputTokens: 1234, outputTokens: 56,
                    cachedInputTokens: 1024))
        #expect(reply.latencySeconds >= 0)

        let request = try #require(requests.first)
        #expect(requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/chat/completions")
        #expect(request.query == nil)
        #expect(request.headers["authorization"] == "Bearer sk-test-openai")
        #expect(request.headers["api-key"] == nil)
        #expect(request.headers["content-type"] == "application/json")
        let body = request.json
        #expect(body["model"] as? String == "gpt-4o-mini")
        #expect(number(body["temperature"]) == 0)
        #expect(number(body["max_tokens"]) == 800)
        #expect((body["response_format"] as? [String: Any])?["type"] as? String == "json_object")
        let messages = try #require(body["messages"] as? [[String: Any]])
        #expect(messages.map { $0["role"] as? String } == ["system", "user"])
        #expect(messages[1]["content"] as? String == question)
        let system = try #require(messages[0]["content"] as? String)
        #expect(system.contains("Cube"))
        #expect(system.contains("Transactions.netSales"))
        #expect(system.contains("2025-06-30"))
        #expect(system.contains("[\"YYYY-MM-DD\", \"YYYY-MM-DD\"]"))
        #expect(!system.contains("Customers.customerId"), "hidden members are not offered")
    }

    @Test func azureRequestAndReply() async throws {
        let (result, requests) = try await ask(.azureOpenAI, StubReply(body: openAIReply(content: goodQueryJSON)))
        let reply = try result.get()
        #expect(reply.query == goodQuery)
        #expect(reply.usage.provider == "azure_openai")
        #expect(reply.usage.inputTokens == 1234)
        #expect(reply.usage.cachedInputTokens == 1024)

        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/openai/deployments/sales-gpt/chat/completions")
        #expect(request.query == "api-version=2024-10-21")
        #expect(request.headers["api-key"] == "azure-test-key")
        #expect(request.headers["authorization"] == nil)
        let body = request.json
        #expect(body["model"] == nil, "the deployment names the model")
        #expect(number(body["max_tokens"]) == 800)
        #expect((body["response_format"] as? [String: Any])?["type"] as? String == "json_object")
        #expect((body["messages"] as? [[String: Any]])?.count == 2)
    }

    @Test func azureAPIVersionIsConfigurable() async throws {
        try await withStubServer(StubReply(body: openAIReply(content: goodQueryJSON))) { baseURL, log in
            var config = configuration(.azureOpenAI, baseURL)
            config.apiVersion = "2025-01-01-preview"
            let provider = try LLMProviders.make(config, environment: environment, httpClient: .shared)
            _ = try await provider.cubeQuery(for: question, model: llmModel, asOf: asOf)
            #expect(await log.requests.first?.query == "api-version=2025-01-01-preview")
        }
    }

    @Test func anthropicRequestAndReply() async throws {
        let (result, requests) = try await ask(.anthropic, StubReply(body: anthropicReply(content: goodQueryJSON)))
        let reply = try result.get()
        #expect(reply.query == goodQuery)
        #expect(
            reply.usage
                == LLMUsage(
                    provider: "anthropic", model: "claude-3-5-haiku-20241022", inputTokens: 1310, outputTokens: 48,
                    cachedInputTokens: 1100))

        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/v1/messages")
        #expect(request.headers["x-api-key"] == "sk-ant-test")
        #expect(request.headers["anthropic-version"] == "2023-06-01")
        #expect(request.headers["authorization"] == nil)
        #expect(request.headers["content-type"] == "application/json")
        let body = request.json
        #expect(body["model"] as? String == "claude-3-5-haiku-latest")
        #expect(number(body["max_tokens"]) == 800)
        #expect(number(body["temperature"]) == 0)
        let system = try #require(body["system"] as? String)
        #expect(system.contains("Transactions.netSales"))
        #expect(system.contains("2025-06-30"))
        let messages = try #require(body["messages"] as? [[String: Any]])
        #expect(messages.count == 1)
        #expect(messages.first?["role"] as? String == "user")
        #expect(messages.first?["content"] as? String == question)
    }

    @Test func thePromptListsPublicMembersBeforeTheDate() throws {
        let system = LLMPrompt.system(model: llmModel, asOf: asOf)
        #expect(system.contains("\n# Transactions (Secondary Sales): Secondary sales lines billed by distributors"))
        #expect(system.contains("\nTransactions.netSales | measure sum | Net Sales | revenue, turnover, sales"))
        #expect(system.contains("\nTransactions.transactionDate | dimension time | Transaction Date | "))
        #expect(system.contains("\nCustomers.modernTrade | segment | Modern Trade | "))
        #expect(!system.contains("Customers.customerId"), "hidden members are not offered")
        #expect(!system.contains("sales_overview"), "views repeat cube members and are left out")
        // The long member list is a prefix that does not change with the date, for prompt caching.
        let date = try #require(system.range(of: "2025-06-30"))
        let lastMember = try #require(system.range(of: "Transactions.returns | segment"))
        #expect(lastMember.upperBound < date.lowerBound)
        let nextDay = LLMPrompt.system(model: llmModel, asOf: asOf.adding(days: 1))
        #expect(nextDay.hasPrefix(system[..<date.lowerBound]))
    }

    @Test(arguments: [LLMProviderKind.openai, .anthropic])
    func fencedReplyWithProseIsRead(_ kind: LLMProviderKind) async throws {
        let content = "Here is the query:\n```json\n\(goodQueryJSON)\n```\nIt ranks brands by net sales."
        let (result, _) = try await ask(kind, StubReply(body: reply(kind, content: content)))
        let answer = try result.get()
        #expect(answer.query == goodQuery)
        #expect(answer.text == content)
    }
}

// MARK: Failures

@Suite("LLM providers: failures")
struct LLMProviderFailureTests {
    /// Each provider's error JSON for `status`.
    static func errorBody(_ kind: LLMProviderKind, status: Int) -> (body: String, message: String) {
        let message =
            switch status {
            case 401: "Incorrect API key provided: sk-test***."
            case 429: "Rate limit reached for requests"
            default: "The server had an error while processing your request."
            }
        switch kind {
        case .openai:
            return (#"{"error": {"message": "\#(message)", "type": "invalid_request_error", "param": null, "code": null}}"#, message)
        case .azureOpenAI:
            return (#"{"error": {"code": "\#(status)", "message": "\#(message)"}}"#, message)
        case .anthropic:
            return (#"{"type": "error", "error": {"type": "api_error", "message": "\#(message)"}}"#, message)
        }
    }

    @Test(arguments: [LLMProviderKind.openai, .azureOpenAI, .anthropic], [401, 429, 500])
    func providerErrorsCarryTheirMessage(_ kind: LLMProviderKind, _ status: Int) async throws {
        let (body, message) = Self.errorBody(kind, status: status)
        let (result, requests) = try await ask(kind, StubReply(status: status, body: body))
        #expect(failure(result) == .http(status: status, message: message))
        #expect(requests.count == 1)
    }

    @Test func anErrorWithoutJSONKeepsTheBodyText() async throws {
        let (result, _) = try await ask(.openai, StubReply(status: 502, body: "Bad gateway from the proxy"))
        #expect(failure(result) == .http(status: 502, message: "Bad gateway from the proxy"))
    }

    @Test(arguments: [LLMProviderKind.openai, .anthropic])
    func aSlowServerTimesOut(_ kind: LLMProviderKind) async throws {
        let stub = StubReply(body: reply(kind, content: goodQueryJSON), delaySeconds: 3)
        let (result, _) = try await ask(kind, stub, timeout: 0.5)
        #expect(failure(result) == .timeout(seconds: 0.5))
    }

    @Test func aBodyThatStallsTimesOut() async throws {
        let stub = StubReply(body: openAIReply(content: goodQueryJSON), bodyStallSeconds: 3)
        let (result, _) = try await ask(.openai, stub, timeout: 0.5)
        #expect(failure(result) == .timeout(seconds: 0.5))
    }

    @Test func aBodyThatArrivesInPartsIsRead() async throws {
        let stub = StubReply(body: openAIReply(content: goodQueryJSON), bodyStallSeconds: 0.1)
        // The timeout only bounds the wait: on a loaded two-core machine (the whole suite,
        // seeding and browsers beside it) 5 s was once not enough for a 0.1 s stall.
        let (result, _) = try await ask(.openai, stub, timeout: 30)
        #expect(try result.get().query == goodQuery)
    }

    @Test func anUnreachableServerIsATransportError() async throws {
        // A port that was free a moment ago: the server is stopped before the request.
        let baseURL = try await withStubServer(StubReply(body: "{}")) { baseURL, _ in baseURL }
        let provider = try LLMProviders.make(
            configuration(.openai, baseURL, timeout: 1), environment: environment, httpClient: .shared)
        let error = await llmError { _ = try await provider.cubeQuery(for: question, model: llmModel, asOf: asOf) }
        guard case .transport(let message)? = error else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
        #expect(!message.isEmpty)
    }

    @Test(arguments: [LLMProviderKind.openai, .anthropic])
    func aBodyThatIsNotJSONIsMalformed(_ kind: LLMProviderKind) async throws {
        let (result, _) = try await ask(kind, StubReply(body: "<html><body>Service Unavailable</body></html>"))
        guard case .malformedReply? = failure(result) else {
            Issue.record("expected malformedReply, got \(result)")
            return
        }
    }

    @Test(arguments: [LLMProviderKind.openai, .anthropic])
    func contentWithoutAJSONObjectIsMalformed(_ kind: LLMProviderKind) async throws {
        let content = "I'm sorry, I can only answer questions about sales."
        let (result, _) = try await ask(kind, StubReply(body: reply(kind, content: content)))
        guard case .malformedReply(let message)? = failure(result) else {
            Issue.record("expected malformedReply, got \(result)")
            return
        }
        #expect(message.contains("I'm sorry"))
    }

    @Test func aReplyCutAtMaxTokensSaysSo() async throws {
        let cut = String(goodQueryJSON.prefix(60))
        for (kind, body) in [
            (LLMProviderKind.openai, openAIReply(content: cut, finishReason: "length")),
            (.anthropic, anthropicReply(content: cut, stopReason: "max_tokens")),
        ] {
            let (result, _) = try await ask(kind, StubReply(body: body))
            guard case .malformedReply(let message)? = failure(result) else {
                Issue.record("expected malformedReply, got \(result)")
                continue
            }
            #expect(message.hasPrefix("the reply was cut off at max_tokens (800); "))
        }
    }

    @Test func emptyContentIsMalformed() async throws {
        let body = #"{"model": "gpt-4o-mini", "choices": [{"message": {"role": "assistant", "content": ""}}]}"#
        let (result, _) = try await ask(.openai, StubReply(body: body))
        #expect(failure(result) == .malformedReply("the reply has no content"))
    }

    @Test(arguments: [LLMProviderKind.openai, .azureOpenAI, .anthropic])
    func anUnknownMemberIsAnInvalidQuery(_ kind: LLMProviderKind) async throws {
        let content = #"{"measures": ["Transactions.nope"], "timeDimensions": [{"dimension": "Transactions.transactionDate", "dateRange": ["2025-06-01", "2025-06-30"]}]}"#
        let (result, _) = try await ask(kind, StubReply(body: reply(kind, content: content)))
        guard case .invalidQuery(let problems)? = failure(result) else {
            Issue.record("expected invalidQuery, got \(result)")
            return
        }
        #expect(problems.count == 1)
        #expect(problems.first?.contains("Transactions.nope") == true)
    }
}

// MARK: Reading replies

@Suite("LLM reply reader")
struct LLMReplyReaderTests {
    func read(_ text: String) throws(LLMError) -> CubeQuery {
        try LLMReplyReader.query(from: text, model: llmModel, asOf: asOf)
    }

    func problems(_ text: String) -> [String] {
        do {
            let query = try read(text)
            Issue.record("expected problems, got \(query)")
            return []
        } catch {
            guard case .invalidQuery(let problems) = error else {
                Issue.record("expected invalidQuery, got \(error)")
                return []
            }
            return problems
        }
    }

    @Test func aBareObjectIsRead() throws {
        #expect(try read(goodQueryJSON) == goodQuery)
    }

    @Test func aWrappedQueryIsRead() throws {
        #expect(try read("{\"query\": \(goodQueryJSON)}") == goodQuery)
    }

    @Test func proseAroundTheObjectIsSkipped() throws {
        let text = "Sure! {not json} The query is \(goodQueryJSON) — let me know {if} you need more."
        #expect(try read(text) == goodQuery)
    }

    @Test func bracesInsideStringsDoNotEndTheObject() throws {
        let text = #"{"measures": ["Transactions.netSales"], "dimensions": ["Products.brand"], "filters": [{"member": "Products.brand", "operator": "equals", "values": ["Brand {x}"]}]}"#
        let query = try read(text)
        #expect(query.filters == [.member("Products.brand", .equals, ["Brand {x}"])])
    }

    @Test func objectOrderKeepsItsWrittenOrder() throws {
        let text = #"{"measures": ["Transactions.netSales", "Transactions.count"], "dimensions": ["Products.brand"], "order": {"Transactions.count": "desc", "Transactions.netSales": "asc"}}"#
        #expect(try read(text).order == [.init("Transactions.count", .desc), .init("Transactions.netSales", .asc)])
    }

    @Test func hiddenMembersAreRefused() {
        let found = problems(#"{"measures": ["Transactions.netSales"], "dimensions": ["Customers.customerId"]}"#)
        #expect(found == [#"dimensions: "Customers.customerId" is not public"#])
    }

    @Test func everyProblemIsNamed() {
        let found = problems(
            #"""
            {"measures": ["Transactions.nope", "Products.brand"], "dimensions": ["Nowhere.city"],
             "segments": ["Customers.modernTrade"],
             "timeDimensions": [{"dimension": "Transactions.transactionDate", "dateRange": "last month"}],
             "filters": [{"member": "Customers.state", "operator": "equals", "values": ["Goa"]}]}
            """#)
        #expect(
            found == [
                #"measures: unknown member "Transactions.nope": cube Transactions has no nope"#,
                #"measures: "Products.brand" is a dimension, not a measure"#,
                #"dimensions: unknown member "Nowhere.city": there is no cube Nowhere"#,
                #"timeDimensions: Transactions.transactionDate has the relative dateRange "last month"; it must be absolute ["YYYY-MM-DD", "YYYY-MM-DD"]"#,
            ])
    }

    @Test func aNonTimeDimensionIsNotATimeDimension() {
        let found = problems(
            #"{"measures": ["Transactions.netSales"], "timeDimensions": [{"dimension": "Products.brand", "dateRange": ["2025-06-01", "2025-06-30"]}]}"#
        )
        #expect(found == [#"timeDimensions: "Products.brand" is a dimension, not a time dimension"#])
    }

    @Test func badDatesAreNamed() {
        let found = problems(
            #"{"measures": ["Transactions.netSales"], "timeDimensions": [{"dimension": "Transactions.transactionDate", "dateRange": ["2025-06-31", "2025-07-01"]}]}"#
        )
        #expect(found.count == 1)
        #expect(found.first?.contains("2025-06-31") == true)
    }

    @Test func whatOnlyTheCompilerCatchesIsReported() {
        // Every member exists, but the order names a measure that is not in the query.
        let found = problems(
            #"{"measures": ["Transactions.netSales"], "dimensions": ["Products.brand"], "order": {"Transactions.count": "desc"}}"#
        )
        #expect(found.count == 1)
        #expect(found.first?.contains("Transactions.count") == true)
    }

    @Test func anInvalidOperatorIsAnInvalidQuery() {
        let found = problems(
            #"{"measures": ["Transactions.netSales"], "filters": [{"member": "Customers.state", "operator": "is", "values": ["Goa"]}]}"#
        )
        #expect(found.count == 1)
        #expect(found.first?.contains("'is'") == true)
    }

    @Test func jsonWithoutAQueryIsMalformed() {
        #expect(throws: LLMError.self) { try read(#"{"answer": "42"}"#) }
        do {
            _ = try read(#"{"answer": "42"}"#)
        } catch {
            guard case .malformedReply(let message) = error else {
                Issue.record("expected malformedReply, got \(error)")
                return
            }
            #expect(message.contains("no query object"))
        }
    }

    @Test func anEmptyReplyIsMalformed() {
        #expect(throws: LLMError.malformedReply("the reply has no content")) { try read("  \n ") }
    }
}

// MARK: Configuration

@Suite("LLM configuration")
struct LLMConfigurationTests {
    func decode(_ yaml: String) throws -> LLMConfiguration {
        try YAMLDecoder().decode(LLMConfiguration.self, from: yaml)
    }

    @Test func snakeCaseKeysAreRead() throws {
        let config = try decode(
            """
            provider: azure_openai
            model: sales-gpt
            endpoint: https://contoso.openai.azure.com
            api_key_env: CONTOSO_AZURE_KEY
            api_version: 2025-01-01-preview
            timeout_seconds: 7.5
            max_tokens: 400
            """)
        #expect(
            config
                == LLMConfiguration(
                    provider: .azureOpenAI, model: "sales-gpt", endpoint: "https://contoso.openai.azure.com",
                    apiKeyEnv: "CONTOSO_AZURE_KEY", apiVersion: "2025-01-01-preview", timeoutSeconds: 7.5, maxTokens: 400))
    }

    @Test func optionalKeysHaveDefaults() throws {
        let config = try decode(
            """
            provider: openai
            model: gpt-4o-mini
            api_key_env: TENANT_OPENAI_KEY
            """)
        #expect(config.provider == .openai)
        #expect(config.endpoint == nil)
        #expect(config.resolvedEndpoint == "https://api.openai.com/v1")
        #expect(config.apiKeyEnv == "TENANT_OPENAI_KEY")
        #expect(config.apiVersion == nil)
        #expect(config.timeoutSeconds == 20)
        #expect(config.maxTokens == 800)

        let anthropic = try decode("provider: anthropic\nmodel: claude-3-5-haiku-latest\n")
        #expect(anthropic.apiKeyEnv == "ANTHROPIC_API_KEY")
        #expect(anthropic.resolvedEndpoint == "https://api.anthropic.com")
    }

    @Test func azureNeedsAnEndpoint() {
        #expect(throws: DecodingError.self) { try decode("provider: azure_openai\nmodel: sales-gpt\n") }
    }

    @Test(arguments: [
        "provider: gemini\nmodel: x\n", "provider: openai\nmodel: gpt\ntimeout_seconds: 0\n",
        "provider: openai\nmodel: gpt\nmax_tokens: -1\n", "provider: openai\nmodel: gpt\nendpoint: api.openai.com\n",
        "provider: openai\n",
    ])
    func badValuesAreRefused(_ yaml: String) {
        #expect(throws: DecodingError.self) { try decode(yaml) }
    }

    @Test func roundTripsThroughJSON() throws {
        let config = LLMConfiguration(provider: .anthropic, model: "claude-3-5-haiku-latest", timeoutSeconds: 12)
        let json = try JSONEncoder().encode(config)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["api_key_env"] as? String == "ANTHROPIC_API_KEY")
        #expect(number(object["timeout_seconds"]) == 12)
        #expect(try JSONDecoder().decode(LLMConfiguration.self, from: json) == config)
    }

    @Test(arguments: [LLMProviderKind.openai, .azureOpenAI, .anthropic])
    func aMissingKeyNamesTheVariable(_ kind: LLMProviderKind) {
        let config = configuration(kind, "http://127.0.0.1:9")
        for environment in [[:], [config.apiKeyEnv: ""], [config.apiKeyEnv: "  "], ["OTHER": "x"]] {
            #expect(throws: LLMError.missingAPIKey(variable: config.apiKeyEnv)) {
                _ = try LLMProviders.make(config, environment: environment, httpClient: .shared)
            }
        }
    }

    @Test(arguments: [LLMProviderKind.openai, .azureOpenAI, .anthropic])
    func theKeyNeverShowsInDescriptions(_ kind: LLMProviderKind) throws {
        let provider = try LLMProviders.make(
            configuration(kind, "http://127.0.0.1:9"), environment: environment, httpClient: .shared)
        var dumped = ""
        dump(provider, to: &dumped)
        for text in [String(describing: provider), String(reflecting: provider), dumped] {
            #expect(!environment.values.contains { text.contains($0) }, "\(text)")
        }
    }

    @Test func azureWithoutAnEndpointCannotBeMade() {
        let config = LLMConfiguration(provider: .azureOpenAI, model: "sales-gpt")
        #expect(throws: LLMError.self) {
            _ = try LLMProviders.make(config, environment: ["AZURE_OPENAI_API_KEY": "k"], httpClient: .shared)
        }
    }

    @Test func errorsReadWell() {
        #expect(LLMError.missingAPIKey(variable: "X_KEY").description.contains("X_KEY"))
        #expect(LLMError.timeout(seconds: 0.5).description.contains("0.5 s"))
        #expect(LLMError.timeout(seconds: 20).description.contains("20 s"))
        #expect(LLMError.http(status: 429, message: "slow down").description == "the LLM provider answered HTTP 429: slow down")
    }
}

@Suite("LLM providers: secrets in errors")
struct LLMProviderSecretTests {
    @Test(
        "a provider error that echoes the whole API key does not carry it",
        arguments: [
            (LLMProviderKind.openai, "sk-test-openai"), (.azureOpenAI, "azure-test-key"), (.anthropic, "sk-ant-test"),
        ])
    func anEchoedKeyIsScrubbed(_ kind: LLMProviderKind, _ key: String) async throws {
        let body = #"{"error": {"message": "Incorrect API key provided: \#(key). Check it."}}"#
        let (result, _) = try await ask(kind, StubReply(status: 401, body: body))
        let error = try #require(failure(result))
        #expect(error == .http(status: 401, message: "Incorrect API key provided: ***. Check it."))
        #expect(!error.description.contains(key))
    }
}
