import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import TestSupport
import Testing

/// Tokens minted by PyJWT (a real client from PyPI, not ConvAI's own code) are accepted;
/// the same token signed with another secret is refused.
@Suite("Tokens from PyJWT")
struct PyJWTTokenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func mint(secret: String, tenant: String) async throws -> String {
        let python = root.appendingPathComponent(".venv/bin/python")
        try #require(
            FileManager.default.isExecutableFile(atPath: python.path),
            "no .venv/bin/python: run scripts/bootstrap venv (make test does)")
        let run = try await runProcess(
            python.path, [root.appendingPathComponent("scripts/pyjwt-mint.py").path, secret, tenant, "py-user", "analyst"])
        #expect(run.status == 0, "\(run.errorText)")
        return run.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func hs256TokensFromPyJWTAreAcceptedAndForgedOnesRefused() async throws {
        let fixture = try await CubeAPIFixture()
        let good = try await Self.mint(secret: CubeAPIFixture.secret, tenant: "acme")
        let forged = try await Self.mint(secret: "another-secret-of-at-least-32-bytes!!", tenant: "acme")
        try await fixture.withClient { client in
            let query = #"{"query":{"measures":["Orders.count"]}}"#
            let accepted = try await client.call("/cubejs-api/v1/load", token: good, body: query)
            #expect(accepted.status == .ok, "\(accepted.text)")
            #expect(accepted.data.first?["Orders.count"] as? String == "5")
            let bearer = try await client.call("/cubejs-api/v1/load", token: "Bearer " + good, body: query)
            #expect(bearer.status == .ok)
            let refused = try await client.call("/cubejs-api/v1/load", token: forged, body: query)
            #expect(refused.status == .unauthorized)
            #expect(refused.data.isEmpty)
        }
    }
}
