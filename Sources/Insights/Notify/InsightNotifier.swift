public import AsyncHTTPClient
public import Logging
public import NIOCore
import NIOPosix

/// Delivers digests and alerts: the digest by e-mail to its recipient and to the webhooks
/// the recipient is subscribed to, an alert to those webhooks.
///
/// Each call delivers one recipient's content to that recipient's own channels only: the
/// e-mail goes to `recipient.email` alone and the webhooks are the ones the recipient
/// names. Insights are already scoped to the recipient by the generator; the notifier's
/// part of role-based filtering is never to mix two people's deliveries.
///
/// A call throws only when every channel it tried failed; a partial success returns a report
/// naming the failed channels. The scheduler records the channels that delivered and, on its
/// retry, passes them as `skipping`, so that only the failed ones are sent again.
public struct InsightNotifier: Sendable {
    /// The mail server; `nil` sends no e-mail.
    public var smtp: SMTPSettings?
    /// The configured webhooks by name.
    public var webhooks: [String: WebhookSettings]

    private let httpClient: HTTPClient
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let renderer: DigestRenderer
    private let sleep: WebhookSender.Sleep

    /// Makes a notifier; SMTP runs on `eventLoopGroup` (NIO's singleton when `nil`), `sleep` is the
    /// wait between webhook attempts.
    public init(
        smtp: SMTPSettings?, webhooks: [String: WebhookSettings], httpClient: HTTPClient,
        logger: Logger = Logger(label: "convai.notifier"),
        eventLoopGroup: (any EventLoopGroup)? = nil,
        sleep: @escaping WebhookSender.Sleep = { try await Task.sleep(for: $0) }
    ) throws {
        self.smtp = smtp
        self.webhooks = webhooks
        self.httpClient = httpClient
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        self.sleep = sleep
        self.renderer = try DigestRenderer()
    }

    /// E-mails the digest to its recipient (when they have an address and SMTP is
    /// configured) and posts it to each of their webhooks, except the channels named in
    /// `skipping` (`email`, `webhook:<name>`: delivered by an earlier attempt).
    public func send(_ digest: Digest, skipping delivered: Set<String> = []) async throws -> DeliveryReport {
        let logger = logger(tenant: digest.tenant, recipient: digest.recipient.id)
        var jobs: [Job] = []
        if let smtp, let email = digest.recipient.email, !email.isEmpty, !delivered.contains(Self.emailChannel) {
            let message = MIMEMessage(
                from: .init(email: smtp.fromAddress, name: smtp.fromName),
                to: [.init(email: email, name: digest.recipient.name)],
                subject: renderer.subject(for: digest), textBody: renderer.plainText(for: digest),
                htmlBody: renderer.html(for: digest), messageIDHost: Self.host(of: smtp.fromAddress))
            var emailLogger = logger
            emailLogger[metadataKey: NotifierLogKey.channel] = "email"
            let client = SMTPClient(settings: smtp, eventLoopGroup: eventLoopGroup, logger: emailLogger)
            jobs.append(
                Job(name: Self.emailChannel) {
                    try await client.send(message)
                    return 1
                })
        }
        let sender = WebhookSender(httpClient: httpClient, logger: logger, sleep: sleep)
        let (hooks, unknown) = webhookJobs(digest.recipient.webhooks, skipping: delivered) { webhook in
            try await sender.send(digest, to: webhook).attempts
        }
        return try await deliver(
            jobs + hooks, unknown: unknown, recipient: digest.recipient.id, what: "digest", logger: logger)
    }

    /// Posts one alert to the recipient's webhooks (alerts are not e-mailed), except the
    /// channels named in `skipping`.
    public func push(_ alert: RecipientAlert, skipping delivered: Set<String> = []) async throws -> DeliveryReport {
        let logger = logger(tenant: alert.tenant, recipient: alert.recipient.id)
        let sender = WebhookSender(httpClient: httpClient, logger: logger, sleep: sleep)
        let (jobs, unknown) = webhookJobs(alert.recipient.webhooks, skipping: delivered) { webhook in
            try await sender.push(alert, to: webhook).attempts
        }
        return try await deliver(jobs, unknown: unknown, recipient: alert.recipient.id, what: "alert", logger: logger)
    }

