public import Foundation
public import Prometheus
public import Warehouse

/// The server's Prometheus metrics, served at `GET /metrics`: HTTP requests by route,
/// status and tenant (count and latency), question outcomes, LLM tokens and cost, and each
/// tenant's database pool in use. One registry per application, so that tests (several
/// applications in one process) do not share counters.
public final class ServerMetrics: Sendable {
    /// The registry the text exposition is written from.
    public let registry = PrometheusCollectorRegistry()
    /// Latency buckets from 1 ms to 10 s: API queries live at the low end, LLM-backed
    /// questions at the high end.
    static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2.5), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
        .seconds(10),
    ]

    /// Makes an empty set of metrics.
    public init() {}

    /// Counts a finished HTTP request. `route` is the matched route pattern (never the raw
    /// path, whose ids would make every request a new series).
    public func requestFinished(route: String, method: String, status: Int, tenant: String, duration: Duration) {
        let labels = [("route", route), ("method", method), ("status", String(status)), ("tenant", tenant)]
        registry.makeCounter(
            descriptor: .init(metricName: "convai_http_requests", unitName: "total", helpText: "HTTP requests answered"),
            labels: labels
        ).increment()
        registry.makeDurationHistogram(
            descriptor: .init(
                metricName: "convai_http_request_duration", unitName: "seconds", helpText: "HTTP request latency"),
            labels: labels, buckets: Self.latencyBuckets
        ).record(duration)
    }

    /// Counts a question's outcome: answered, clarification, rejected or error.
    public func questionAnswered(tenant: String, outcome: String, source: String) {
        registry.makeCounter(
            descriptor: .init(metricName: "convai_questions", unitName: "total", helpText: "Questions asked, by outcome"),
            labels: [("tenant", tenant), ("outcome", outcome), ("source", source)]
        ).increment()
    }

    /// Adds an LLM call's tokens and, when the model is priced, its cost.
    public func llmCall(
        tenant: String, provider: String, model: String, inputTokens: Int, outputTokens: Int, cachedInputTokens: Int,
        costUSD: Decimal?
    ) {
        let base = [("tenant", tenant), ("provider", provider), ("model", model)]
        let tokens = MetricNameDescriptor(
            metricName: "convai_llm_tokens", unitName: "total", helpText: "LLM tokens (gen_ai.usage.*), by type")
        registry.makeCounter(descriptor: tokens, labels: base + [("type", "input")]).increment(by: Int64(inputTokens))
        registry.makeCounter(descriptor: tokens, labels: base + [("type", "output")]).increment(by: Int64(outputTokens))
        registry.makeCounter(descriptor: tokens, labels: base + [("type", "cached_input")])
            .increment(by: Int64(cachedInputTokens))
        guard let costUSD else { return }
        // The exposition format is floating point; the exact decimal cost is kept by the tracker.
        registry.makeCounter(
            descriptor: .init(metricName: "convai_llm_cost", unitName: "usd_total", helpText: "LLM cost in US dollars"),
            labels: base
        ).increment(by: NSDecimalNumber(decimal: costUSD).doubleValue)
    }

    /// The text exposition, with the database pool gauges read at this moment.
    public func exposition(pools: [TenantRouter.Usage]) -> String {
        for pool in pools {
            let labels = [("tenant", pool.tenant), ("engine", pool.engine)]
            registry.makeGauge(
                descriptor: .init(
                    metricName: "convai_database_statements", unitName: "in_flight",
                    helpText: "Statements running on the tenant's database now"),
                labels: labels
            ).set(Double(pool.inFlight))
            registry.makeGauge(
                descriptor: .init(
                    metricName: "convai_database_pool", unitName: "max_connections",
                    helpText: "Statements the tenant's pool runs at once"),
                labels: labels
            ).set(Double(pool.maxConnections))
        }
        return registry.emitToString()
    }
}
