import ArgumentParser
import Foundation
import JWTKit
import Observability
import Semantic
import Server
import Warehouse

/// `convai bench security`: what the security checks add to a request, against the work
/// every `/v1/load` does anyway, compiling its query, measured in the same run: token
/// verification (HS256 with the secret, ES256 with a JWKS key), row-level security in the
/// compiler (a restricted compile against the same compile unrestricted), and the two
/// rate-limit buckets.
struct SecurityBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "security",
        abstract: "Token verification, row-level security and rate limiting per request, vs compiling the request's query.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "Timed calls per measurement.")
    var calls = 20_000

    func validate() throws {
        guard calls >= 100 else { throw ValidationError("--calls must be at least 100") }
    }

    func run() async throws {
        let configuration = try options.loadConfiguration()
        guard let tenant = configuration.tenants.first else { throw ValidationError("no tenant configured") }
        let model = try DataModel.load(from: configuration.modelFolder(for: tenant))
        let query = try CubeQuery(
            json: Data(
                #"""
                {"measures":["Transactions.netSales"],"dimensions":["Products.brand"],
                 "timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"month","dateRange":"last 3 months"}],
                 "order":{"Transactions.netSales":"desc"},"limit":10}
                """#.utf8))
        let today = SQLDate.todayUTC()
        let plain = QueryCompiler(model: model, dialect: .duckdb)
        let restricted = QueryCompiler(
            model: model, dialect: .duckdb,
            restriction: RowLevelRestriction(rules: .salesTerritories, territory: Territory(level: "City", name: "Mumbai")))

        // Tokens: HS256 with a secret; ES256 with a key published as a JWKS, as an identity provider does.
        let secret = String(repeating: "s", count: 48)
        let signingKey = ES256PrivateKey()
        guard let parameters = signingKey.publicKey.parameters else { throw ValidationError("no EC parameters") }
        let jwks = #"{"keys":[{"kty":"EC","crv":"P-256","x":"\#(parameters.x)","y":"\#(parameters.y)","kid":"bench","alg":"ES256","use":"sig"}]}"#
        let authority = try await TokenAuthority(
            settings: .init(secret: secret, jwksJSON: jwks, issuer: nil, audience: nil), tenants: [tenant.id])
        let claims = AccessClaims(
            tenant: tenant.id, subject: "bench-user", role: "sales_rep", territory: "City:Mumbai", expiresAt: Date() + 3600)
        let signer = JWTKeyCollection()
        await signer.add(ecdsa: signingKey, kid: "bench")
        // A new token per call for the first verification (the signature is checked once per
        // token; the same token again comes from the verified-token cache).
        progress("minting \(calls) HS256 and \(calls) ES256 tokens")
        var hs256: [String] = []
        var es256: [String] = []
        for index in 0..<calls {
            var fresh = claims
            fresh.sub = SubjectClaim(value: "bench-user-\(index)")
            hs256.append(try await authority.mint(fresh))
            es256.append(try await signer.sign(fresh, kid: "bench"))
        }
        let limiter = RateLimiter(limit: LimitSettings().perUser)
        let tenantLimiter = RateLimiter(limit: LimitSettings().perTenant)

        progress("security: \(calls) calls per measurement on tenant \(tenant.id)'s model")
        var figures: [(String, [Double])] = []
        figures.append(("compile (baseline)", try Self.perCall(calls) { _ = try plain.compile(query, asOf: today) }))
        figures.append(("compile with RLS", try Self.perCall(calls) { _ = try restricted.compile(query, asOf: today) }))
        var next = 0
        figures.append(
            ("verify HS256, new token",
             try await Self.perCallAsync(calls, warmUp: false) {
                 _ = try await authority.verify(authorization: hs256[next])
                 next += 1
             }))
        next = 0
        figures.append(
            ("verify ES256 (JWKS), new",
             try await Self.perCallAsync(calls, warmUp: false) {
                 _ = try await authority.verify(authorization: es256[next])
                 next += 1
             }))
        figures.append(
            ("verify, token seen before",
             try await Self.perCallAsync(calls) { _ = try await authority.verify(authorization: es256[0]) }))
        var user = 0
        figures.append(
            ("rate limits (2 buckets)",
             try Self.perCall(calls) {
                 // Many users, as on a busy server: each call a different key of 10,000.
                 user = (user + 1) % 10_000
                 _ = limiter.take("\(tenant.id)/u\(user)")
                 _ = tenantLimiter.take(tenant.id)
             }))

        let baseline = Self.percentile(figures[0].1, 0.5)
        print("per call, µs            p50        p99     p50 / compile p50")
        for (name, values) in figures {
            let p50 = Self.percentile(values, 0.5)
            let label = name.padding(toLength: 27, withPad: " ", startingAt: 0)
            print("  " + label + String(format: "%8.2f   %8.2f   %6.3fx", p50, Self.percentile(values, 0.99), p50 / max(baseline, 1e-9)))
        }
        let perRequest = Self.percentile(figures[1].1, 0.5) - baseline + Self.percentile(figures[4].1, 0.5)
            + Self.percentile(figures[5].1, 0.5)
        print(
            String(
                format: "a bounded request with a token seen before adds %.2f µs at p50 (RLS + verify + limits), %.2fx of its compile",
                perRequest, perRequest / max(baseline, 1e-9)))
    }

    static func perCall(_ calls: Int, _ body: () throws -> Void) throws -> [Double] {
        let clock = ContinuousClock()
        for _ in 0..<min(1000, calls) { try body() }
        var values: [Double] = []
        values.reserveCapacity(calls)
        for _ in 0..<calls {
            let start = clock.now
            try body()
            values.append((clock.now - start).milliseconds * 1000)
        }
        return values
    }

    static func perCallAsync(_ calls: Int, warmUp: Bool = true, _ body: () async throws -> Void) async throws -> [Double] {
        let clock = ContinuousClock()
        if warmUp { for _ in 0..<min(1000, calls) { try await body() } }
        var values: [Double] = []
        values.reserveCapacity(calls)
        for _ in 0..<calls {
            let start = clock.now
            try await body()
            values.append((clock.now - start).milliseconds * 1000)
        }
        return values
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }
}
