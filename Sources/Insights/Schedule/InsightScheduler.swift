public import Foundation
public import Logging
import Warehouse

/// Drives ``InsightDeliveryJobs`` on each tenant's ``InsightSchedule``: the morning digest
/// of every recipient once per tenant-local day, and alerts whenever the tenant's data
/// changed.
///
/// Several instances may run over one shared ``DeliveryLog`` (PostgreSQL). Each delivery
/// is claimed in the log before it is generated and sent, and the claim is the only guard:
/// while a lease is live exactly one instance holds it, and a delivered row is never
/// claimed again. A crash (or a stall longer than the lease) between `send` and
/// ``DeliveryLog/markDelivered(_:owner:now:)`` lets another instance claim the delivery
/// once the lease has expired and send it again: delivery is at-least-once at the
/// transport and exactly-once in the log. Failed deliveries are retried on later ticks
/// with exponential back-off, at most ``DeliveryLog/maxAttempts`` times. A delivery goes to
/// several channels (e-mail, webhooks): the ones that went out are recorded per channel and
/// a retry sends only the others; the row is delivered once every channel is.
///
/// Job errors never end the scheduler: they are logged at info (a library does not decide
/// what is an error for the operator) with `tenant.id`, `insights.kind` and
/// `insights.recipient` in the metadata, and the next tick tries again.
public final class InsightScheduler: Sendable {
    /// The schedules, one per tenant.
    public let schedules: [InsightSchedule]
    /// This instance's name in the log's `owner` column.
    public let instanceID: String
    /// How long a claim holds before another instance may take over.
    public let lease: Duration
    /// The pause between two ticks of ``run()``.
    public let pollInterval: Duration
    /// The back-off after a first failure; it doubles with each further one (at most a day).
    public let retryBackoff: Duration
    let jobs: any InsightDeliveryJobs
    /// The delivery log; its owner closes it after the scheduler stops.
    public let log: DeliveryLog
    let clock: @Sendable () -> Date
    let logger: Logger

    /// Makes a scheduler; nothing runs until ``tick()`` or ``run()``.
    ///
    /// - Parameters:
    ///   - clock: "now"; tests pass a controllable one.
    ///   - instanceID: the claim owner; by default host name, process id and a UUID, so
    ///     that a restarted process never mistakes an old claim for its own.
    ///   - leaseSeconds: how long a claim holds; longer than generating and sending one
    ///     tenant's digests takes.
    public init(
        schedules: [InsightSchedule], jobs: any InsightDeliveryJobs, log: DeliveryLog,
        clock: @escaping @Sendable () -> Date = { Date() }, instanceID: String? = nil, leaseSeconds: Int = 300,
        pollInterval: Duration = .seconds(30), retryBackoff: Duration = .seconds(60),
        logger: Logger = Logger(label: "convai.insights.scheduler")
    ) {
        self.schedules = schedules
        self.jobs = jobs
        self.log = log
        self.clock = clock
        self.instanceID = instanceID ?? Self.defaultInstanceID()
        self.lease = .seconds(max(1, leaseSeconds))
        self.pollInterval = pollInterval
        self.retryBackoff = retryBackoff
        self.logger = logger
    }

    static func defaultInstanceID() -> String {
        let process = ProcessInfo.processInfo
        return "\(process.hostName)-\(process.processIdentifier)-\(UUID().uuidString.lowercased())"
    }

    /// Ticks every ``pollInterval`` until the task is cancelled, then returns.
    public func run() async throws {
        logger.info(
            "insight scheduler started",
            metadata: ["insights.instance": "\(instanceID)", "insights.tenants": "\(schedules.count)"])
        while !Task.isCancelled {
            await tick()
            do {
                try await Task.sleep(for: pollInterval)
            } catch {
                break
            }
        }
        logger.info("insight scheduler stopped", metadata: ["insights.instance": "\(instanceID)"])
    }

