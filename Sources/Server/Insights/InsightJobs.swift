public import AsyncHTTPClient
public import Foundation
public import Insights
public import Logging
import Semantic
public import Warehouse

/// The scheduler's jobs over the real tenants: recipients from the hierarchy and the
/// configuration, digests from the generator, delivery through the notifier.
public struct InsightJobs: InsightDeliveryJobs {
    let service: InsightService
    let notifier: InsightNotifier
    let logger: Logger

    /// Makes the jobs.
    public init(service: InsightService, notifier: InsightNotifier, logger: Logger) {
        self.service = service
        self.notifier = notifier
        self.logger = logger
    }

    /// The hierarchy's people and the configured recipients.
    public func recipients(tenant: String) async throws -> [Recipient] {
        try await service.recipients(tenant: tenant, asOf: try await service.asOf(tenant: tenant, requested: nil))
    }

    /// Digests with data up to `asOf`, or up to the latest day with data when that is earlier
    /// (the scheduler asks for yesterday; a tenant loaded weekly has older data).
    public func digests(tenant: String, recipients: [Recipient], asOf: SQLDate) async throws -> [Digest] {
        let latest = try await service.asOf(tenant: tenant, requested: nil)
        return try await service.digests(tenant: tenant, recipients: recipients, asOf: min(asOf, latest))
    }

    /// E-mails and posts one digest, on the channels not delivered before.
    public func send(_ digest: Digest, skipping delivered: Set<String>) async throws -> DeliveryReport {
        let report = try await notifier.send(digest, skipping: delivered)
        logger.info(
            report.failed.isEmpty ? "insight digest delivered" : "insight digest partly delivered",
            metadata: ["tenant.id": "\(digest.tenant)", "insights.recipient": "\(digest.recipient.id)", "insights.report": "\(report)"])
        return report
    }

    /// The latest day with sales and the number of sales lines: moves when data is loaded.
    public func dataWatermark(tenant: String) async throws -> String {
        try await service.watermark(tenant: tenant)
    }

    /// Alerts for the latest day with data.
    public func alerts(tenant: String, recipients: [Recipient]) async throws -> [RecipientAlert] {
        let asOf = try await service.asOf(tenant: tenant, requested: nil)
        let generator = try await service.generator(tenant: tenant)
        let alerts = try await generator.alerts(for: recipients, asOf: asOf)
        return recipients.flatMap { recipient in
            (alerts[recipient.id] ?? []).map { RecipientAlert(tenant: tenant, recipient: recipient, insight: $0) }
        }
    }

    /// Posts one alert to the recipient's webhooks not delivered before.
    public func push(_ alert: RecipientAlert, skipping delivered: Set<String>) async throws -> DeliveryReport {
        try await notifier.push(alert, skipping: delivered)
    }
}

extension InsightService {
    /// `YYYY-MM-DD/N`: the latest day with sales and the count of sales lines.
    func watermark(tenant: String) async throws -> String {
        let database = try await tenants.database(for: tenant)
        let compiled = try QueryCompiler(model: try catalog.dataModel(for: tenant), dialect: database.dialect)
            .compile(CubeQuery(measures: ["Transactions.count"]), asOf: SQLDate(daysSinceEpoch: 0))
        let count = try await database.query(compiled.sql, compiled.binds).rows.first?.first?.intValue ?? 0
        return "\(try await asOf(tenant: tenant, requested: nil))/\(count)"
    }

    /// The notifier of the configured SMTP server and webhooks.
    public func notifier(httpClient: HTTPClient) throws -> InsightNotifier {
        let settings = configuration.insights
        return try InsightNotifier(
            smtp: settings.smtp, webhooks: settings.webhooks.mapValues(\.settings), httpClient: httpClient, logger: logger)
    }

    /// The scheduler of every tenant, with its delivery log.
    public func scheduler(jobs: any InsightDeliveryJobs, clock: @escaping @Sendable () -> Date = { Date() }) async throws -> InsightScheduler {
        let settings = configuration.insights
        let schedules = try configuration.tenants.map { tenant in
            let schedule = settings.schedule(tenant: tenant.id)
            let time = schedule.digestHourMinute ?? (7, 0)
            return try InsightSchedule(
                tenant: tenant.id, timeZone: schedule.timeZone, digestHour: time.hour, digestMinute: time.minute,
                alertIntervalMinutes: schedule.alertIntervalMinutes, catchUpDays: schedule.catchUpDays, enabled: schedule.enabled)
        }
        let log: DeliveryLog
        if let url = settings.deliveryLog.postgresURL {
            let database = try PostgresDatabase(configuration: try .init(url: url), logger: logger)
            log = try await DeliveryLog.postgres(database, logger: logger)
        } else {
            let path = settings.deliveryLog.path.map { URL(fileURLWithPath: $0, relativeTo: URL(fileURLWithPath: configuration.root)).path }
                ?? URL(fileURLWithPath: configuration.root).appendingPathComponent("data/insights.sqlite").path
            log = try await DeliveryLog.sqlite(path: path, logger: logger)
        }
        return InsightScheduler(schedules: schedules, jobs: jobs, log: log, clock: clock, logger: logger)
    }
}
