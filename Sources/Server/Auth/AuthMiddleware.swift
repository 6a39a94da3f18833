import JWTKit
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Reads the `Authorization` header of every request once, and keeps what it proved in the
/// context (``ConvAIRequestContext/identity``): the guards, the metrics and the handlers all
/// read it from there. It refuses nothing itself, so that open routes (`/health`,
/// `/metrics`, the web page) stay open.
struct IdentifyMiddleware: RouterMiddleware {
    typealias Context = ConvAIRequestContext
    let authority: TokenAuthority

    @concurrent func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let header = request.headers[.authorization] {
            do {
                let claims = try await authority.verify(authorization: header)
                context.identity = .verified(claims)
                context.logger[metadataKey: "tenant.id"] = .string(claims.tenant)
                context.logger[metadataKey: "enduser.id"] = .string(claims.sub.value)
                context.logger[metadataKey: "enduser.role"] = .string(claims.role)
            } catch let refusal as TokenAuthority.Refusal {
                context.identity = .refused(refusal.description)
            }
        }
        return try await next(request, context)
    }
}

/// Guards a group of routes: 401 without a verified token, 403 naming the missing
/// permission, 429 with `Retry-After` past the caller's or the tenant's rate.
struct RequirePermissionMiddleware: RouterMiddleware {
    typealias Context = ConvAIRequestContext
    let permissions: Set<Permission>
    let grants: RolePermissions
    let limiter: RequestRateLimiter?

    init(_ permissions: Set<Permission>, grants: RolePermissions, limiter: RequestRateLimiter?) {
        self.permissions = permissions
        self.grants = grants
        self.limiter = limiter
    }

    @concurrent func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        let claims: AccessClaims
        switch context.identity {
        case .anonymous: return Self.unauthorized("Authorization header isn't set")
        case .refused(let reason): return Self.unauthorized(reason)
        case .verified(let verified): claims = verified
        }
        for permission in permissions.sorted(by: { $0.rawValue < $1.rawValue }) where !grants.allows(claims.role, permission) {
            context.logger.notice(
                "permission refused", metadata: ["permission": "\(permission)", "http.route": "\(context.endpointPath ?? "")"])
            return Self.error(
                "Forbidden: the role '\(claims.role)' lacks the permission '\(permission)'", status: .forbidden)
        }
        if let limiter, let retryAfter = limiter.admit(claims) {
            context.logger.notice("rate limited", metadata: ["retry_after_s": "\(retryAfter)"])
            var response = Self.error(
                "Too many requests: try again in \(retryAfter) s", status: .tooManyRequests)
            response.headers[.retryAfter] = String(retryAfter)
            return response
        }
        return try await next(request, context)
    }

    static func unauthorized(_ reason: String) -> Response {
        var response = error(reason, status: .unauthorized)
        response.headers[.wwwAuthenticate] = #"Bearer realm="convai""#
        return response
    }

    static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        JSONValue.error(message, status: status)
    }
}