    /// The channel name of the e-mail in reports and in the delivery log.
    static let emailChannel = "email"

    /// The channel name of a webhook in reports and in the delivery log.
    static func webhookChannel(_ name: String) -> String { "webhook:\(name)" }

    /// One job per named webhook not yet delivered, and the names no webhook is configured for.
    private func webhookJobs(
        _ names: [String], skipping delivered: Set<String>,
        post: @escaping @Sendable (WebhookSettings) async throws -> Int
    ) -> (jobs: [Job], unknown: [String]) {
        var jobs: [Job] = []
        var unknown: [String] = []
        for name in Self.unique(names) where !delivered.contains(Self.webhookChannel(name)) {
            guard let webhook = webhooks[name] else {
                unknown.append(name)
                continue
            }
            jobs.append(Job(name: Self.webhookChannel(name)) { try await post(webhook) })
        }
        return (jobs, unknown)
    }

    // MARK: Fan-out

    /// One channel's delivery; it returns the attempts it took.
    private struct Job: Sendable {
        var name: String
        var run: @Sendable () async throws -> Int
    }

    private func deliver(
        _ jobs: [Job], unknown: [String], recipient: String,
        what: String, logger: Logger
    ) async throws -> DeliveryReport {
        var results = [DeliveryReport.Channel?](repeating: nil, count: jobs.count)
        await withTaskGroup(of: (Int, DeliveryReport.Channel).self) { group in
            for (index, job) in jobs.enumerated() {
                group.addTask {
                    do {
                        let attempts = try await job.run()
                        return (index, DeliveryReport.Channel(name: job.name, attempts: attempts, error: nil))
                    } catch let error as NotifierError {
                        let error = error.channel == nil ? error.on(channel: job.name) : error
                        return (index, DeliveryReport.Channel(name: job.name, attempts: error.attempts, error: error))
                    } catch {
                        let wrapped = NotifierError(
                            code: .connection, message: "delivery failed", channel: job.name, underlying: error)
                        return (index, DeliveryReport.Channel(name: job.name, attempts: 1, error: wrapped))
                    }
                }
            }
            for await (index, channel) in group { results[index] = channel }
        }
        var channels = results.compactMap { $0 }
        for name in unknown {
            let channel = Self.webhookChannel(name)
            channels.append(
                .init(
                    name: channel, attempts: 0,
                    error: NotifierError(
                        code: .configuration, message: "no webhook named '\(name)' is configured", channel: channel,
                        attempts: 0)))
        }
        let report = DeliveryReport(recipient: recipient, channels: channels)
        for channel in channels {
            var channelLogger = logger
            channelLogger[metadataKey: NotifierLogKey.channel] = "\(channel.name)"
            if let error = channel.error {
                channelLogger.info(
                    "\(what) not delivered",
                    metadata: [
                        NotifierLogKey.errorCode: "\(error.code)",
                        NotifierLogKey.deliveryAttempts: "\(channel.attempts)",
                    ])
            } else {
                channelLogger.info(
                    "\(what) delivered", metadata: [NotifierLogKey.deliveryAttempts: "\(channel.attempts)"])
            }
        }
        guard !channels.isEmpty else {
            logger.debug("\(what) has no channel to go to")
            return report
        }
        if report.delivered.isEmpty, let failure = report.failure { throw failure }
        return report
    }

    private func logger(tenant: String, recipient: String) -> Logger {
        var logger = logger
        logger[metadataKey: NotifierLogKey.tenant] = "\(tenant)"
        logger[metadataKey: NotifierLogKey.recipient] = "\(recipient)"
        return logger
    }

    private static func unique(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    /// The domain of the sender's address, for Message-IDs that point back to us.
    private static func host(of address: String) -> String {
        address.split(separator: "@").last.map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? "convai.localhost"
    }
}
