import AsyncHTTPClient
import Insights
public import Logging
public import ServiceLifecycle

/// Runs the insight scheduler beside the HTTP server (or alone, `convai scheduler`) until
/// graceful shutdown; owns the HTTP client the webhooks use.
public struct InsightSchedulerService: Service {
    let scheduler: InsightScheduler
    let httpClient: HTTPClient

    /// Makes the service over the configured tenants; `nil` (and a log line saying so) when
    /// neither an SMTP server nor a webhook is configured: there is nowhere to deliver to.
    public static func make(service: InsightService, logger: Logger) async throws -> InsightSchedulerService? {
        let settings = service.configuration.insights
        guard settings.smtp != nil || !settings.webhooks.isEmpty else {
            logger.notice("insight digests are not delivered: configure insights.smtp or insights.webhooks (docs/insights.md)")
            return nil
        }
        let httpClient = InsightService.webhookClient()
        do {
            let jobs = InsightJobs(service: service, notifier: try service.notifier(httpClient: httpClient), logger: logger)
            return InsightSchedulerService(scheduler: try await service.scheduler(jobs: jobs), httpClient: httpClient)
        } catch {
            try? await httpClient.shutdown()
            throw error
        }
    }

    /// Ticks until shutdown, then closes the HTTP client.
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await scheduler.run() }
        } catch is CancellationError {}
        try? await scheduler.log.close()
        try await httpClient.shutdown()
    }
}