    /// One pass over every enabled tenant, concurrently: sends the digests that are due
    /// and not yet delivered, and the alerts of data that changed since the last check.
    public func tick() async {
        await withTaskGroup(of: Void.self) { group in
            for schedule in schedules where schedule.enabled {
                group.addTask {
                    await self.digests(schedule)
                    await self.alerts(schedule)
                }
            }
        }
    }

    // MARK: - Digests

    func digests(_ schedule: InsightSchedule) async {
        let now = clock()
        let (today, minuteOfDay) = schedule.localTime(at: now)
        let runs: (first: SQLDate, last: SQLDate)?
        do {
            runs = try await log.runDates(tenant: schedule.tenant)
        } catch {
            logger.info(
                "insight delivery log unreadable",
                metadata: ["tenant.id": "\(schedule.tenant)", "insights.kind": "digest", "error": "\(error)"])
            return
        }
        // Catching up is for a downtime: no digest is owed for a day before the tenant's
        // first one, so a new tenant starts with today's.
        let window = today.adding(days: -schedule.catchUpDays)
        let first = runs.map { max(window, $0.first) } ?? today
        if let last = runs?.last, last < first.adding(days: -1) {
            logger.info(
                "insight digests skipped: older than the catch-up window",
                metadata: [
                    "tenant.id": "\(schedule.tenant)", "insights.kind": "digest",
                    "insights.skipped_from": "\(last.adding(days: 1))",
                    "insights.skipped_to": "\(first.adding(days: -1))",
                ])
        }
        var day = first
        while day <= today, !Task.isCancelled {
            if day < today || schedule.digestDue(minuteOfDay: minuteOfDay) {
                do {
                    try await digests(schedule, day: day)
                } catch {
                    logger.info(
                        "insight digests failed",
                        metadata: [
                            "tenant.id": "\(schedule.tenant)", "insights.kind": "digest",
                            "insights.period": "\(day)", "error": "\(error)",
                        ])
                }
            }
            day = day.adding(days: 1)
        }
    }

    /// One tenant's digests of one local day: claims the run, then each recipient not yet
    /// delivered, generates the claimed ones' digests at once and sends them.
    private func digests(_ schedule: InsightSchedule, day: SQLDate) async throws {
        let tenant = schedule.tenant
        let period = day.description
        let runKey = DeliveryKey(tenant: tenant, kind: .run, recipientID: "", periodKey: period)
        if try await log.isDelivered(runKey) { return }
        guard try await log.claim(runKey, owner: instanceID, lease: lease, now: clock()) else { return }

        let recipients: [Recipient]
        do {
            recipients = try await jobs.recipients(tenant: tenant)
        } catch {
            try await log.release(runKey, owner: instanceID, until: clock().addingTimeInterval(seconds(retryBackoff)))
            throw error
        }
        let existing = try await log.records(tenant: tenant, kind: .digest, periodKey: period)
        let settled = Set(existing.filter(log.isSettled).map(\.key.recipientID))
        var claimed: [Recipient] = []
        for recipient in recipients where !settled.contains(recipient.id) {
            let key = DeliveryKey(tenant: tenant, kind: .digest, recipientID: recipient.id, periodKey: period)
            if try await log.claim(key, owner: instanceID, lease: lease, now: clock()) { claimed.append(recipient) }
        }

        if !claimed.isEmpty {
            try await send(claimed, tenant: tenant, day: day)
        }

        // The run is done once every recipient's digest is settled; otherwise it is
        // released until the earliest retry, so an idle tick does not regenerate.
        let records = Dictionary(
            try await log.records(tenant: tenant, kind: .digest, periodKey: period).map { ($0.key.recipientID, $0) },
            uniquingKeysWith: { first, _ in first })
        let pending = recipients.filter { records[$0.id].map(log.isSettled) != true }
        if pending.isEmpty {
            try await log.markDelivered(runKey, owner: instanceID, now: clock())
        } else {
            let now = clock()
            let retry =
                pending.compactMap { records[$0.id]?.leaseUntil }.min() ?? now.addingTimeInterval(seconds(retryBackoff))
            try await log.release(runKey, owner: instanceID, until: max(retry, now))
        }
    }

