import JWTKit
import Hummingbird
import NIOCore
import Warehouse

/// `GET /api/v1/me`: who the token says the caller is and what their role may do, so that
/// the web page shows the SQL and the admin link only to those allowed to use them (the
/// API refuses the others anyway).
struct MeController: Sendable {
    let tenants: TenantRouter
    let access: AccessControl

    func register(on router: Router<ConvAIRequestContext>) {
        router.group("api/v1").add(middleware: access.require()).get("me") { _, context in
            let claims = try context.requireClaims()
            let permissions = Permission.allCases.filter { access.allows(claims, $0) }.map(\.rawValue).sorted()
            return JSONValue.object([
                ("tenant", .string(claims.tenant)),
                ("tenantName", .string((try? tenants.configuration(for: claims.tenant).displayName) ?? claims.tenant)),
                ("subject", .string(claims.sub.value)), ("role", .string(claims.role)),
                ("department", claims.department.map(JSONValue.string) ?? .null),
                ("territory", claims.territory.map(JSONValue.string) ?? .null),
                ("permissions", .array(permissions.map(JSONValue.string))),
            ]).response()
        }
    }
}
