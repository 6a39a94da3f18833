import Foundation
import Server
import Testing

/// `convai token`: a JWT the server accepts, signed with a secret that never sits in the
/// configuration file.
@Suite("convai token")
struct TokenCommandTests {
    let cli = ConvAICommandTests()

    @Test("mints a token that verifies with the development secret it keeps in data/.jwt_secret")
    func mintsVerifiableToken() async throws {
        try await withProject { folder in
            let config = folder.appendingPathComponent("config/convai.yaml").path
            let first = try cli.convai(["token", "--config", config, "--tenant", "itc", "--role", "admin", "--department", "sales"])
            #expect(first.status == 0, "\(first.stderr)")
            let token = first.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(token.split(separator: ".").count == 3)

            let secretFile = folder.appendingPathComponent("data/.jwt_secret").path
            let secret = try String(contentsOfFile: secretFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(secret.count == 64)
            let permissions = try FileManager.default.attributesOfItem(atPath: secretFile)[.posixPermissions] as? Int
            #expect(permissions == 0o600)

            let authority = try await TokenAuthority(secret: secret, tenants: ["itc", "nestle", "unilever"])
            let claims = try await authority.verify(authorization: token)
            #expect(claims.tenant == "itc")
            #expect(claims.role == "admin")
            #expect(claims.department == "sales")
            #expect(claims.expiresAt > Date().addingTimeInterval(23 * 3600))

            // A second token uses the same secret, so a running server keeps accepting both.
            let second = try cli.convai(["token", "--config", config, "--tenant", "nestle"])
            let nestle = try await authority.verify(authorization: "Bearer " + second.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(nestle.tenant == "nestle")
            #expect(nestle.role == "analyst")
        }
    }

    @Test("an unknown role or tenant, or a bad lifetime, is refused with a clear message")
    func badInput() async throws {
        try await withProject { folder in
            let config = folder.appendingPathComponent("config/convai.yaml").path
            let role = try cli.convai(["token", "--config", config, "--tenant", "itc", "--role", "boss"])
            #expect(role.status != 0)
            #expect(role.stderr.contains("--role must be one of admin, analyst, executive, manager, sales_rep"))
            let tenant = try cli.convai(["token", "--config", config, "--tenant", "acme"])
            #expect(tenant.status != 0)
            #expect(tenant.stderr.contains("unknown tenant 'acme'"))
            let lifetime = try cli.convai(["token", "--config", config, "--tenant", "itc", "--expires-in", "0"])
            #expect(lifetime.status != 0)
            #expect(lifetime.stderr.contains("--expires-in"))
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("data/.jwt_secret").path))
        }
    }

    @Test("refuses to mint when the server accepts only the identity provider's tokens")
    func refusesUnderIdentityProviderOnly() async throws {
        try await withProject { folder in
            let config = folder.appendingPathComponent("config/convai.yaml")
            let text = try String(contentsOf: config, encoding: .utf8)
            // Under the shipped auth: section (which turns development sign-in on).
            #expect(text.contains("\nauth:\n"))
            try text.replacingOccurrences(of: "\nauth:\n", with: "\nauth:\n  jwks_url: https://idp.example/.well-known/jwks.json\n")
                .write(to: config, atomically: true, encoding: .utf8)
            let refused = try cli.convai(["token", "--config", config.path, "--tenant", "itc"])
            #expect(refused.status != 0)
            #expect(refused.stdout.isEmpty)
            #expect(refused.stderr.contains("accepts only the identity provider's tokens"), "\(refused.stderr)")
            #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("data/.jwt_secret").path))
        }
    }

    private func withProject(_ body: (URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("config"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(
            at: ConvAICommandTests.packageRoot.appendingPathComponent("config/convai.yaml"),
            to: folder.appendingPathComponent("config/convai.yaml"))
        try await body(folder)
    }
}
