import NIOHTTP1
public import Foundation
public import AsyncHTTPClient
import JWTKit
public import Logging
import NIOCore
import Synchronization
import Warehouse

/// Verifies ConvAI's JWTs and mints development ones.
///
/// Two kinds of key: an HS256 secret (development, and deployments without an identity
/// provider), and the identity provider's public keys (RS256/RS384/RS512, ES256/ES384/ES512)
/// from a JWKS file or URL. The header's `alg` picks the kind before any key is touched,
/// so a token can never be checked with a key of another kind ("alg confusion"), and `none`
/// is refused outright. Then `exp` and `nbf` (with a small clock skew), `iss` and `aud`
/// (when configured) and the tenant (one this server has) are checked.
public struct TokenAuthority: Sendable {
    /// Why a token was refused: answered with 401 and this text.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        /// What to tell the client.
        public var description: String
    }

    /// What the authority accepts.
    public struct Settings: Sendable {
        /// The HS256 secret; nil accepts identity-provider tokens only.
        public var secret: String?
        /// A JWKS document (the file's text), if configured.
        public var jwksJSON: String?
        /// Where to fetch the JWKS, if configured; fetched on first use and kept for
        /// ``jwksCacheDuration``, and again (at most every 30 s) when a token names an unknown key.
        public var jwksURL: String?
        /// How long a fetched JWKS is trusted.
        public var jwksCacheDuration: Duration
        /// The issuer tokens must name, if any.
        public var issuer: String?
        /// The audience tokens must include, if any.
        public var audience: String?
        /// Clock skew allowed on `exp` and `nbf`.
        public var leeway: Duration

        /// Makes settings.
        public init(
            secret: String? = nil, jwksJSON: String? = nil, jwksURL: String? = nil, jwksCacheDuration: Duration = .seconds(600),
            issuer: String? = nil, audience: String? = nil, leeway: Duration = .seconds(60)
        ) {
            self.secret = secret
            self.jwksJSON = jwksJSON
            self.jwksURL = jwksURL
            self.jwksCacheDuration = jwksCacheDuration
            self.issuer = issuer
            self.audience = audience
            self.leeway = leeway
        }
    }

    /// The shortest HS256 secret accepted: as long as the hash output (RFC 7518 §3.2).
    public static let minimumSecretBytes = 32
    /// Algorithms verified with the HS256 secret.
    static let secretAlgorithms: Set<String> = ["HS256"]
    /// Algorithms verified with the identity provider's public keys.
    static let publicKeyAlgorithms: Set<String> = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"]

    private let secretKeys: JWTKeyCollection?
    private let publicKeys: PublicKeySource?
    private let tenants: Set<String>
    private let settings: Settings
    /// Clients send the same token with every request: its signature is checked once, and
    /// the claims' times, issuer, audience and tenant on every use.
    private let verified = VerifiedTokens()

    /// Whether this authority can mint tokens (it holds an HS256 secret).
    public var mintsTokens: Bool { secretKeys != nil }

    /// Makes an authority for `secret`, accepting tokens for `tenants` only.
    public init(secret: String, tenants: some Sequence<String>) async throws {
        try await self.init(settings: Settings(secret: secret), tenants: tenants)
    }

    /// Makes an authority from `settings`; at least one kind of key must be configured.
    public init(
        settings: Settings, tenants: some Sequence<String>, httpClient: HTTPClient = .shared,
        logger: Logger = Logger(label: "convai.auth")
    ) async throws {
        if let secret = settings.secret {
            guard secret.utf8.count >= Self.minimumSecretBytes else {
                throw WarehouseError(
                    .invalidConfiguration,
                    "auth.jwt_secret: the JWT secret is \(secret.utf8.count) bytes; HS256 needs at least \(Self.minimumSecretBytes)")
            }
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
            secretKeys = keys
        } else {
            secretKeys = nil
        }
        if settings.jwksJSON != nil || settings.jwksURL != nil {
            publicKeys = try await PublicKeySource(
                json: settings.jwksJSON, url: settings.jwksURL, cacheDuration: settings.jwksCacheDuration, client: httpClient,
                logger: logger)
        } else {
            publicKeys = nil
        }
        guard secretKeys != nil || publicKeys != nil else {
            throw WarehouseError(.invalidConfiguration, "auth: configure jwt_secret, jwks_file or jwks_url")
        }
        self.tenants = Set(tenants)
        self.settings = settings
    }

    /// Signs `claims` into a compact HS256 JWT.
    public func mint(_ claims: AccessClaims) async throws -> String {
        guard let secretKeys else {
            throw WarehouseError(
                .invalidConfiguration,
                "this server accepts only the identity provider's tokens (auth.jwks_file / auth.jwks_url, no jwt_secret): development tokens cannot be minted")
        }
        return try await secretKeys.sign(claims)
    }

    /// Verifies the value of an `Authorization` header: the token itself (Cube's form) or
    /// `Bearer <token>`.
    public func verify(authorization header: String?, now: Date = Date()) async throws -> AccessClaims {
        // Plain Substring work: Foundation's trimming costs microseconds on every request.
        guard var token = header.map(Self.trimmingSpaces), !token.isEmpty else {
            throw Refusal(description: "Authorization header isn't set")
        }
        if token.prefix(7).lowercased() == "bearer " { token = Self.trimmingSpaces(token.dropFirst(7)) }
        let tokenText = String(token)
        let generation = publicKeys?.generation ?? 0
        if let claims = verified.claims(for: tokenText, keyGeneration: generation) {
            try check(claims, now: now)
            return claims
        }
        let header = try Self.header(of: tokenText)
        let claims: AccessClaims
        do {
            if Self.secretAlgorithms.contains(header.alg) {
                guard let secretKeys else {
                    throw Refusal(description: "Invalid token: \(header.alg) tokens are not accepted here; use the identity provider's")
                }
                claims = try await secretKeys.verify(tokenText, as: AccessClaims.self)
            } else if Self.publicKeyAlgorithms.contains(header.alg) {
                guard let publicKeys else {
                    throw Refusal(description: "Invalid token: \(header.alg) tokens are not accepted here (no JWKS configured)")
                }
                claims = try await publicKeys.verify(tokenText, kid: header.kid, alg: header.alg)
            } else {
                throw Refusal(description: "Invalid token: algorithm '\(header.alg)' is not accepted")
            }
        } catch let refusal as Refusal {
            throw refusal
        } catch let error as JWTError {
            throw Refusal(description: "Invalid token: \(error.reason ?? Self.describe(error))")
        } catch {
            throw Refusal(description: "Invalid token")
        }
        try check(claims, now: now)
        verified.remember(tokenText, claims: claims, keyGeneration: generation)
        return claims
    }

    private static func trimmingSpaces(_ text: some StringProtocol) -> Substring {
        let view = Substring(text)
        let start = view.firstIndex { $0 != " " && $0 != "\t" } ?? view.endIndex
        let end = view.lastIndex { $0 != " " && $0 != "\t" }.map(view.index(after:)) ?? start
        return view[start..<max(start, end)]
    }

    private func check(_ claims: AccessClaims, now: Date) throws {
        let leeway = Double(settings.leeway.components.seconds)
        guard now.addingTimeInterval(-leeway) < claims.exp.value else { throw Refusal(description: "Invalid token: expired") }
        if let nbf = claims.nbf, now.addingTimeInterval(leeway) < nbf.value {
            throw Refusal(description: "Invalid token: not valid yet (nbf)")
        }
        if let issuer = settings.issuer, claims.iss?.value != issuer {
            throw Refusal(description: "Invalid token: issuer is not '\(issuer)'")
        }
        if let audience = settings.audience, !(claims.aud?.value.contains(audience) ?? false) {
            throw Refusal(description: "Invalid token: audience does not include '\(audience)'")
        }
        guard tenants.contains(claims.tenant) else {
            throw Refusal(description: "Invalid token: tenant '\(claims.tenant)' is not served here")
        }
    }

    private struct Header: Decodable {
        var alg: String
        var kid: String?
    }

    /// The token's header, read before any key is chosen.
    private static func header(of token: String) throws -> Header {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, var text = parts.first.map(String.init) else {
            throw Refusal(description: "Invalid token: malformed token")
        }
        text = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: text), let header = try? JSONDecoder().decode(Header.self, from: data) else {
            throw Refusal(description: "Invalid token: malformed header")
        }
        return header
    }

    static func describe(_ error: JWTError) -> String {
        switch error.errorType {
        case .signatureVerificationFailed: "signature does not match"
        case .malformedToken: "malformed token"
        case .claimVerificationFailure: "claims do not verify"
        default: "\(error.errorType)"
        }
    }
}

