import Hummingbird
import Semantic

/// Everything a controller needs to guard its routes and bound its queries: the roles'
/// permissions, the rate limits, the callers' territories (row-level security) and the
/// size limits.
struct AccessControl: Sendable {
    let grants: RolePermissions
    let limiter: RequestRateLimiter?
    let territories: TerritoryResolver
    let limits: LimitSettings

    /// The guard of a group of routes needing `permissions`.
    func require(_ permissions: Permission...) -> RequirePermissionMiddleware {
        RequirePermissionMiddleware(Set(permissions), grants: grants, limiter: limiter)
    }

    /// Whether `claims`' role holds `permission`.
    func allows(_ claims: AccessClaims, _ permission: Permission) -> Bool { grants.allows(claims.role, permission) }

    /// The caller's row-level restriction, or nil for the whole tenant.
    func restriction(for claims: AccessClaims) async throws -> RowLevelRestriction? {
        try await territories.restriction(for: claims)
    }
}
