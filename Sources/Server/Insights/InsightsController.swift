import Foundation
import Hummingbird
import JWTKit
import Insights
import Logging
import NIOCore
import Semantic
import Warehouse

/// `GET /api/v1/insights[?asOf=YYYY-MM-DD]`: the signed-in user's digest — the ranked
/// insights of their territory (their token's, or their hierarchy row's, for bounded roles;
/// the whole tenant for the others), as the morning e-mail carries them.
struct InsightsController: Sendable {
    let service: InsightService
    let access: AccessControl
    let cache: InsightCache

    func register(on router: Router<ConvAIRequestContext>) {
        router.group("api/v1").add(middleware: access.require(.ask)).get("insights") { request, context in
            await respond(request, context)
        }
    }

    private func respond(_ request: Request, _ context: ConvAIRequestContext) async -> Response {
        do {
            let claims = try context.requireClaims()
            var asOf: SQLDate?
            if let text = request.uri.queryParameters.get("asOf") {
                guard let day = SQLDate(iso: text), text.count == 10 else {
                    return AskController.error("asOf must be a date written YYYY-MM-DD, got '\(text)'", status: .badRequest)
                }
                asOf = day
            }
            let restriction = try await access.restriction(for: claims)
            let territory = restriction.map { RecipientTerritory(level: $0.territory.level, name: $0.territory.name) }
            let day = try await service.asOf(tenant: claims.tenant, requested: asOf)
            let insights = try await cache.insights(tenant: claims.tenant, territory: territory, asOf: day) {
                try await service.generator(tenant: claims.tenant).insights(for: territory, asOf: day)
            }
            let body = InsightsResponse(
                tenant: claims.tenant, asOf: day.description, user: claims.sub.value, role: claims.role, territory: territory,
                insights: insights)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(body))))
        } catch let denied as TerritoryResolver.Denied {
            return AskController.error(denied.description, status: .forbidden)
        } catch let error as InsightError {
            return AskController.error("Forbidden: \(error.message)", status: .forbidden)
        } catch let error as InsightServiceError {
            return AskController.error(error.description, status: .notFound)
        } catch let error as WarehouseError where error.code == .timeout {
            context.logger.warning("insights: query timed out", metadata: ["error": "\(error)"])
            return AskController.error("Query timeout: \(error.message)", status: .gatewayTimeout)
        } catch {
            context.logger.error("insights failed", metadata: ["error": "\(error)"])
            return AskController.error("Internal error while finding insights: \(Self.describe(error))", status: .internalServerError)
        }
    }
}

extension InsightsController {
    /// What may be said about an unexpected error: the model's own complaint, never a
    /// database message (it can echo data).
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as SemanticError: "the data model cannot answer it (\(error.message))"
        case let error as WarehouseError: "the database failed (\(error.code))"
        default: "\(type(of: error))"
        }
    }
}

/// The JSON of `GET /api/v1/insights`.
struct InsightsResponse: Encodable {
    var tenant: String
    var asOf: String
    var user: String
    var role: String
    /// `null` for the whole tenant.
    var territory: RecipientTerritory?
    var insights: [Insight]

    enum CodingKeys: String, CodingKey { case tenant, asOf, user, role, territory, insights }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tenant, forKey: .tenant)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(user, forKey: .user)
        try c.encode(role, forKey: .role)
        // Explicit null: "the whole tenant" is an answer, not a missing field.
        if let territory { try c.encode(territory, forKey: .territory) } else { try c.encodeNil(forKey: .territory) }
        try c.encode(insights, forKey: .insights)
    }
}

/// Insights per tenant, territory and day, kept five minutes: a team opening the page at
/// nine costs one read of the data, not one per person.
actor InsightCache {
    private struct Key: Hashable {
        var tenant: String
        var territory: RecipientTerritory?
        var asOf: SQLDate
    }

    private var entries: [Key: (insights: [Insight], at: ContinuousClock.Instant)] = [:]
    private let lifetime: Duration
    private let capacity: Int

    init(lifetime: Duration = .seconds(300), capacity: Int = 2_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cached insights, or `make`'s, run off the actor so that one tenant's generation
    /// does not hold up another's lookups.
    nonisolated func insights(
        tenant: String, territory: RecipientTerritory?, asOf: SQLDate, make: @Sendable () async throws -> [Insight]
    ) async throws -> [Insight] {
        let key = Key(tenant: tenant, territory: territory, asOf: asOf)
        if let cached = await cached(key) { return cached }
        let insights = try await make()
        await store(insights, for: key)
        return insights
    }

    private func cached(_ key: Key) -> [Insight]? {
        guard let entry = entries[key], ContinuousClock.now - entry.at < lifetime else { return nil }
        return entry.insights
    }

    private func store(_ insights: [Insight], for key: Key) {
        let now = ContinuousClock.now
        if entries.count >= capacity { entries = entries.filter { now - $0.value.at < lifetime } }
        if entries.count < capacity { entries[key] = (insights, now) }
    }
}
