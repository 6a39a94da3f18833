import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Insights
import Logging
import NIOCore
import Server
import Testing
import Warehouse

/// The web app's server side: its files and headers, the development sign-in on the seeded
/// tenants, and `/api/v1/me`.
@Suite struct WebAppTests {
    static let webRoot = SampleTenants.root.appendingPathComponent("web").path

    /// The seeded tenants with the project's web/ and, when asked, development sign-in.
    static func withClient(
        developmentSignIn: Bool, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        try await SampleTenants.shared.withClient(configure: { configuration in
            configuration.web.root = Self.webRoot
            configuration.auth.developmentSignIn = developmentSignIn
        }, body)
    }

    struct Fetched {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    }

    static func fetch(
        _ client: any TestClientProtocol, _ uri: String, method: HTTPRequest.Method = .get, token: String? = nil,
        body: String? = nil
    ) async throws -> Fetched {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) {
            Fetched(status: $0.status, headers: $0.headers, text: String(buffer: $0.body))
        }
    }

    @Test func servesThePageItsModulesAndChartJSWithTheirTypesAndAStrictPolicy() async throws {
        try await Self.withClient(developmentSignIn: false) { client in
            let page = try await Self.fetch(client, "/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("/app/main.js") && page.text.contains("/vendor/chart.js/chart.min.js"))
            let policy = try #require(page.headers[.contentSecurityPolicy])
            #expect(policy.contains("default-src 'self'"))
            #expect(!policy.contains("http"), "the page may load nothing from another host: \(policy)")
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
            for (path, type) in [
                ("/app/main.js", "text/javascript"), ("/app/chat.js", "text/javascript"), ("/app/styles.css", "text/css"),
                ("/vendor/chart.js/chart.min.js", "text/javascript"),
            ] {
                let file = try await Self.fetch(client, path)
                #expect(file.status == .ok, "\(path)")
                #expect(file.headers[.contentType]?.hasPrefix(type) == true, "\(path): \(file.headers[.contentType] ?? "")")
                #expect(file.headers[.contentSecurityPolicy] != nil, "\(path)")
            }
            // Every file the page names is there, and every module another imports.
            let app = URL(fileURLWithPath: Self.webRoot).appendingPathComponent("app")
            for name in try FileManager.default.contentsOfDirectory(atPath: app.path) where name.hasSuffix(".js") {
                let text = try String(contentsOf: app.appendingPathComponent(name), encoding: .utf8)
                #expect(!text.contains("http://") && !text.contains("https://"), "\(name) names another host")
                for line in text.split(separator: "\n") where line.hasPrefix("import ") {
                    let module = try #require(line.split(separator: "'").dropFirst().first)
                    #expect(try await Self.fetch(client, "/app/\(module.dropFirst(2))").status == .ok, "\(name): \(line)")
                }
            }
            #expect(try await Self.fetch(client, "/app/missing.js").status == .notFound)
            // The API is untouched by the files.
            #expect(try await Self.fetch(client, "/health").status == .ok)
        }
    }

    @Test(arguments: [
        "/app/../config/convai.yaml", "/app/%2e%2e/config/convai.yaml", "/app/%2E%2E/%2E%2E/Package.swift",
        "/app/..%2fconfig%2fconvai.yaml", "/%2e%2e/%2e%2e/etc/passwd", "/vendor/chart.js/../../../../etc/passwd",
        "/vendor/chart.js/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%5cconfig%5cconvai.yaml",
    ])
    func refusesPathsOutOfItsFolders(path: String) async throws {
        try await Self.withClient(developmentSignIn: false) { client in
            let response = try await Self.fetch(client, path)
            #expect([.badRequest, .notFound].contains(response.status), "\(path): \(response.status)")
            #expect(!response.text.contains("tenants:") && !response.text.contains("root:x:0"), "\(path)")
        }
    }

    @Test func developmentSignInIsOffUnlessConfigured() async throws {
        try await Self.withClient(developmentSignIn: false) { client in
            let users = try await Self.fetch(client, "/api/v1/dev/users")
            #expect(users.status == .notFound)
            #expect(users.json["error"] as? String == "development sign-in is off")
            let token = try await Self.fetch(
                client, "/api/v1/dev/token", method: .post, body: #"{"tenant": "itc", "userId": "admin"}"#)
            #expect(token.status == .notFound)
            #expect(token.json["error"] as? String == "development sign-in is off")
        }
        #expect(ConvAIConfiguration.AuthSettings().developmentSignIn == false)
    }

    @Test func developmentSignInListsTheSeededHierarchy() async throws {
        try await Self.withClient(developmentSignIn: true) { client in
            let reply = try await Self.fetch(client, "/api/v1/dev/users")
            #expect(reply.status == .ok, "\(reply.text)")
            let tenants = try #require(reply.json["tenants"] as? [[String: Any]])
            #expect(tenants.compactMap { $0["id"] as? String } == ["itc", "nestle", "unilever"])
            let itc = try #require(tenants.first { $0["id"] as? String == "itc" })
            let users = try #require(itc["users"] as? [[String: Any]])
            // The same people the Cube API reads from dim_sales_hierarchy.
            let admin = try await SampleTenants.token("itc", user: "admin", role: "admin")
            let load = try await client.call(
                "/cubejs-api/v1/load", token: admin,
                body: #"{"query": {"dimensions": ["SalesHierarchy.employeeName", "SalesHierarchy.role"], "limit": 10000}}"#)
            #expect(load.status == .ok, "\(load.text)")
            let seeded = Set(load.data.compactMap { $0["SalesHierarchy.employeeName"] as? String })
            let listed = users.filter { $0["hierarchyRole"] is String }
            #expect(!seeded.isEmpty)
            #expect(Set(listed.compactMap { $0["name"] as? String }) == seeded)
            #expect(listed.first?["hierarchyRole"] as? String == "NSM", "the NSM first")
            let officer = try #require(listed.first { $0["hierarchyRole"] as? String == "SO" })
            #expect(officer["role"] as? String == "sales_rep")
            #expect(officer["territoryLevel"] as? String == "City")
            #expect(officer["territory"] as? String == "City:\(officer["territoryName"] as? String ?? "")")
            #expect(users.suffix(2).compactMap { $0["userId"] as? String } == ["admin", "analyst"])
            // The national head covers the whole company, as their digest does: the tenant's
            // name at the national level, and no territory claim.
            let head = try #require(listed.first)
            #expect(head["role"] as? String == "executive")
            #expect(head["territoryLevel"] as? String == "National")
            #expect(head["territoryName"] as? String == (itc["name"] as? String))
            #expect(head["territory"] is NSNull)
            // Levels in order, each with its application role, as insights' recipients have them.
            let ranks = listed.map { ["NSM", "ZSM", "ASM", "SO"].firstIndex(of: $0["hierarchyRole"] as? String ?? "") ?? 9 }
            #expect(ranks == ranks.sorted())
            for person in listed {
                let level = try #require(person["hierarchyRole"] as? String)
                #expect(person["role"] as? String == RecipientDirectory.roles[level], "\(person)")
            }
        }
    }

    @Test func aDevelopmentTokenSignsInWithTheRightRoleAndTerritory() async throws {
        try await Self.withClient(developmentSignIn: true) { client in
            let list = try await Self.fetch(client, "/api/v1/dev/users")
            let tenants = try #require(list.json["tenants"] as? [[String: Any]])
            let users = try #require(tenants.first { $0["id"] as? String == "itc" }?["users"] as? [[String: Any]])
            let officer = try #require(users.first { $0["hierarchyRole"] as? String == "SO" })
            let officerId = try #require(officer["userId"] as? String)
            let minted = try await Self.fetch(
                client, "/api/v1/dev/token", method: .post, body: #"{"tenant": "itc", "userId": "\#(officerId)"}"#)
            #expect(minted.status == .ok, "\(minted.text)")
            let token = try #require(minted.json["token"] as? String)
            let me = try await Self.fetch(client, "/api/v1/me", token: token)
            #expect(me.status == .ok, "\(me.text)")
            #expect(me.json["tenant"] as? String == "itc")
            #expect(me.json["subject"] as? String == officerId)
            #expect(me.json["role"] as? String == "sales_rep")
            #expect(me.json["department"] as? String == "Sales")
            #expect(me.json["territory"] as? String == "City:\(officer["territoryName"] as? String ?? "")")
            #expect(me.json["permissions"] as? [String] == ["ask"])
            // The token works on the API, bounded to the officer's city.
            let asked = try await client.call(
                "/api/v1/ask", token: "Bearer \(token)", body: #"{"question": "net sales last month"}"#)
            #expect(asked.status == .ok, "\(asked.text)")
            // An NSM is national: no territory claim; the admin may read the metrics.
            let nsmId = try #require(users.first { $0["hierarchyRole"] as? String == "NSM" }?["userId"] as? String)
            let nsm = try await Self.fetch(
                client, "/api/v1/dev/token", method: .post, body: #"{"tenant": "itc", "userId": "\#(nsmId)"}"#)
            let nsmMe = try await Self.fetch(client, "/api/v1/me", token: try #require(nsm.json["token"] as? String))
            #expect(nsmMe.json["role"] as? String == "executive")
            #expect(nsmMe.json["territory"] is NSNull)
            let admin = try await Self.fetch(
                client, "/api/v1/dev/token", method: .post, body: #"{"tenant": "nestle", "userId": "admin"}"#)
            let adminMe = try await Self.fetch(client, "/api/v1/me", token: try #require(admin.json["token"] as? String))
            #expect(adminMe.json["tenant"] as? String == "nestle")
            #expect((adminMe.json["permissions"] as? [String])?.contains("view_metrics") == true)
            // Unknown people and tenants, and bodies that are not the expected JSON.
            for (body, status) in [
                (#"{"tenant": "itc", "userId": "999999"}"#, HTTPResponse.Status.notFound),
                (#"{"tenant": "acme", "userId": "admin"}"#, .notFound),
                (#"{"tenant": "itc"}"#, .badRequest), ("tenant=itc", .badRequest),
                (#"{"tenant": "itc", "userId": "1' OR '1'='1"}"#, .notFound),
            ] {
                let refused = try await Self.fetch(client, "/api/v1/dev/token", method: .post, body: body)
                #expect(refused.status == status, "\(body): \(refused.text)")
                #expect(refused.json["error"] is String, "\(body)")
            }
        }
    }

    @Test func meNeedsAValidToken() async throws {
        try await Self.withClient(developmentSignIn: false) { client in
            let anonymous = try await Self.fetch(client, "/api/v1/me")
            #expect(anonymous.status == .unauthorized)
            #expect(try await Self.fetch(client, "/api/v1/me", token: "not-a-token").status == .unauthorized)
            let token = try await SampleTenants.token("unilever", user: "a1", role: "analyst", department: "Analytics")
            let me = try await Self.fetch(client, "/api/v1/me", token: token)
            #expect(me.status == .ok)
            #expect(me.json["permissions"] as? [String] == ["ask", "cube_api", "view_sql"])
        }
    }

    @Test func developmentSignInServesOnlyThisMachine() async throws {
        let fixture = try await CubeAPIFixture()
        var configuration = fixture.configuration
        configuration.auth.developmentSignIn = true
        configuration.server.host = "0.0.0.0"
        try await Self.expectRefusedStart(configuration, "development_sign_in is on and the server listens on 0.0.0.0")
    }

    /// Expects `buildApplication` to refuse `configuration` with an error containing `message`.
    static func expectRefusedStart(_ configuration: ConvAIConfiguration, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let tenants = TenantRouter(tenants: configuration.tenants, logger: Logger(label: "test"))
        do {
            _ = try await buildApplication(configuration: configuration, tenants: tenants, logger: Logger(label: "test"))
            Issue.record("the server started; expected: \(message)", sourceLocation: sourceLocation)
        } catch {
            #expect("\(error)".contains(message), "\(error)", sourceLocation: sourceLocation)
        }
        await tenants.closeAll()
    }

    @Test func developmentSignInNeedsASecretToMintWith() async throws {
        let fixture = try await CubeAPIFixture()
        let keys = try await TokenSecurityTests.identityProviderKeys()
        defer { try? FileManager.default.removeItem(at: keys) }
        var configuration = fixture.configuration
        configuration.auth = .init(jwksFile: keys.appendingPathComponent("jwks.json").path, developmentSignIn: true)
        try await Self.expectRefusedStart(configuration, "development sign-in mints HS256 tokens")
    }
}
