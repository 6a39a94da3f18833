import JWTKit
/// The two rates every guarded request is held to: the caller's own, and their tenant's
/// (so that one company's burst cannot starve the others on a shared server).
final class RequestRateLimiter: Sendable {
    private let perUser: RateLimiter
    private let perTenant: RateLimiter

    init(settings: LimitSettings) {
        perUser = RateLimiter(limit: settings.perUser)
        perTenant = RateLimiter(limit: settings.perTenant)
    }

    /// Nil when the request may go ahead, else the whole seconds to wait.
    func admit(_ claims: AccessClaims) -> Int? {
        // Tenant ids cannot hold "/", so user keys of different tenants never meet.
        if let wait = perUser.take(claims.tenant + "/" + claims.sub.value).retryAfterSeconds { return wait }
        return perTenant.take(claims.tenant).retryAfterSeconds
    }
}
