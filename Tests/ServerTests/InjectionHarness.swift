import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Server
import Testing
import Warehouse

/// The PostgreSQL tenant of the injection tests: the seeded database with statement logging
/// (``StatementLog``), a configuration naming it, and an admin token. Built once per process.
actor InjectionFixture {
    static let shared = InjectionFixture()
    static let tenant = "injection"

    struct Built: Sendable {
        var log: StatementLog
        var configuration: ConvAIConfiguration
        var token: String
        var brands: [String]
    }

    private var built: Built?

    func get() async throws -> Built {
        if let built { return built }
        let environment = ProcessInfo.processInfo.environment
        let url = try #require(environment["CONVAI_TEST_PG_URL"])
        let directory = try #require(environment["CONVAI_TEST_PG_DIR"])
        let log = try await StatementLog.make(url: url, directory: directory)
        let settings = log.settings
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-injection-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let tenant = TenantConfiguration(
            id: Self.tenant,
            database: .init(
                engine: .postgres, host: settings.host, port: settings.port, user: settings.username,
                password: settings.password, database: settings.database, tls: .disable),
            modelPath: SampleTenants.root.appendingPathComponent("model").path)
        let configuration = ConvAIConfiguration(
            server: .init(host: "127.0.0.1", port: 0), auth: .init(jwtSecret: SampleTenants.secret), tenants: [tenant],
            // No result cache: every request must reach the database for its statements to be seen.
            root: folder.path, limits: .unthrottled, cache: .off)
        let authority = try await TokenAuthority(secret: SampleTenants.secret, tenants: [Self.tenant])
        let token = try await authority.mint(
            AccessClaims(tenant: Self.tenant, subject: "admin-1", role: "admin", expiresAt: Date().addingTimeInterval(3600)))
        let result = Built(log: log, configuration: configuration, token: token, brands: log.brands)
        built = result
        return result
    }
}

/// One HTTP request of the tests.
struct Call: Sendable, Hashable {
    var method: HTTPRequest.Method
    var uri: String
    var body: String?
    /// The `Authorization` header; nil sends the fixture's admin token.
    var authorization: String?

    /// Characters left as they are in a query parameter; everything else is percent-encoded.
    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")

