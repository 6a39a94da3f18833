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

    /// Makes claims.
    public init(
        tenant: String, subject: String, role: String, department: String? = nil, territory: String? = nil,
        customer: String? = nil, issuedAt: Date = Date(), expiresAt: Date
    ) {
        self.customer = customer
        self.tenant = tenant
        self.sub = SubjectClaim(value: subject)
        self.role = role
        self.department = department
        self.territory = territory
        self.iat = IssuedAtClaim(value: issuedAt)
        self.exp = ExpirationClaim(value: expiresAt)
    }

    /// When the token stops being valid.
    public var expiresAt: Date { exp.value }

    /// Checks expiry and the role; the tenant is checked against the configuration by
    /// ``TokenAuthority``.
    public func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        guard Self.roles.contains(role) else {
            throw JWTError.claimVerificationFailure(failedClaim: nil, reason: "unknown role '\(role)'")
        }
    }
}
