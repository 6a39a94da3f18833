public import Foundation
import JWTKit
import Warehouse

/// Mints and verifies ConvAI's HS256 JWTs with the configured secret, and checks that a
/// token names a configured tenant.
public struct TokenAuthority: Sendable {
    /// Why a request was refused; every case is answered with 403, as Cube does.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        /// What to tell the client.
        public var description: String
    }

    private let keys: JWTKeyCollection
    private let tenants: Set<String>

    /// The shortest HS256 secret accepted: as long as the hash output (RFC 7518 §3.2).
    public static let minimumSecretBytes = 32

    /// Makes an authority for `secret`, accepting tokens for `tenants` only.
    public init(secret: String, tenants: some Sequence<String>) async throws {
        guard secret.utf8.count >= Self.minimumSecretBytes else {
            throw WarehouseError(
                .invalidConfiguration, "auth.jwt_secret: the JWT secret is \(secret.utf8.count) bytes; HS256 needs at least \(Self.minimumSecretBytes)")
        }
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.tenants = Set(tenants)
    }

    /// Signs `claims` into a compact JWT.
    public func mint(_ claims: AccessClaims) async throws -> String {
        try await keys.sign(claims)
    }

    /// Verifies the value of an `Authorization` header: the token itself (Cube's form) or
    /// `Bearer <token>`.
    public func verify(authorization header: String?) async throws -> AccessClaims {
        guard var token = header?.trimmingCharacters(in: .whitespaces), !token.isEmpty else {
            throw Refusal(description: "Authorization header isn't set")
        }
        if token.lowercased().hasPrefix("bearer ") { token = String(token.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
        let claims: AccessClaims
        do {
            claims = try await keys.verify(token, as: AccessClaims.self)
        } catch let error as JWTError {
            throw Refusal(description: "Invalid token: \(error.reason ?? Self.describe(error))")
        } catch {
            throw Refusal(description: "Invalid token")
        }
        guard tenants.contains(claims.tenant) else {
            throw Refusal(description: "Invalid token: tenant '\(claims.tenant)' is not served here")
        }
        return claims
    }

    private static func describe(_ error: JWTError) -> String {
        switch error.errorType {
        case .signatureVerificationFailed: "signature does not match"
        case .malformedToken: "malformed token"
        case .claimVerificationFailure: "claims do not verify"
        default: "\(error.errorType)"
        }
    }
}
