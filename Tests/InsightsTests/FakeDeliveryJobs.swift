import Foundation
import Insights
import Logging
import Semantic
import Synchronization
import Visualization
import Warehouse

/// A counting ``InsightDeliveryJobs``: records every send and push and each channel that
/// went out, fails the configured recipients (whole calls) or channels (one channel of a
/// call, as the notifier reports it), and optionally sleeps a little in each call to
/// shuffle concurrent ticks.
actor FakeDeliveryJobs: InsightDeliveryJobs {
    struct Sent: Hashable, Sendable {
        var tenant: String
        var recipient: String
        var asOf: String
    }

    struct Pushed: Hashable, Sendable {
        var tenant: String
        var recipient: String
        var insight: String
    }

    /// One channel of one digest (period: its as-of day) or alert (period: its insight id).
    struct ChannelSent: Hashable, Sendable {
        var recipient: String
        var period: String
        var channel: String
    }

    struct Failure: Error {}

    private var recipientsByTenant: [String: [Recipient]]
    /// Recipient id → failures still to come (`Int.max`: always fails).
    private var failures: [String: Int] = [:]
    /// Recipient id → their digest's channels (default: `email`) and their alerts' channels
    /// (default: `webhook:hook`).
    private var digestChannels: [String: [String]] = [:]
    private var alertChannels: [String: [String]] = [:]
    /// "recipient/channel" → failures still to come on that channel (`Int.max`: always).
    private var channelFailures: [String: Int] = [:]
    private var watermarks: [String: String] = [:]
    private var alertInsights: [String: [String]] = [:]
    private var brokenTenants: Set<String> = []
    private let maxDelayMicroseconds: Int

    private(set) var sent: [Sent] = []
    private(set) var sendAttempts: [String: Int] = [:]
    private(set) var digestCalls = 0
    private(set) var watermarkReads = 0
    private(set) var alertCalls = 0
    private(set) var pushed: [Pushed] = []
    /// Every channel that went out, in order.
    private(set) var channelsSent: [ChannelSent] = []
    /// The `skipping` sets the scheduler passed, per call.
    private(set) var skipped: [Set<String>] = []

    init(recipients: [String: [String]], maxDelayMicroseconds: Int = 0) {
        recipientsByTenant = recipients.mapValues { ids in
            ids.map { Recipient(id: $0, name: "Person \($0)", email: "\($0)@example.com", role: "manager", hierarchyRole: "ASM", territory: nil) }
        }
        self.maxDelayMicroseconds = maxDelayMicroseconds
    }

    func fail(_ recipient: String, times: Int = .max) { failures[recipient] = times }
    func setChannels(_ recipient: String, digest: [String]? = nil, alert: [String]? = nil) {
        if let digest { digestChannels[recipient] = digest }
        if let alert { alertChannels[recipient] = alert }
    }
    func fail(_ recipient: String, channel: String, times: Int = .max) { channelFailures["\(recipient)/\(channel)"] = times }
    func setWatermark(_ watermark: String, tenant: String) { watermarks[tenant] = watermark }
    func setAlerts(_ insightIDs: [String], tenant: String) { alertInsights[tenant] = insightIDs }
    /// Makes `recipients(tenant:)` and `dataWatermark(tenant:)` throw for the tenant.
    func breakTenant(_ tenant: String, _ broken: Bool = true) {
        if broken { brokenTenants.insert(tenant) } else { brokenTenants.remove(tenant) }
    }

    /// How many times each (tenant, recipient, asOf) was sent.
    var sendCounts: [Sent: Int] { sent.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
    var pushCounts: [Pushed: Int] { pushed.reduce(into: [:]) { $0[$1, default: 0] += 1 } }
    /// How many times `recipient`'s `channel` went out.
    func count(_ recipient: String, _ channel: String) -> Int {
        channelsSent.filter { $0.recipient == recipient && $0.channel == channel }.count
    }

    private func pause() async {
        guard maxDelayMicroseconds > 0 else { return }
        try? await Task.sleep(for: .microseconds(Int.random(in: 0...maxDelayMicroseconds)))
    }

    func recipients(tenant: String) async throws -> [Recipient] {
        await pause()
        if brokenTenants.contains(tenant) { throw Failure() }
        return recipientsByTenant[tenant] ?? []
    }

    func digests(tenant: String, recipients: [Recipient], asOf: SQLDate) async throws -> [Digest] {
        digestCalls += 1
        await pause()
        return recipients.map {
            Digest(tenant: tenant, tenantName: tenant.uppercased(), recipient: $0, asOf: asOf.description, insights: [])
        }
    }

    func send(_ digest: Digest, skipping delivered: Set<String>) async throws -> DeliveryReport {
        sendAttempts[digest.recipient.id, default: 0] += 1
        skipped.append(delivered)
        await pause()
        if Self.consume(&failures, digest.recipient.id) { throw Failure() }
        let report = try deliver(
            digestChannels[digest.recipient.id] ?? ["email"], skipping: delivered, recipient: digest.recipient.id,
            period: digest.asOf)
        sent.append(Sent(tenant: digest.tenant, recipient: digest.recipient.id, asOf: digest.asOf))
        return report
    }

    /// True (and one failure fewer) when `key` is to fail now.
    private static func consume(_ failures: inout [String: Int], _ key: String) -> Bool {
        guard let remaining = failures[key], remaining > 0 else { return false }
        failures[key] = remaining == .max ? .max : remaining - 1
        return true
    }

    /// Each channel not in `delivered`, failing as configured; throws when none delivered,
    /// as the notifier does.
    private func deliver(_ channels: [String], skipping delivered: Set<String>, recipient: String, period: String) throws
        -> DeliveryReport
    {
        var results: [DeliveryReport.Channel] = []
        for channel in channels where !delivered.contains(channel) {
            if Self.consume(&channelFailures, "\(recipient)/\(channel)") {
                let error = NotifierError(code: .http, message: "the webhook answered 503", channel: channel, statusCode: 503)
                results.append(.init(name: channel, attempts: 1, error: error))
            } else {
                channelsSent.append(ChannelSent(recipient: recipient, period: period, channel: channel))
                results.append(.init(name: channel, attempts: 1, error: nil))
            }
        }
        let report = DeliveryReport(recipient: recipient, channels: results)
        if report.delivered.isEmpty, let failure = report.failure { throw failure }
        return report
    }

    func dataWatermark(tenant: String) async throws -> String {
        watermarkReads += 1
        await pause()
        if brokenTenants.contains(tenant) { throw Failure() }
        return watermarks[tenant] ?? "initial"
    }

    func alerts(tenant: String, recipients: [Recipient]) async throws -> [RecipientAlert] {
        alertCalls += 1
        await pause()
        let ids = alertInsights[tenant] ?? []
        return recipients.flatMap { recipient in
            ids.map { RecipientAlert(tenant: tenant, recipient: recipient, insight: Self.insight($0)) }
        }
    }

    func push(_ alert: RecipientAlert, skipping delivered: Set<String>) async throws -> DeliveryReport {
        skipped.append(delivered)
        await pause()
        let report = try deliver(
            alertChannels[alert.recipient.id] ?? ["webhook:hook"], skipping: delivered, recipient: alert.recipient.id,
            period: alert.insight.id)
        pushed.append(Pushed(tenant: alert.tenant, recipient: alert.recipient.id, insight: alert.insight.id))
        return report
    }

    static func insight(_ id: String) -> Insight {
        Insight(
            id: id, type: .unusualDay, title: "Unusual day", text: "Net sales were far off their usual level.",
            tone: .warning, priority: 80, subject: "State:Gujarat", periodStart: "2026-12-06", periodEnd: "2026-12-06",
            evidence: InsightEvidence(query: CubeQuery(measures: ["sales.net_sales"]), values: []),
            chart: ChartConfiguration(type: .bar, title: "Net sales", labels: [], datasets: []),
            followUpQuestion: "Why?")
    }
}

/// "Now" that a test sets and advances.
final class TestClock: Sendable {
    private let now: Mutex<Date>

    init(_ start: Date) { now = Mutex(start) }

    var date: Date { now.withLock { $0 } }
    func set(_ date: Date) { now.withLock { $0 = date } }
    func advance(minutes: Double) { now.withLock { $0 = $0.addingTimeInterval(minutes * 60) } }
    var function: @Sendable () -> Date { { self.date } }
}

/// Keeps every log entry, for checking metadata.
struct RecordingLogHandler: LogHandler {
    struct Entry: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    final class Store: Sendable {
        private let entries = Mutex<[Entry]>([])
        func append(_ entry: Entry) { entries.withLock { $0.append(entry) } }
        var all: [Entry] { entries.withLock { $0 } }
    }

    let store: Store
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        store.append(Entry(level: event.level, message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}

enum Fixture {
    static let logger = Logger(label: "convai.insights.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// `2026-12-07T01:30:00Z`.
    static func utc(_ text: String) -> Date {
        // A fresh formatter per call: it is not Sendable.
        let formatter = ISO8601DateFormatter()
        guard let date = formatter.date(from: text) else { fatalError("bad test date \(text)") }
        return date
    }

    static func temporaryPath() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("insights-\(UUID().uuidString).sqlite").path
    }

    static func removeDatabase(_ path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// Runs `body` with an SQLite log in a temporary file, closed and deleted afterwards.
    static func withSQLiteLog<T>(
        maxAttempts: Int = 5, _ body: (DeliveryLog, String) async throws -> T
    ) async throws -> T {
        let path = temporaryPath()
        let log = try await DeliveryLog.sqlite(path: path, maxAttempts: maxAttempts, logger: logger)
        do {
            let result = try await body(log, path)
            try await log.close()
            removeDatabase(path)
            return result
        } catch {
            try? await log.close()
            removeDatabase(path)
            throw error
        }
    }
}
