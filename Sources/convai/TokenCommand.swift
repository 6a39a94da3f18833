import ArgumentParser
import Foundation
import Server
import Warehouse

/// Mints a development JWT that the server accepts, signed with the configured secret.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a signed JWT for a tenant and role (for the Authorization header).",
        discussion: """
            The secret is auth.jwt_secret from the configuration, else CONVAI_JWT_SECRET, else the
            development secret kept in data/.jwt_secret (created on first use). Example:
              curl -H "Authorization: $(convai token --tenant itc --role admin)" \\
                   127.0.0.1:8080/cubejs-api/v1/meta
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "The tenant the token is for (its id in the configuration).")
    var tenant: String

    @Option(help: "The role: \(AccessClaims.roles.sorted().joined(separator: ", ")).")
    var role: String = "analyst"

    @Option(help: "The user id (the `sub` claim).")
    var user: String = "dev"

    @Option(help: "The user's department.")
    var department: String?

    @Option(help: "The user's sales territory: Level:Name (City:Mumbai, State:Maharashtra, Zone:West), or a name whose level comes from dim_sales_hierarchy. Without it, a sales_rep's or manager's territory is their dim_sales_hierarchy row (--user = employee id).")
    var territory: String?

    @Option(help: "The customer (account) the user acts for, for usage breakdowns.")
    var customer: String?

    @Option(name: .customLong("expires-in"), help: "Lifetime in hours.")
    var expiresInHours: Double = 24

    func validate() throws {
        guard AccessClaims.roles.contains(role) else {
            throw ValidationError("--role must be one of \(AccessClaims.roles.sorted().joined(separator: ", ")), not '\(role)'")
        }
        guard expiresInHours > 0, expiresInHours <= 24 * 366 else {
            throw ValidationError("--expires-in must be more than 0 and at most 8784 hours (a year)")
        }
    }

    func run() async throws {
        let configuration = try options.loadConfiguration()
        guard configuration.tenants.contains(where: { $0.id == tenant }) else {
            throw ValidationError(
                "unknown tenant '\(tenant)'; known tenants: \(configuration.tenants.map(\.id).joined(separator: ", "))")
        }
        guard !configuration.auth.identityProviderOnly else {
            throw ValidationError(
                "this configuration accepts only the identity provider's tokens (auth.jwks_file / auth.jwks_url and no jwt_secret); convai token mints development tokens, which such a server refuses. Sign in through the identity provider instead.")
        }
        let authority = try await TokenAuthority(secret: try configuration.jwtSecret(), tenants: configuration.tenants.map(\.id))
        let now = Date()
        let claims = AccessClaims(
            tenant: tenant, subject: user, role: role, department: department, territory: territory, customer: customer, issuedAt: now,
            expiresAt: now.addingTimeInterval(expiresInHours * 3600), issuer: configuration.auth.issuer,
            audience: configuration.auth.audience)
        print(try await authority.mint(claims))
    }
}