    static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// `value` as JSON text (a string is quoted and escaped).
    static func json(_ value: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// A Cube REST call of `query` (JSON text) to `endpoint` (`load`, `sql`, `dry-run`) by GET
    /// (`?query=`) or POST (`{"query": …}`).
    static func cube(_ endpoint: String, _ method: HTTPRequest.Method, query: String, queryType: String? = nil) -> Call {
        if method == .get {
            let type = queryType.map { "&queryType=" + encoded($0) } ?? ""
            return Call(method: .get, uri: "/cubejs-api/v1/\(endpoint)?query=\(encoded(query))\(type)")
        }
        let type = queryType.map { #","queryType":"# + json($0) } ?? ""
        return Call(method: .post, uri: "/cubejs-api/v1/\(endpoint)", body: #"{"query":"# + query + type + "}")
    }
}

/// What one request did: the response, and the statements and errors the database logged.
struct Observation: Sendable {
    var status: Int
    var text: String
    var isJSON: Bool
    var error: String?
    /// `data` of a Cube or ask answer, as canonical JSON text.
    var data: String?
    /// The `status` of an ask reply (`answered`, `needs_clarification`).
    var reply: String?
    /// The Cube query an answered question was understood as, as canonical JSON text.
    var query: String?
    var statements: [String]
    var databaseErrors: [String]

    var succeeded: Bool { (200..<300).contains(status) }
    var refused: Bool { (400..<500).contains(status) }
    var shapes: [String] { statements.map(StatementLog.shape).sorted() }

    /// The brands in `data` (`Products.brand`).
    var brands: Set<String> {
        guard let data, let rows = try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [[String: Any]] else { return [] }
        return Set(rows.compactMap { $0["Products.brand"] as? String })
    }
}

/// Sends calls through the application and observes them; remembers the benign calls'
/// observations.
actor InjectionHarness {
    let client: any TestClientProtocol
    let fixture: InjectionFixture.Built
    private var benign: [Call: Observation] = [:]

    init(client: any TestClientProtocol, fixture: InjectionFixture.Built) {
        self.client = client
        self.fixture = fixture
    }

    /// Runs `body` with a harness over a fresh application on the fixture's tenant.
    static func run(_ body: @escaping @Sendable (InjectionHarness) async throws -> Void) async throws {
        let fixture = try await InjectionFixture.shared.get()
        let router = TenantRouter(tenants: fixture.configuration.tenants, logger: Logger(label: "test"))
        let app = try await buildApplication(
            configuration: fixture.configuration, tenants: router, logger: Logger(label: "test"), llmProviders: [:],
            today: { SQLDate(iso: SampleTenants.asOf)! })
        do {
            try await app.test(.router) { client in
                let harness = InjectionHarness(client: client, fixture: fixture)
                // The first question of a tenant reads its dimension values (the value index);
                // that happens here, not inside an observed request.
                _ = try await harness.send(
                    Call(method: .post, uri: "/api/v1/ask", body: #"{"question":"show me sales","sessionId":"warm-up"}"#))
                // The first Cube query of a tenant reads which rollups its database holds.
                _ = try await harness.send(.cube("load", .post, query: #"{"measures":["Transactions.count"]}"#))
                try await body(harness)
            }
        } catch {
            await router.closeAll()
            throw error
        }
        await router.closeAll()
    }

    /// Sends `call` and returns the decoded response, without reading the log.
    nonisolated func send(_ call: Call) async throws -> (status: Int, text: String, json: Any?) {
        var headers: HTTPFields = [:]
        headers[.authorization] = call.authorization ?? fixture.token
        headers[.contentType] = "application/json"
        return try await client.execute(
            uri: call.uri, method: call.method, headers: headers, body: call.body.map { ByteBuffer(string: $0) }
        ) { response in
            let text = String(buffer: response.body)
            return (Int(response.status.code), text, try? JSONSerialization.jsonObject(with: Data(text.utf8)))
        }
    }

    /// Sends `call` and collects what the database logged for it.
    nonisolated func observe(_ call: Call) async throws -> Observation {
        _ = try await fixture.log.entries()
        let (status, text, json) = try await send(call)
        let entries = try await fixture.log.entries()
        let object = json as? [String: Any]
        return Observation(
            status: status, text: text, isJSON: json != nil, error: object?["error"] as? String,
            data: (object?["data"]).map(Call.json), reply: object?["status"] as? String,
            query: (object?["query"]).map(Call.json),
            statements: entries.compactMap(\.statement),
            databaseErrors: entries.filter { ["ERROR", "FATAL", "PANIC"].contains($0.level) }.map(\.text))
    }

    /// The observation of a benign call, made once.
    func benign(_ call: Call) async throws -> Observation {
        if let known = benign[call] { return known }
        let observed = try await observe(call)
        benign[call] = observed
        return observed
    }

    /// The shapes of the statements the Cube query of an answer compiles to, one per period
    /// (a comparison's `compareDateRange` is run as one query per range), asked of
    /// `/cubejs-api/v1/sql`, which compiles without running anything.
    nonisolated func understoodShapes(_ observation: Observation) async throws -> [String] {
        let query = try #require(
            observation.query.flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) } as? [String: Any],
            "an answer without its query: \(observation.text.prefix(300))")
        var periods = [query]
        if var timeDimensions = query["timeDimensions"] as? [[String: Any]], let ranges = timeDimensions.first?["compareDateRange"] as? [Any] {
            periods = ranges.map { range in
                timeDimensions[0]["compareDateRange"] = nil
                timeDimensions[0]["dateRange"] = range
                var single = query
                single["timeDimensions"] = timeDimensions
                return single
            }
        }
        var shapes: [String] = []
        for period in periods {
            let (status, text, json) = try await send(Call(method: .post, uri: "/cubejs-api/v1/sql", body: Call.json(["query": period])))
            let sql = ((json as? [String: Any])?["sql"] as? [String: Any])?["sql"] as? [Any]
            let statement = try #require(sql?.first as? String, "/v1/sql of an understood query: HTTP \(status) \(text.prefix(300))")
            shapes.append(StatementLog.shape(statement))
        }
        return shapes.sorted()
    }

    /// Sends the hostile `call` and its benign counterpart and checks: a 2xx or a 4xx (never a
    /// 5xx), a JSON body with an `error` string on a 4xx, no database error, the hostile text
    /// nowhere in a statement's text, and statements of the benign call's shapes (the same
    /// ones when both succeed; none but those when the hostile one is refused).
    ///
    /// A question's words are its meaning: "{Products}.brand" asks about brands. When
    /// `isQuestion` and the hostile call was answered, its statements must be exactly those
    /// of the Cube query the answer says it understood (compiled by `/v1/sql`), whatever the
    /// benign question made.
    @discardableResult
    func check(
        _ hostile: String, _ call: Call, against benignCall: Call, _ context: String, isQuestion: Bool = false,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> (hostile: Observation, benign: Observation) {
        let benign = try await benign(benignCall)
        #expect(benign.succeeded, "benign \(context) failed: HTTP \(benign.status) \(benign.text.prefix(300))", sourceLocation: sourceLocation)
        let observed = try await observe(call)
        let shown = "\(context) with \(Self.show(hostile))"
        #expect(
            observed.succeeded || observed.refused, "\(shown): HTTP \(observed.status) \(observed.text.prefix(500))",
            sourceLocation: sourceLocation)
        #expect(observed.isJSON, "\(shown): the body is not JSON: \(observed.text.prefix(300))", sourceLocation: sourceLocation)
        if observed.refused {
            #expect(observed.error != nil, "\(shown): a \(observed.status) without an error string", sourceLocation: sourceLocation)
        }
        #expect(observed.databaseErrors.isEmpty, "\(shown): database errors \(observed.databaseErrors)", sourceLocation: sourceLocation)
        // Integers are written into the SQL as literals (a limit, an offset) by design.
        let integer = Int64(hostile) != nil
        if !integer, !benign.statements.contains(where: { $0.contains(hostile) }) {
            #expect(
                !observed.statements.contains { $0.contains(hostile) }, "\(shown): the value is in the SQL text",
                sourceLocation: sourceLocation)
        }
        if isQuestion, observed.succeeded, observed.reply == "answered" {
            let understood = try await understoodShapes(observed)
            #expect(
                observed.shapes == understood,
                "\(shown): statements differ from those of the query it was understood as\n\(observed.statements)\n---\n\(understood)\n\(observed.query ?? "")",
                sourceLocation: sourceLocation)
        } else if observed.succeeded, observed.reply == benign.reply {
            #expect(observed.shapes == benign.shapes, "\(shown): statements differ from the benign ones\n\(observed.statements)\n---\n\(benign.statements)", sourceLocation: sourceLocation)
        } else {
            #expect(
                Set(observed.shapes).isSubset(of: benign.shapes),
                "\(shown): statements a benign request does not make\n\(observed.statements)", sourceLocation: sourceLocation)
        }
        return (observed, benign)
    }

    /// A readable rendering of a hostile string for failure messages (long ones cut).
    static func show(_ text: String) -> String {
        let escaped = text.unicodeScalars.map { $0.isASCII && $0.value >= 32 ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined()
        return escaped.count > 200 ? "\(escaped.prefix(200))… (\(text.utf8.count) bytes)" : escaped
    }
}
