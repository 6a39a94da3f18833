import ArgumentParser
import Logging
import Server
import ServiceLifecycle
import UnixSignals
import Warehouse

struct SchedulerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Deliver insight digests and alerts on schedule, without the HTTP server.",
        discussion: """
            Each tenant's digest goes out at its local digest time (insights.schedule); alerts are
            checked every alert_interval_minutes when new data has arrived. The delivery log
            (data/insights.sqlite, or insights.delivery_log.postgres_url for several instances)
            makes sure nothing is sent twice across restarts and instances. Stop with Ctrl-C.
            """)

    @OptionGroup var options: GlobalOptions

    func run() async throws {
        let logger = options.makeLogger()
        let configuration = try options.loadConfiguration()
        let tenants = TenantRouter(tenants: configuration.tenants, logger: logger)
        let service = try InsightService(configuration: configuration, tenants: tenants, logger: logger)
        guard let scheduler = try await InsightSchedulerService.make(service: service, logger: logger) else {
            await tenants.closeAll()
            throw ValidationError("nothing to deliver with: configure insights.smtp or insights.webhooks")
        }
        let group = ServiceGroup(
            configuration: .init(services: [scheduler], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
        await tenants.closeAll()
    }
}
