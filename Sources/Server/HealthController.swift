import Hummingbird
import Warehouse

/// `GET /health`: every tenant database's state and latency. 200 when all are up,
/// 503 when any is down, so that a load balancer can act on it.
struct HealthController: Sendable {
    struct Body: ResponseCodable {
        var status: String
        var duckdbVersion: String
        var tenants: [TenantRouter.Health]
    }

    let tenants: TenantRouter

    func register(on router: Router<some RequestContext>) {
        router.get("/health") { _, _ -> EditedResponse<Body> in
            let health = await tenants.health()
            let allUp = health.allSatisfy { $0.status == "up" }
            return EditedResponse(
                status: allUp ? .ok : .serviceUnavailable,
                response: Body(
                    status: allUp ? "ok" : "degraded", duckdbVersion: DuckDBDatabase.libraryVersion, tenants: health))
        }
    }
}