    /// Generates the claimed recipients' digests (data up to the day before) and sends each.
    private func send(_ claimed: [Recipient], tenant: String, day: SQLDate) async throws {
        let period = day.description
        func key(_ id: String) -> DeliveryKey {
            DeliveryKey(tenant: tenant, kind: .digest, recipientID: id, periodKey: period)
        }
        let digests: [Digest]
        do {
            digests = try await jobs.digests(tenant: tenant, recipients: claimed, asOf: day.adding(days: -1))
        } catch {
            logger.info(
                "insight digest generation failed",
                metadata: [
                    "tenant.id": "\(tenant)", "insights.kind": "digest", "insights.period": "\(period)",
                    "error": "\(error)",
                ])
            for recipient in claimed { try await fail(key(recipient.id), error: error) }
            return
        }
        var byRecipient: [String: Digest] = [:]
        for digest in digests where byRecipient[digest.recipient.id] == nil { byRecipient[digest.recipient.id] = digest }
        for recipient in claimed {
            guard !Task.isCancelled else { return }
            // No digest means the generator found nothing to send: settled, not retried.
            if let digest = byRecipient[recipient.id] {
                // Renew the claim right before sending: every send starts with a whole lease,
                // however long the sends before it took (a dead webhook is retried for a minute).
                guard try await log.release(key(recipient.id), owner: instanceID, until: clock().addingTimeInterval(seconds(lease)))
                else {
                    logger.info(
                        "insight digest claim lost before sending; another instance sends it",
                        metadata: [
                            "tenant.id": "\(tenant)", "insights.kind": "digest", "insights.recipient": "\(recipient.id)",
                            "insights.period": "\(period)",
                        ])
                    continue
                }
                let attempt = try await deliver(key(recipient.id)) { delivered in
                    try await jobs.send(digest, skipping: delivered)
                }
                guard attempt == .delivered else { continue }
            }
            if try await !log.markDelivered(key(recipient.id), owner: instanceID, now: clock()) {
                logger.info(
                    "insight digest sent after its claim expired; it may have gone out twice",
                    metadata: [
                        "tenant.id": "\(tenant)", "insights.kind": "digest", "insights.recipient": "\(recipient.id)",
                        "insights.period": "\(period)",
                    ])
            }
        }
    }

    // MARK: - Alerts

    func alerts(_ schedule: InsightSchedule) async {
        guard let minutes = schedule.alertIntervalMinutes, minutes > 0, !Task.isCancelled else { return }
        let tenant = schedule.tenant
        do {
            let now = clock()
            let stored = try await log.watermark(tenant: tenant)
            if let stored, now < stored.checkedAt.addingTimeInterval(Double(minutes) * 60) { return }
            let current = try await jobs.dataWatermark(tenant: tenant)
            if current == stored?.value {
                try await log.markWatermarkChecked(tenant: tenant, at: now)
                return
            }
            let recipients = try await jobs.recipients(tenant: tenant)
            let alerts = try await jobs.alerts(tenant: tenant, recipients: recipients)
            var allSettled = true
            for alert in alerts {
                guard !Task.isCancelled else { return }
                if try await !push(alert) { allSettled = false }
            }
            // Stored only after the pushes, so that a crash or a failed push makes the next
            // check look again (pushed alerts are not repeated: their rows are delivered).
            if allSettled {
                try await log.setWatermark(current, tenant: tenant, checkedAt: now)
            } else {
                try await log.markWatermarkChecked(tenant: tenant, at: now)
            }
        } catch {
            logger.info(
                "insight alerts failed", metadata: ["tenant.id": "\(tenant)", "insights.kind": "alert", "error": "\(error)"])
        }
    }

