import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Semantic
import Server
import Testing

/// `GET /api/v1/insights`: the signed-in user's digest, scoped like everything else they
/// can see — the whole tenant for an executive, their city for a sales officer.
@Suite("Insights API", .serialized)
struct InsightsAPITests {
    static func withTerritories(_ configuration: inout ConvAIConfiguration) {
        configuration.rowLevelSecurity = .salesTerritories
    }

    static func insights(_ response: JSONResponse) -> [[String: Any]] {
        response["insights"] as? [[String: Any]] ?? []
    }

    @Test func anExecutiveGetsTheWholeTenantsRankedInsights() async throws {
        try await SampleTenants.shared.withClient(configure: Self.withTerritories) { client in
            let token = try await SampleTenants.token("itc", user: "ceo", role: "executive")
            let response = try await client.call("/api/v1/insights", method: .get, token: token)
            #expect(response.status == .ok, "\(response.text)")
            #expect(response["tenant"] as? String == "itc")
            #expect(response["asOf"] as? String == SampleTenants.asOf)
            #expect(response["territory"] is NSNull)
            let insights = Self.insights(response)
            #expect(insights.count == 5, "\(response.text)")
            let priorities = insights.compactMap { $0["priority"] as? Double }
            #expect(priorities == priorities.sorted(by: >))
            for insight in insights {
                for key in ["id", "type", "title", "text", "tone", "evidence", "chart", "followUpQuestion", "subject"] {
                    #expect(insight[key] != nil, "\(key) missing in \(insight)")
                }
                let query = (insight["evidence"] as? [String: Any])?["query"] as? [String: Any]
                #expect(query?["measures"] != nil || query?["dimensions"] != nil)
            }
        }
    }

    @Test func aSalesOfficerGetsOnlyTheirCity() async throws {
        try await SampleTenants.shared.withClient(configure: Self.withTerritories) { client in
            let token = try await SampleTenants.token("itc", user: "so-1", role: "sales_rep", territory: "City:Mumbai")
            let response = try await client.call("/api/v1/insights", method: .get, token: token)
            #expect(response.status == .ok, "\(response.text)")
            let territory = response["territory"] as? [String: Any]
            #expect(territory?["level"] as? String == "City" && territory?["name"] as? String == "Mumbai")
            let insights = Self.insights(response)
            #expect(!insights.isEmpty)
            for insight in insights {
                // Every evidence query carries the city filter row-level security adds.
                let query = (insight["evidence"] as? [String: Any])?["query"] as? [String: Any] ?? [:]
                let filters = "\(query["filters"] ?? "")"
                #expect(filters.contains("Mumbai"), "\(insight["id"] ?? "") has no city filter: \(filters)")
                #expect(!(insight["text"] as? String ?? "").contains("ITC"), "a city digest speaks of the city")
            }
            // The executive's view of the same day differs: it is the tenant's, not Mumbai's.
            let executive = try await client.call(
                "/api/v1/insights", method: .get, token: try await SampleTenants.token("itc", role: "executive"))
            #expect(Self.insights(executive).map { $0["id"] as? String } != insights.map { $0["id"] as? String })
        }
    }

    @Test func aBoundedRoleWithoutTerritoryIsRefused() async throws {
        try await SampleTenants.shared.withClient(configure: Self.withTerritories) { client in
            let token = try await SampleTenants.token("itc", user: "nobody@example.com", role: "sales_rep")
            let response = try await client.call("/api/v1/insights", method: .get, token: token)
            #expect(response.status == .forbidden, "\(response.text)")
        }
    }

    @Test func badInputAndMissingTokensGetClearErrors() async throws {
        try await SampleTenants.shared.withClient { client in
            let anonymous = try await client.call("/api/v1/insights", method: .get, token: nil)
            #expect(anonymous.status == .unauthorized)
            let token = try await SampleTenants.token("itc", role: "executive")
            let bad = try await client.call("/api/v1/insights?asOf=2025-13-45", method: .get, token: token)
            #expect(bad.status == .badRequest)
            #expect(bad.error?.contains("asOf") == true)
            let earlier = try await client.call("/api/v1/insights?asOf=2025-05-31", method: .get, token: token)
            #expect(earlier.status == .ok, "\(earlier.text)")
            #expect(earlier["asOf"] as? String == "2025-05-31")
        }
    }
}