/// The identity provider's public keys: a JWKS file read once, or a JWKS URL fetched and kept
/// for a while, fetched again early when a token names a key it does not have (key rotation).
actor PublicKeySource {
    private let url: String?
    private let cacheDuration: Duration
    private let client: HTTPClient
    private let logger: Logger
    private var keys: JWTKeyCollection
    /// Each key's one algorithm: its `alg`, else the one its type implies (RS256, ES256 for
    /// P-256 …). A token must name exactly that algorithm; otherwise jwt-kit would build (and
    /// keep) the key's verifier from whatever the first token's header says.
    private var algorithms: [String: String]
    private var fetchedAt: ContinuousClock.Instant?
    private var lastFailedFetch: ContinuousClock.Instant?
    /// Changes whenever the key set is replaced, so that tokens verified with the old set
    /// are verified again. Atomic, so that a cached token is checked without an actor hop.
    private let generationCounter = Atomic<Int>(0)
    nonisolated var generation: Int { generationCounter.load(ordering: .acquiring) }
    private var lastUnknownKidFetch: ContinuousClock.Instant?

    init(json: String?, url: String?, cacheDuration: Duration, client: HTTPClient, logger: Logger) async throws {
        self.url = url
        self.logger = logger
        self.cacheDuration = cacheDuration
        self.client = client
        keys = JWTKeyCollection()
        algorithms = [:]
        if let json {
            (keys, algorithms) = try await Self.collection(json, source: "auth.jwks_file")
        }
    }

    func verify(_ token: String, kid: String?, alg: String) async throws -> AccessClaims {
        // After a failed fetch, wait 30 s before the next: a provider that is down is not asked
        // again by every request.
        let resting = lastFailedFetch.map { ContinuousClock.now - $0 < .seconds(30) } ?? false
        if url != nil, !resting {
            let stale = fetchedAt.map { ContinuousClock.now - $0 > cacheDuration } ?? true
            let unknown = kid.map { algorithms[$0] == nil } ?? false
            let mayRetry = lastUnknownKidFetch.map { ContinuousClock.now - $0 > .seconds(30) } ?? true
            if stale {
                try await refresh()
            } else if unknown && mayRetry {
                // Key rotation: the provider may have published a new key since the last fetch.
                lastUnknownKidFetch = .now
                try await refresh()
            }
        }
        guard let kid = kid ?? (algorithms.count == 1 ? algorithms.keys.first : nil) else {
            throw TokenAuthority.Refusal(description: "Invalid token: no key id (kid) in the header")
        }
        guard let pinned = algorithms[kid] else {
            throw TokenAuthority.Refusal(description: "Invalid token: unknown key id '\(kid)'")
        }
        guard pinned == alg else {
            throw TokenAuthority.Refusal(description: "Invalid token: key '\(kid)' signs with \(pinned), not \(alg)")
        }
        return try await keys.verify(token, as: AccessClaims.self)
    }

    private func refresh() async throws {
        guard let url else { return }
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept", value: "application/json")
            let response = try await client.execute(request, timeout: .seconds(10))
            guard response.status == .ok else { throw JWKSFetchError(description: "HTTP \(response.status.code)") }
            let body = try await response.body.collect(upTo: 1 << 20)
            (keys, algorithms) = try await Self.collection(String(buffer: body), source: url)
            fetchedAt = .now
            lastFailedFetch = nil
            generationCounter.add(1, ordering: .releasing)
            logger.info(
                "fetched the identity provider's keys", metadata: ["url.full": "\(url)", "auth.kids": "\(algorithms.keys.sorted())"])
        } catch {
            // Keep the keys we have: a provider briefly down, or serving a broken document,
            // must not lock everyone out. The detail goes to the log, not to the client.
            lastFailedFetch = .now
            logger.warning(
                "could not fetch the identity provider's keys", metadata: ["url.full": "\(url)", "error": "\(error)"])
            if fetchedAt == nil {
                throw TokenAuthority.Refusal(description: "Invalid token: the identity provider's keys are not available")
            }
        }
    }

    private struct JWKSFetchError: Error, CustomStringConvertible { var description: String }

    /// What the algorithm of each key is read from.
    private struct KeyFacts: Decodable {
        var kid: String?
        var kty: String?
        var alg: String?
        var crv: String?

        var algorithm: String? {
            if let alg { return alg }
            switch (kty, crv) {
            case ("RSA", _): return "RS256"
            case ("EC", "P-256"): return "ES256"
            case ("EC", "P-384"): return "ES384"
            case ("EC", "P-521"): return "ES512"
            default: return nil
            }
        }
    }

    private struct KeySetFacts: Decodable { var keys: [KeyFacts] }

    private static func collection(_ json: String, source: String) async throws -> (JWTKeyCollection, [String: String]) {
        let jwks: JWKS
        let facts: KeySetFacts
        do {
            jwks = try JSONDecoder().decode(JWKS.self, from: Data(json.utf8))
            facts = try JSONDecoder().decode(KeySetFacts.self, from: Data(json.utf8))
        } catch {
            throw WarehouseError(.invalidConfiguration, "\(source): not a JWKS document (\(error))")
        }
        let collection = JWTKeyCollection()
        var algorithms: [String: String] = [:]
        for (key, fact) in zip(jwks.keys, facts.keys) {
            guard let kid = key.keyIdentifier?.string else {
                throw WarehouseError(.invalidConfiguration, "\(source): every key needs a kid")
            }
            guard let algorithm = fact.algorithm, TokenAuthority.publicKeyAlgorithms.contains(algorithm) else {
                throw WarehouseError(
                    .invalidConfiguration, "\(source): key '\(kid)' has no usable algorithm (RS256…RS512, ES256…ES512)")
            }
            do {
                try await collection.add(jwk: key)
            } catch {
                throw WarehouseError(.invalidConfiguration, "\(source): key '\(kid)' is not usable (\(error))")
            }
            algorithms[kid] = algorithm
        }
        return (collection, algorithms)
    }
}

/// Tokens whose signature verified, with their claims: bounded, each kept at most five
/// minutes and only for the key set it verified with.
final class VerifiedTokens: Sendable {
    private struct Entry {
        var claims: AccessClaims
        var keyGeneration: Int
        var verifiedAt: ContinuousClock.Instant
    }

    private let entries = Mutex([String: Entry]())
    private let capacity = 10_000
    private let lifetime = Duration.seconds(300)

    func claims(for token: String, keyGeneration: Int) -> AccessClaims? {
        entries.withLock { entries in
            guard let entry = entries[token] else { return nil }
            guard entry.keyGeneration == keyGeneration, ContinuousClock.now - entry.verifiedAt < lifetime else {
                entries[token] = nil
                return nil
            }
            return entry.claims
        }
    }

    func remember(_ token: String, claims: AccessClaims, keyGeneration: Int) {
        entries.withLock { entries in
            // Bounded: past capacity, start afresh (the next requests verify their tokens again).
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[token] = Entry(claims: claims, keyGeneration: keyGeneration, verifiedAt: .now)
        }
    }
}