    /// Claims and pushes one alert; true when it needs nothing more (pushed now or before,
    /// or failed for good).
    private func push(_ alert: RecipientAlert) async throws -> Bool {
        let key = DeliveryKey(
            tenant: alert.tenant, kind: .alert, recipientID: alert.recipient.id, periodKey: alert.insight.id)
        guard try await log.claim(key, owner: instanceID, lease: lease, now: clock()) else {
            return try await log.record(key).map(log.isSettled) ?? false
        }
        switch try await deliver(key, { delivered in try await jobs.push(alert, skipping: delivered) }) {
        case .delivered:
            try await log.markDelivered(key, owner: instanceID, now: clock())
            return true
        case .retry: return false
        case .failedForGood: return true
        }
    }

    // MARK: - Channels

    /// How one attempt at a claimed delivery ended.
    enum Attempt: Equatable {
        /// Every channel has gone out (now or in an earlier attempt).
        case delivered
        /// A channel is still owed; the row waits for its back-off.
        case retry
        /// A channel is still owed and no attempt is left.
        case failedForGood
    }

    /// Sends a claimed delivery on the channels no earlier attempt delivered, and records
    /// those that went out, so that a retry, in this instance or another, or after a
    /// restart, sends only the rest. Any channel still owed counts a failed attempt for the
    /// whole row, with the same back-off and limit as when nothing went out; the caller
    /// marks the row delivered on ``Attempt/delivered``.
    private func deliver(
        _ key: DeliveryKey, _ send: (Set<String>) async throws -> DeliveryReport
    ) async throws -> Attempt {
        let metadata: Logger.Metadata = [
            "tenant.id": "\(key.tenant)", "insights.kind": "\(key.kind)", "insights.recipient": "\(key.recipientID)",
            "insights.period": "\(key.periodKey)",
        ]
        let delivered = try await log.deliveredChannels(key)
        let report: DeliveryReport
        do {
            report = try await send(delivered)
        } catch {
            logger.info("insight \(key.kind) not sent", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            return try await fail(key, error: error) ? .failedForGood : .retry
        }
        try await log.markChannelsDelivered(key, channels: report.delivered.map(\.name), now: clock())
        guard let failure = report.failure else { return .delivered }
        logger.info(
            "insight \(key.kind) partly sent",
            metadata: metadata.merging(
                [
                    "insights.channels_delivered": "\(report.delivered.map(\.name) + delivered.sorted())",
                    "error": "\(failure)",
                ]) { $1 })
        return try await fail(key, error: failure) ? .failedForGood : .retry
    }

    // MARK: - Failures

    /// Records a failed attempt with exponential back-off; true when it failed for good.
    @discardableResult
    private func fail(_ key: DeliveryKey, error: any Error) async throws -> Bool {
        // A job interrupted by shutdown did not fail: the claim is handed back at once and
        // no attempt is counted.
        if Task.isCancelled {
            _ = try? await log.release(key, owner: instanceID, until: clock())
            return false
        }
        let attempts = try await log.record(key)?.attempts ?? 0
        let delay = min(seconds(retryBackoff) * pow(2, Double(min(attempts, 20))), 86_400)
        let after = try await log.markFailed(
            key, owner: instanceID, error: String(describing: error), retryAt: clock().addingTimeInterval(delay))
        guard let after, after >= log.maxAttempts else { return false }
        logger.info(
            "insight delivery failed for good",
            metadata: [
                "tenant.id": "\(key.tenant)", "insights.kind": "\(key.kind)", "insights.recipient": "\(key.recipientID)",
                "insights.period": "\(key.periodKey)", "insights.attempts": "\(after)",
            ])
        return true
    }

    private func seconds(_ duration: Duration) -> TimeInterval {
        DeliveryLog.seconds(duration)
    }
}
