import HTTPTypes
import Hummingbird
import Logging

/// Counts and times every request by matched route, status and tenant, and hands the
/// request id (the one in every log line of the request, `hb.request.id`) back to the client
/// as `X-Request-Id`, so that a user's report can be found in the logs.
struct MetricsMiddleware: RouterMiddleware {
    typealias Context = ConvAIRequestContext
    let metrics: ServerMetrics

    // @concurrent, as the protocol declares it (this package defaults to nonisolated(nonsending)).
    @concurrent func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let requestID = context.id
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = requestID
            finish(request, context: context, status: Int(response.status.code), started: started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            finish(request, context: context, status: Int(status), started: started)
            throw error
        }
    }

    private func finish(_ request: Request, context: Context, status: Int, started: ContinuousClock.Instant) {
        // The tenant label is the verified token's (IdentifyMiddleware ran first); none otherwise.
        let tenant = context.claims?.tenant ?? "none"
        metrics.requestFinished(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: status, tenant: tenant,
            duration: ContinuousClock.now - started)
    }
}

extension HTTPField.Name {
    static let requestID = HTTPField.Name("X-Request-Id")!
}
