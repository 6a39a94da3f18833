public import Hummingbird

/// Per request: who is calling, as ``IdentifyMiddleware`` found from the token.
///
/// Handlers read the caller with ``claims`` only on routes guarded by
/// ``RequirePermissionMiddleware``, which refuses every request without verified claims.
public struct ConvAIRequestContext: RequestContext {
    /// What the `Authorization` header proved.
    public enum Identity: Sendable {
        /// No header.
        case anonymous
        /// A header whose token did not verify, and why.
        case refused(String)
        /// A verified token.
        case verified(AccessClaims)
    }

    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The caller.
    public var identity: Identity = .anonymous

    /// Makes a context for a new request.
    public init(source: Source) { coreContext = .init(source: source) }

    /// The verified claims, or nil.
    public var claims: AccessClaims? {
        if case .verified(let claims) = identity { claims } else { nil }
    }

    /// The verified claims of a guarded route. A route reached without them is a wiring
    /// mistake, answered as an unauthenticated request rather than trusted.
    func requireClaims() throws -> AccessClaims {
        guard let claims else { throw HTTPError(.unauthorized, message: "Authorization header isn't set") }
        return claims
    }
}
