import Foundation
import Hummingbird
import Logging
import NIOCore
import Observability
import Warehouse

/// `GET /api/v1/metrics/{summary,top-questions,cost-by-model,daily}?days=N[&by=department]`:
/// the token's tenant's usage, for admins and executives only. Costs are decimal strings
/// (exact, as computed), latencies in milliseconds.
struct UsageController: Sendable {
    let report: UsageReport
    let access: AccessControl

    func register(on router: Router<ConvAIRequestContext>) {
        let api = router.group("api/v1/metrics").add(middleware: access.require(.viewMetrics))
        api.get("summary") { request, context in await respond(request, context, summary) }
        api.get("top-questions") { request, context in await respond(request, context, topQuestions) }
        api.get("cost-by-model") { request, context in await respond(request, context, costByModel) }
        api.get("daily") { request, context in await respond(request, context, daily) }
    }

    private struct Refusal: Error {
        var status: HTTPResponse.Status
        var message: String
    }

    private func days(_ request: Request) throws -> Int {
        guard let text = request.uri.queryParameters.get("days") else { return 30 }
        guard let days = Int(text), (1...3660).contains(days) else {
            throw Refusal(status: .badRequest, message: "days must be a whole number from 1 to 3660, got '\(text)'")
        }
        return days
    }

    private func summary(_ request: Request, _ tenant: String) async throws -> JSONValue {
        let text = request.uri.queryParameters.get("by") ?? "department"
        guard let breakdown = UsageBreakdown(rawValue: text) else {
            throw Refusal(
                status: .badRequest,
                message: "by must be one of \(UsageBreakdown.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
        }
        let days = try days(request)
        let rows = try await report.summary(tenant: tenant, by: breakdown, days: days)
        return .object([
            ("tenant", .string(tenant)), ("by", .string(breakdown.rawValue)), ("days", .number(days)),
            (
                "rows",
                .array(
                    rows.map { row in
                        .object([
                            ("key", row.key.map(JSONValue.string) ?? .null), ("queries", .number(row.queries)),
                            ("answered", .number(row.answered)), ("clarifications", .number(row.clarifications)),
                            ("rejected", .number(row.rejected)), ("errors", .number(row.errors)),
                            ("llmCalls", .number(row.llmCalls)), ("inputTokens", .number(row.inputTokens)),
                            ("outputTokens", .number(row.outputTokens)), ("cachedInputTokens", .number(row.cachedInputTokens)),
                            ("costUSD", .string("\(row.costUSD)")), ("unpricedCalls", .number(row.unpricedCalls)),
                            ("averageLatencyMs", .number(Self.format(row.averageLatencyMs))),
                            ("p95LatencyMs", .number(Self.format(row.p95LatencyMs))),
                            ("successRate", .number(Self.format(row.successRate))), ("uniqueUsers", .number(row.uniqueUsers)),
                        ])
                    })
            ),
        ])
    }

    private func topQuestions(_ request: Request, _ tenant: String) async throws -> JSONValue {
        let days = try days(request)
        let limit = Int(request.uri.queryParameters.get("limit") ?? "10") ?? 10
        guard (1...100).contains(limit) else { throw Refusal(status: .badRequest, message: "limit must be from 1 to 100") }
        let rows = try await report.topQuestions(tenant: tenant, days: days, limit: limit)
        return .object([
            ("tenant", .string(tenant)), ("days", .number(days)),
            ("questions", .array(rows.map { .object([("question", .string($0.question)), ("count", .number($0.count))]) })),
        ])
    }

    private func costByModel(_ request: Request, _ tenant: String) async throws -> JSONValue {
        let days = try days(request)
        let rows = try await report.costByModel(tenant: tenant, days: days)
        return .object([
            ("tenant", .string(tenant)), ("days", .number(days)),
            (
                "models",
                .array(
                    rows.map { row in
                        .object([
                            ("provider", .string(row.provider)), ("model", .string(row.model)), ("calls", .number(row.calls)),
                            ("inputTokens", .number(row.inputTokens)), ("outputTokens", .number(row.outputTokens)),
                            ("cachedInputTokens", .number(row.cachedInputTokens)), ("costUSD", .string("\(row.costUSD)")),
                            ("unpricedCalls", .number(row.unpricedCalls)),
                        ])
                    })
            ),
        ])
    }

    private func daily(_ request: Request, _ tenant: String) async throws -> JSONValue {
        let days = try days(request)
        let rows = try await report.daily(tenant: tenant, days: days)
        return .object([
            ("tenant", .string(tenant)), ("days", .number(days)),
            (
                "series",
                .array(
                    rows.map { row in
                        .object([
                            ("day", .string(row.day.description)), ("queries", .number(row.queries)),
                            ("errors", .number(row.errors)), ("inputTokens", .number(row.inputTokens)),
                            ("outputTokens", .number(row.outputTokens)), ("costUSD", .string("\(row.costUSD)")),
                            ("averageLatencyMs", .number(Self.format(row.averageLatencyMs))),
                            ("p95LatencyMs", .number(Self.format(row.p95LatencyMs))),
                            ("successRate", .number(Self.format(row.successRate))), ("uniqueUsers", .number(row.uniqueUsers)),
                        ])
                    })
            ),
        ])
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        return String(format: "%.3f", value)
    }

    private func respond(
        _ request: Request, _ context: ConvAIRequestContext, _ handler: (Request, String) async throws -> JSONValue
    ) async -> Response {
        let logger = context.logger
        do {
            let claims = try context.requireClaims()
            let body = try await handler(request, claims.tenant)
            return body.response()
        } catch let refusal as Refusal {
            return AskController.error(refusal.message, status: refusal.status)
        } catch {
            logger.error("usage metrics failed", metadata: ["error": "\(error)"])
            return AskController.error("Internal error: \(error)", status: .internalServerError)
        }
    }
}
