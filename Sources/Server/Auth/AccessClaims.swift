public import JWTKit
public import Foundation

/// What ConvAI reads from a verified JWT: who is asking, for which company, in which role.
///
/// The tenant always comes from here, never from a request body.
public struct AccessClaims: JWTPayload, Sendable, Equatable {
    /// The roles ConvAI knows (DESIGN.md).
    public static let roles: Set<String> = ["executive", "manager", "sales_rep", "analyst", "admin"]

    /// The tenant id whose database the request may use.
    public var tenant: String
    /// The user id.
    public var sub: SubjectClaim
    /// One of ``roles``.
    public var role: String
    /// The user's department, if known.
    public var department: String?
    /// The user's sales territory, if the role is bounded by one.
    public var territory: String?
    /// The customer (an account of the tenant) the user acts for, if any: usage is broken
    /// down by it.
    public var customer: String?
    /// When the token was minted.
    public var iat: IssuedAtClaim?
    /// When the token stops being valid.
    public var exp: ExpirationClaim
    /// When the token starts being valid, if the issuer says.
    public var nbf: NotBeforeClaim?
    /// Who issued the token (checked against `auth.issuer` when configured).
    public var iss: IssuerClaim?
    /// Whom the token is for (checked against `auth.audience` when configured).
    public var aud: AudienceClaim?

    /// Makes claims.
    public init(
        tenant: String, subject: String, role: String, department: String? = nil, territory: String? = nil,
        customer: String? = nil, issuedAt: Date = Date(), expiresAt: Date, notBefore: Date? = nil,
        issuer: String? = nil, audience: String? = nil
    ) {
        self.customer = customer
        self.tenant = tenant
        self.sub = SubjectClaim(value: subject)
        self.role = role
        self.department = department
        self.territory = territory
        self.iat = IssuedAtClaim(value: issuedAt)
        self.exp = ExpirationClaim(value: expiresAt)
        self.nbf = notBefore.map { NotBeforeClaim(value: $0) }
        self.iss = issuer.map { IssuerClaim(value: $0) }
        self.aud = audience.map { AudienceClaim(value: [$0]) }
    }

    /// When the token stops being valid.
    public var expiresAt: Date { exp.value }

    /// Checks the role. Times (with the configured clock skew), issuer, audience and tenant
    /// are checked by ``TokenAuthority``, which knows the configuration.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        guard Self.roles.contains(role) else {
            throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "unknown role '\(role)'")
        }
    }
}
