import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import TestSupport
import Testing

/// Who may call: every guarded route answers 401 without a good token (missing, expired,
/// not yet valid, wrongly signed, `alg: none`, another issuer or audience, an unknown
/// tenant), 403 naming the permission a role lacks, and accepts tokens that PyJWT signs
/// with HS256, RS256 and ES256 (keys from a JWKS file or URL).
@Suite("Tokens and permissions")
struct TokenSecurityTests {
    /// Every guarded route, with a request that succeeds for an admin of tenant acme.
    static let routes: [(method: HTTPRequest.Method, uri: String, body: String?)] = [
        (.post, "/cubejs-api/v1/load", #"{"query":{"measures":["Orders.count"]}}"#),
        (.get, "/cubejs-api/v1/load?query=%7B%22measures%22%3A%5B%22Orders.count%22%5D%7D", nil),
        (.post, "/cubejs-api/v1/sql", #"{"query":{"measures":["Orders.count"]}}"#),
        (.get, "/cubejs-api/v1/sql?query=%7B%22measures%22%3A%5B%22Orders.count%22%5D%7D", nil),
        (.post, "/cubejs-api/v1/dry-run", #"{"query":{"measures":["Orders.count"]}}"#),
        (.get, "/cubejs-api/v1/meta", nil),
        (.post, "/cubejs-api/graphql", #"{"query":"{ cube { orders { count } } }"}"#),
        (.get, "/cubejs-api/graphql?query=%7B%20cube%20%7B%20orders%20%7B%20count%20%7D%20%7D%20%7D", nil),
        (.post, "/api/v1/ask", #"{"question":"how many orders"}"#),
        (.post, "/api/v1/ask/clarify", #"{"sessionId":"s-1","answers":{"time":"last month"}}"#),
        (.get, "/api/v1/metrics/summary", nil),
        (.get, "/api/v1/metrics/top-questions", nil),
        (.get, "/api/v1/metrics/cost-by-model", nil),
        (.get, "/api/v1/metrics/daily", nil),
    ]

    static func base64URL(_ text: String) -> String {
        Data(text.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// An unsigned token (`alg: none`) with otherwise perfect claims.
    static func unsignedToken(tenant: String = "acme", role: String = "admin") -> String {
        let exp = Int(Date().timeIntervalSince1970) + 600
        return base64URL(#"{"alg":"none","typ":"JWT"}"#) + "."
            + base64URL(#"{"tenant":"\#(tenant)","sub":"u1","role":"\#(role)","exp":\#(exp)}"#) + "."
    }

    @Test func everyGuardedRouteRefusesMissingAndBadTokensWith401() async throws {
        let fixture = try await CubeAPIFixture()
        let admin = try await CubeAPIFixture.token(role: "admin")
        let bad: [(String, String?)] = [
            ("missing", nil),
            ("expired", try await CubeAPIFixture.token(role: "admin", expiresIn: -600)),
            ("wrongly signed", try await CubeAPIFixture.token(role: "admin", secret: "another-secret-of-the-right-length-32")),
            ("alg none", Self.unsignedToken()),
            ("alg none, Bearer", "Bearer " + Self.unsignedToken()),
            ("unknown tenant", try await CubeAPIFixture.token(tenant: "initech", role: "admin")),
            ("garbage", "not.a.jwt"),
            ("empty Bearer", "Bearer "),
        ]
        try await fixture.withClient { client in
            for route in Self.routes {
                let good = try await client.call(route.uri, method: route.method, token: admin, body: route.body)
                // The clarify route answers 404 for a session that does not exist: past the guard.
                #expect([.ok, .notFound].contains(good.status), "\(route.method) \(route.uri): \(good.text)")
                for (name, token) in bad {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    if let token { headers[.authorization] = token }
                    try await client.execute(
                        uri: route.uri, method: route.method, headers: headers,
                        body: route.body.map { ByteBuffer(string: $0) }
                    ) { response in
                        #expect(response.status == .unauthorized, "\(name) → \(route.method) \(route.uri)")
                        #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                        let text = String(buffer: response.body)
                        let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
                        #expect(json?.keys.sorted() == ["error"], "\(name): \(text)")
                    }
                }
            }
        }
    }

    @Test func openRoutesStayOpen() async throws {
        let fixture = try await CubeAPIFixture()
        try await fixture.withClient { client in
            for uri in ["/health", "/metrics"] {
                let status = try await client.execute(uri: uri, method: .get) { $0.status }
                #expect(status == .ok, "\(uri)")
            }
        }
    }

    @Test func aRoleWithoutThePermissionGets403NamingIt() async throws {
        let fixture = try await CubeAPIFixture()
        let salesRep = try await CubeAPIFixture.token(role: "sales_rep")
        let manager = try await CubeAPIFixture.token(role: "manager")
        let analyst = try await CubeAPIFixture.token(role: "analyst")
        let query = #"{"query":{"measures":["Orders.count"]}}"#
        try await fixture.withClient { client in
            let load = try await client.call("/cubejs-api/v1/load", token: salesRep, body: query)
            #expect(load.status == .forbidden)
            #expect(load.error == "Forbidden: the role 'sales_rep' lacks the permission 'cube_api'")
            let sql = try await client.call("/cubejs-api/v1/sql", token: manager, body: query)
            #expect(sql.status == .forbidden)
            #expect(sql.error?.contains("'view_sql'") == true, "\(sql.text)")
            #expect(try await client.call("/cubejs-api/v1/load", token: manager, body: query).status == .ok)
            let metrics = try await client.call("/api/v1/metrics/summary", method: .get, token: analyst)
            #expect(metrics.status == .forbidden)
            #expect(metrics.error?.contains("'view_metrics'") == true)
            #expect(try await client.call("/cubejs-api/v1/sql", token: analyst, body: query).status == .ok)
        }
    }

    @Test func permissionsComeFromTheConfiguration() async throws {
        let fixture = try await CubeAPIFixture()
        let salesRep = try await CubeAPIFixture.token(role: "sales_rep")
        let analyst = try await CubeAPIFixture.token(role: "analyst")
        let query = #"{"query":{"measures":["Orders.count"]}}"#
        try await fixture.withClient(configure: { configuration in
            configuration.permissions.grants["sales_rep"] = [.ask, .cubeAPI]
            configuration.permissions.grants["analyst"] = [.ask]
        }) { client async throws in
            #expect(try await client.call("/cubejs-api/v1/load", token: salesRep, body: query).status == .ok)
            #expect(try await client.call("/cubejs-api/v1/load", token: analyst, body: query).status == .forbidden)
        }
    }

    @Test func permissionTablesDecodeAndRefuseUnknownNames() throws {
        let decoder = JSONDecoder()
        let table = try decoder.decode(RolePermissions.self, from: Data(#"{"sales_rep": ["ask", "cube_api"]}"#.utf8))
        #expect(table.allows("sales_rep", .cubeAPI))
        #expect(table.allows("admin", .admin))
        #expect(!table.allows("manager", .viewSQL))
        #expect(throws: DecodingError.self) { try decoder.decode(RolePermissions.self, from: Data(#"{"ceo": ["ask"]}"#.utf8)) }
        #expect(throws: DecodingError.self) {
            try decoder.decode(RolePermissions.self, from: Data(#"{"analyst": ["drop_tables"]}"#.utf8))
        }
    }

    @Test func aTokenVerifiedOnceStillExpiresAndStaysBoundToItsTenant() async throws {
        let authority = try await TokenAuthority(secret: CubeAPIFixture.secret, tenants: ["acme"])
        let token = try await authority.mint(
            AccessClaims(tenant: "acme", subject: "u1", role: "analyst", expiresAt: Date() + 600))
        #expect(try await authority.verify(authorization: token).tenant == "acme")
        // The second use comes from the verified-token cache; the clock still applies.
        #expect(try await authority.verify(authorization: "Bearer " + token).role == "analyst")
        await #expect(throws: TokenAuthority.Refusal.self) {
            try await authority.verify(authorization: token, now: Date() + 3600)
        }
        // Another authority (another server's tenants) does not share the cache.
        let other = try await TokenAuthority(secret: CubeAPIFixture.secret, tenants: ["globex"])
        await #expect(throws: TokenAuthority.Refusal.self) { try await other.verify(authorization: token) }
    }

    // MARK: Tokens from PyJWT

    /// Runs scripts/pyjwt-mint.py off the concurrency threads (see ``runProcess``).
    static func python(_ arguments: [String]) async throws -> String {
        try await offThread { try pythonBlocking(arguments) }
    }

    private static func pythonBlocking(_ arguments: [String]) throws -> String {
        let python = PyJWTTokenTests.root.appendingPathComponent(".venv/bin/python")
        try #require(
            FileManager.default.isExecutableFile(atPath: python.path), "no .venv/bin/python: run scripts/bootstrap venv (make test does)")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pyjwt-\(UUID().uuidString)")
        let errors = output.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: output)
            try? FileManager.default.removeItem(at: errors)
        }
        let process = Process()
        process.executableURL = python
        process.arguments = [PyJWTTokenTests.root.appendingPathComponent("scripts/pyjwt-mint.py").path] + arguments
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        try #require(process.terminationStatus == 0, "pyjwt-mint.py \(arguments.first ?? ""): \(stderr)")
        return try String(contentsOf: output, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A folder with PyJWT's keys (`rsa.pem`, `ec.pem`) and their JWKS.
    static func identityProviderKeys(generation: String = "1") async throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-idp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = try await python(["keys", folder.path, generation])
        return folder
    }

    static func sign(
        _ alg: String, key: String, kid: String, tenant: String = "acme", role: String = "analyst", extra: [String] = []
    ) async throws -> String {
        try await python(["sign", alg, key, kid, tenant, "py-user", role] + extra)
    }

    @Test func rs256AndES256TokensFromPyJWTVerifyWithAJWKSFile() async throws {
        let fixture = try await CubeAPIFixture()
        let keys = try await Self.identityProviderKeys()
        defer { try? FileManager.default.removeItem(at: keys) }
        let rsa = keys.appendingPathComponent("rsa.pem").path
        let ec = keys.appendingPathComponent("ec.pem").path
        let issued = ["--iss", "https://idp.example", "--aud", "convai"]
        let rs256 = try await Self.sign("RS256", key: rsa, kid: "rsa-1", extra: issued)
        let es256 = try await Self.sign("ES256", key: ec, kid: "ec-1", extra: issued)
        let hs256 = try await PyJWTTokenTests.mint(secret: CubeAPIFixture.secret, tenant: "acme")
        let refusedTokens: [(String, String)] = [
            ("another issuer", try await Self.sign("RS256", key: rsa, kid: "rsa-1", extra: ["--iss", "https://evil.example", "--aud", "convai"])),
            ("another audience", try await Self.sign("RS256", key: rsa, kid: "rsa-1", extra: ["--iss", "https://idp.example", "--aud", "other"])),
            ("no issuer", try await Self.sign("RS256", key: rsa, kid: "rsa-1")),
            ("expired beyond the skew", try await Self.sign("ES256", key: ec, kid: "ec-1", extra: issued + ["--exp-in", "-1500"])),
            ("not valid yet", try await Self.sign("ES256", key: ec, kid: "ec-1", extra: issued + ["--nbf-in", "3000"])),
            ("EC key under the RSA kid", try await Self.sign("ES256", key: ec, kid: "rsa-1", extra: issued)),
            ("unknown kid", try await Self.sign("RS256", key: rsa, kid: "rsa-9", extra: issued)),
            ("no kid with two keys", try await Self.sign("RS256", key: rsa, kid: "-", extra: issued)),
            // The classic confusion: HS256 "signed" with the provider's public keys as the secret
            // (PyJWT refuses to do it, so ConvAI's own minting does).
            (
                "HS256 over the public keys",
                try await TokenAuthority(secret: try Self.publicKeyText(keys), tenants: ["acme"]).mint(
                    AccessClaims(
                        tenant: "acme", subject: "py-user", role: "admin", expiresAt: Date() + 600,
                        issuer: "https://idp.example", audience: "convai"))
            ),
        ]
        let skewed = try await Self.sign("RS256", key: rsa, kid: "rsa-1", extra: issued + ["--exp-in", "-20"])
        let query = #"{"query":{"measures":["Orders.count"]}}"#
        try await fixture.withClient(configure: { configuration in
            // A wide skew: the tokens are signed by a dozen Python runs before they are used,
            // which on a loaded machine takes longer than the default 60 s.
            configuration.auth.leewaySeconds = 1200
            configuration.auth.jwksFile = keys.appendingPathComponent("jwks.json").path
            configuration.auth.issuer = "https://idp.example"
            configuration.auth.audience = "convai"
        }) { client in
            for (name, token) in [("RS256", rs256), ("ES256", es256), ("within the clock skew", skewed)] {
                let answer = try await client.call("/cubejs-api/v1/load", token: token, body: query)
                #expect(answer.status == .ok, "\(name): \(answer.text)")
                #expect(answer.data.first?["Orders.count"] as? String == "5")
            }
            // The HS256 secret is configured too, but its tokens lack the issuer now required.
            let hs = try await client.call("/cubejs-api/v1/load", token: hs256, body: query)
            #expect(hs.status == .unauthorized)
            for (name, token) in refusedTokens {
                let answer = try await client.call("/cubejs-api/v1/load", token: token, body: query)
                #expect(answer.status == .unauthorized, "\(name): \(answer.text)")
                #expect(answer.data.isEmpty)
            }
        }
    }

    @Test func aKeyWithoutAlgIsPinnedToItsTypesAlgorithmSoNoHeaderCanRepurposeIt() async throws {
        let fixture = try await CubeAPIFixture()
        let keys = try await Self.identityProviderKeys()
        defer { try? FileManager.default.removeItem(at: keys) }
        // As some identity providers publish it: no "alg" on the keys.
        let published = keys.appendingPathComponent("jwks.json")
        var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: published)) as? [String: Any])
        document["keys"] = (document["keys"] as? [[String: Any]] ?? []).map { $0.filter { $0.key != "alg" } }
        try JSONSerialization.data(withJSONObject: document).write(to: published)
        let rsa = keys.appendingPathComponent("rsa.pem").path
        // A valid RS512 signature by the right key: the first token naming RS512 must not make
        // the key an RS512 key for everyone after.
        let rs512 = try await Self.sign("RS512", key: rsa, kid: "rsa-1")
        let rs256 = try await Self.sign("RS256", key: rsa, kid: "rsa-1")
        let query = #"{"query":{"measures":["Orders.count"]}}"#
        try await fixture.withClient(configure: { configuration in
            configuration.auth = .init(jwksFile: published.path)
        }) { client in
            let refused = try await client.call("/cubejs-api/v1/load", token: rs512, body: query)
            #expect(refused.status == .unauthorized)
            #expect(refused.error?.contains("signs with RS256, not RS512") == true, "\(refused.text)")
            let genuine = try await client.call("/cubejs-api/v1/load", token: rs256, body: query)
            #expect(genuine.status == .ok, "\(genuine.text)")
        }
    }

    static func publicKeyText(_ keys: URL) throws -> String {
        // The JWKS is public: an attacker has exactly this text.
        try String(contentsOf: keys.appendingPathComponent("jwks.json"), encoding: .utf8)
    }

    @Test func identityProviderOnlyServersRefuseHS256TokensAndCannotMint() async throws {
        let fixture = try await CubeAPIFixture()
        let keys = try await Self.identityProviderKeys()
        defer { try? FileManager.default.removeItem(at: keys) }
        let hs256 = try await PyJWTTokenTests.mint(secret: CubeAPIFixture.secret, tenant: "acme")
        let rs256 = try await Self.sign("RS256", key: keys.appendingPathComponent("rsa.pem").path, kid: "rsa-1")
        let query = #"{"query":{"measures":["Orders.count"]}}"#
        try await fixture.withClient(configure: { configuration in
            configuration.auth = .init(jwksFile: keys.appendingPathComponent("jwks.json").path)
        }) { client in
            #expect(try await client.call("/cubejs-api/v1/load", token: rs256, body: query).status == .ok)
            let refused = try await client.call("/cubejs-api/v1/load", token: hs256, body: query)
            #expect(refused.status == .unauthorized)
            #expect(refused.error?.contains("HS256 tokens are not accepted") == true, "\(refused.text)")
        }
        var configuration = fixture.configuration
        configuration.auth = .init(jwksFile: keys.appendingPathComponent("jwks.json").path)
        #expect(configuration.auth.identityProviderOnly)
        let authority = try await TokenAuthority(settings: try configuration.tokenSettings(), tenants: ["acme"])
        #expect(!authority.mintsTokens)
        await #expect(throws: (any Error).self) {
            try await authority.mint(AccessClaims(tenant: "acme", subject: "u", role: "admin", expiresAt: Date() + 60))
        }
    }

    @Test func aJWKSURLIsFetchedCachedAndRefetchedForANewKey() async throws {
        let fixture = try await CubeAPIFixture()
        let keys = try await Self.identityProviderKeys()
        let rotated = try await Self.identityProviderKeys(generation: "2")
        defer {
            try? FileManager.default.removeItem(at: keys)
            try? FileManager.default.removeItem(at: rotated)
        }
        // Started off the concurrency threads: it polls for up to 10 s until Python listens.
        let server = try await offThread { try StaticFileServer(folder: keys) }
        defer { server.stop() }
        let first = try await Self.sign("RS256", key: keys.appendingPathComponent("rsa.pem").path, kid: "rsa-1")
        let afterRotation = try await Self.sign("ES256", key: rotated.appendingPathComponent("ec.pem").path, kid: "ec-2")
        let query = #"{"query":{"measures":["Orders.count"]}}"#
        try await fixture.withClient(configure: { configuration in
            configuration.auth = .init(jwtSecret: CubeAPIFixture.secret, jwksURL: "http://127.0.0.1:\(server.port)/jwks.json")
        }) { client in
            let answer = try await client.call("/cubejs-api/v1/load", token: first, body: query)
            #expect(answer.status == .ok, "\(answer.text)")
            // The provider rotates its keys: a token naming the new kid makes the server fetch again.
            try FileManager.default.removeItem(at: keys.appendingPathComponent("jwks.json"))
            try FileManager.default.copyItem(
                at: rotated.appendingPathComponent("jwks.json"), to: keys.appendingPathComponent("jwks.json"))
            let rotatedAnswer = try await client.call("/cubejs-api/v1/load", token: afterRotation, body: query)
            #expect(rotatedAnswer.status == .ok, "\(rotatedAnswer.text)")
            // The old key is gone from the set: its tokens no longer pass.
            let old = try await client.call("/cubejs-api/v1/load", token: first, body: query)
            #expect(old.status == .unauthorized, "\(old.text)")
        }
    }
}

/// Python's http.server over a folder, on a free loopback port: an identity provider's
/// JWKS endpoint for the tests.
final class StaticFileServer: Sendable {
    let port: Int
    private let process: Process

    init(folder: URL) throws {
        let probe = try Self.freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "http.server", String(probe), "--bind", "127.0.0.1", "--directory", folder.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        port = probe
        // Ready when it accepts a connection (at most ~10 s).
        for _ in 0..<200 {
            if Self.accepts(port: probe) { return }
            usleep(50_000)
        }
        kill(process.processIdentifier, SIGKILL)
        throw FixtureError("http.server did not start on port \(probe)")
    }

    func stop() {
        // SIGKILL: the test process's threads block SIGTERM, and a child inherits that mask.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else { throw FixtureError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func accepts(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
