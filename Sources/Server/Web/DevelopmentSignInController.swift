import Foundation
import Hummingbird
import Insights
import Logging
import NIOCore
import Semantic
import Warehouse

/// `GET /api/v1/dev/users` and `POST /api/v1/dev/token`: the web page's development sign-in.
/// It lists each tenant's sales hierarchy (plus an admin and an analyst) and mints a
/// 12-hour token for whoever is picked, so a demo needs no identity provider. Only with
/// `auth.development_sign_in: true`; otherwise both routes answer 404.
///
/// The people are the insights' recipients (``RecipientDirectory``): one reading of the
/// hierarchy, so whoever signs in sees the scope their digest has.
struct DevelopmentSignInController: Sendable {
    let enabled: Bool
    let tenants: TenantRouter
    let semantic: SemanticCatalog
    let today: @Sendable () -> SQLDate
    let authority: TokenAuthority
    let logger: Logger

    static let tokenLifetime: TimeInterval = 12 * 3600
    static let maximumBodyBytes = 4 * 1024

    /// One person who can be signed in as.
    struct Person: Sendable, Equatable {
        var userId: String
        var name: String
        /// SO, ASM, ZSM, NSM for the hierarchy; nil for the admin and the analyst.
        var hierarchyRole: String?
        /// The token's role.
        var role: String
        var department: String
        var territoryLevel: String?
        var territoryName: String?

        /// The token's `territory` claim: `City:Mumbai`; none for the national level.
        var territoryClaim: String? {
            guard let territoryLevel, let territoryName,
                territoryLevel.caseInsensitiveCompare(Territory.nationalLevel) != .orderedSame
            else { return nil }
            return "\(territoryLevel):\(territoryName)"
        }

        var json: JSONValue {
            .object([
                ("userId", .string(userId)), ("name", .string(name)),
                ("hierarchyRole", hierarchyRole.map(JSONValue.string) ?? .null), ("role", .string(role)),
                ("department", .string(department)),
                ("territoryLevel", territoryLevel.map(JSONValue.string) ?? .null),
                ("territoryName", territoryName.map(JSONValue.string) ?? .null),
                ("territory", territoryClaim.map(JSONValue.string) ?? .null),
            ])
        }
    }

    /// Not in the hierarchy: whoever runs the tenant, and whoever writes its reports.
    static let staff = [
        Person(userId: "admin", name: "Tenant administrator", role: "admin", department: "IT"),
        Person(userId: "analyst", name: "Sales analyst", role: "analyst", department: "Analytics"),
    ]

    func register(on router: Router<ConvAIRequestContext>) {
        let api = router.group("api/v1/dev")
        api.get("users") { _, _ in
            guard enabled else { return Self.off }
            return await users()
        }
        api.post("token") { request, _ in
            guard enabled else { return Self.off }
            return await token(request)
        }
    }

    static var off: Response { AskController.error("development sign-in is off", status: .notFound) }

    private func users() async -> Response {
        var list: [JSONValue] = []
        for tenant in tenants.tenantIDs {
            var members: [(String, JSONValue)] = [
                ("id", .string(tenant)),
                ("name", .string((try? tenants.configuration(for: tenant).displayName) ?? tenant)),
            ]
            do {
                let people = try await hierarchy(of: tenant) + Self.staff
                members.append(("users", .array(people.map(\.json))))
            } catch {
                logger.warning("development sign-in: cannot read the sales hierarchy", metadata: ["tenant.id": "\(tenant)", "error": "\(error)"])
                members.append(("users", .array(Self.staff.map(\.json))))
                members.append(("error", .string("the sales hierarchy could not be read (is the tenant seeded and transformed?)")))
            }
            list.append(.object(members))
        }
        return JSONValue.object([("tenants", .array(list))]).response()
    }

    private struct TokenBody: Decodable {
        var tenant: String
        var userId: String
    }

    private func token(_ request: Request) async -> Response {
        let body: TokenBody
        do {
            let buffer = try await request.body.collect(upTo: Self.maximumBodyBytes)
            body = try JSONDecoder().decode(TokenBody.self, from: Data(buffer.readableBytesView))
        } catch {
            return AskController.error(
                "the body must be a JSON object {\"tenant\": \"…\", \"userId\": \"…\"} of at most \(Self.maximumBodyBytes) bytes",
                status: .badRequest)
        }
        guard tenants.tenantIDs.contains(body.tenant) else {
            return AskController.error("unknown tenant '\(body.tenant)'", status: .notFound)
        }
        let person: Person?
        if let staff = Self.staff.first(where: { $0.userId == body.userId }) {
            person = staff
        } else {
            do {
                person = try await hierarchy(of: body.tenant).first { $0.userId == body.userId }
            } catch {
                logger.error("development sign-in: cannot read the sales hierarchy", metadata: ["tenant.id": "\(body.tenant)", "error": "\(error)"])
                return AskController.error("the sales hierarchy of '\(body.tenant)' could not be read", status: .internalServerError)
            }
        }
        guard let person else {
            return AskController.error("unknown user '\(body.userId)' in tenant '\(body.tenant)'", status: .notFound)
        }
        let expiresAt = Date().addingTimeInterval(Self.tokenLifetime)
        do {
            let token = try await authority.mint(
                AccessClaims(
                    tenant: body.tenant, subject: person.userId, role: person.role, department: person.department,
                    territory: person.territoryClaim, expiresAt: expiresAt))
            return JSONValue.object([
                ("token", .string(token)), ("tenant", .string(body.tenant)), ("user", person.json),
                ("expiresAt", .string(ISO8601DateFormatter().string(from: expiresAt))),
            ]).response()
        } catch {
            logger.error("development sign-in: cannot mint a token", metadata: ["error": "\(error)"])
            return AskController.error("cannot mint a token: \(error)", status: .internalServerError)
        }
    }

    /// The tenant's sales hierarchy as insights read it, NSM first, then by level and name.
    func hierarchy(of tenant: String) async throws -> [Person] {
        let directory = RecipientDirectory(model: try semantic.dataModel(for: tenant), database: try await tenants.database(for: tenant))
        let tenantName = (try? tenants.configuration(for: tenant).displayName) ?? tenant
        return try await directory.recipients(asOf: today()).map { Person(recipient: $0, tenantName: tenantName) }
    }
}

extension DevelopmentSignInController.Person {
    /// The hierarchy's person: their recipient territory, or the national level named after
    /// the whole tenant (`ITC Limited (National)` on the page) when unbounded.
    init(recipient: Recipient, tenantName: String) {
        self.init(
            userId: recipient.id, name: recipient.name, hierarchyRole: recipient.hierarchyRole, role: recipient.role,
            department: "Sales", territoryLevel: recipient.territory?.level ?? Territory.nationalLevel,
            territoryName: recipient.territory?.name ?? tenantName)
    }
}
