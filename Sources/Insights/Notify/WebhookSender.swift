public import AsyncHTTPClient
import Crypto
public import Foundation
public import Logging
import NIOCore
import NIOHTTP1

/// What a successful webhook delivery took.
public struct WebhookDelivery: Sendable, Hashable {
    /// The `X-ConvAI-Delivery` idempotency key, the same for every attempt.
    public var deliveryID: String
    /// Attempts made, the successful one included.
    public var attempts: Int
    /// The receiver's final HTTP status.
    public var statusCode: Int
}

/// Posts digests and alerts to webhooks, retrying what is worth retrying.
///
/// Retried: connection failures, timeouts, 408, 429 (after `Retry-After` seconds when
/// given, capped) and 5xx, waiting `initialBackoffSeconds × 2ⁿ` (capped, plus up to 20%
/// jitter so that many senders do not return in step). Other 4xx mean the request itself
/// is wrong and fail at once. Every attempt carries the same `X-ConvAI-Delivery` key so the
/// receiver can drop duplicates; generic payloads are signed afresh per attempt with
/// `X-ConvAI-Signature: sha256=HMAC-SHA256(secret, "<timestamp>.<body>")`.
public struct WebhookSender: Sendable {
    /// Waits between attempts; injectable so that tests need not wait.
    public typealias Sleep = @Sendable (Duration) async throws -> Void

    private let httpClient: HTTPClient
    private let logger: Logger
    private let sleep: Sleep

    /// Makes a sender on `httpClient`, waiting with `sleep` (`Task.sleep` by default).
    public init(
        httpClient: HTTPClient, logger: Logger = Logger(label: "convai.notifier.webhook"),
        sleep: @escaping Sleep = { try await Task.sleep(for: $0) }
    ) {
        self.httpClient = httpClient
        self.logger = logger
        self.sleep = sleep
    }

    /// Posts a digest (`event: digest`).
    public func send(_ digest: Digest, to webhook: WebhookSettings) async throws -> WebhookDelivery {
        let body: Data
        switch webhook.format {
        case .slack: body = try WebhookPayload.slack(digest, subject: DigestRenderer.subjectLine(for: digest))
        default: body = try WebhookPayload.generic(digest)
        }
        let id = Self.deliveryID(["digest", digest.tenant, digest.recipient.id, digest.asOf, webhook.name])
        return try await post(body, deliveryID: id, event: "digest", to: webhook)
    }

    /// Posts one alert (`event: alert`).
    public func push(_ alert: RecipientAlert, to webhook: WebhookSettings) async throws -> WebhookDelivery {
        let body: Data
        switch webhook.format {
        case .slack: body = try WebhookPayload.slack(alert, tenantName: alert.tenant)
        default: body = try WebhookPayload.generic(alert)
        }
        let id = Self.deliveryID(["alert", alert.tenant, alert.recipient.id, alert.insight.id, webhook.name])
        return try await post(body, deliveryID: id, event: "alert", to: webhook)
    }

    /// `sha256=<hex>` of `"<timestamp>.<body>"`.
    public static func signature(secret: String, timestamp: String, body: Data) -> String {
        var message = Data(timestamp.utf8)
        message.append(UInt8(ascii: "."))
        message.append(body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256="
            + code.map { byte in
                let hex = String(byte, radix: 16)
                return byte < 16 ? "0" + hex : hex
            }.joined()
    }

    // MARK: Delivery with retries

    private enum Outcome {
        case delivered(status: Int)
        case retry(NotifierError, after: Double?)
        case fail(NotifierError)
    }

    private func post(_ body: Data, deliveryID: String, event: String, to webhook: WebhookSettings) async throws
        -> WebhookDelivery
    {
        let channel = InsightNotifier.webhookChannel(webhook.name)
        guard let url = URL(string: webhook.url), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http",
            url.host != nil
        else {
            throw NotifierError(
                code: .configuration, message: "the webhook URL is not an http(s) URL", channel: channel, attempts: 0)
        }
        let attempts = max(1, webhook.maxAttempts)
        var logger = logger
        logger[metadataKey: NotifierLogKey.channel] = "\(channel)"
        logger[metadataKey: NotifierLogKey.webhookDelivery] = "\(deliveryID)"
        for attempt in 1...attempts {
            let outcome = await attemptOnce(body, deliveryID: deliveryID, event: event, to: webhook)
            switch outcome {
            case .delivered(let status):
                logger.debug(
                    "webhook delivered",
                    metadata: [NotifierLogKey.deliveryAttempts: "\(attempt)", NotifierLogKey.httpStatus: "\(status)"])
                return WebhookDelivery(deliveryID: deliveryID, attempts: attempt, statusCode: status)
            case .fail(var error):
                error.attempts = attempt
                throw error.on(channel: channel)
            case .retry(var error, let retryAfter):
                error.attempts = attempt
                guard attempt < attempts else {
                    logger.info(
                        "webhook gave up",
                        metadata: [
                            NotifierLogKey.deliveryAttempts: "\(attempt)", NotifierLogKey.errorCode: "\(error.code)",
                        ])
                    throw error.on(channel: channel)
                }
                let delay =
                    retryAfter.map { min(max($0, 0), webhook.maxBackoffSeconds) }
                    ?? Self.backoff(afterFailure: attempt, webhook: webhook, jitter: Double.random(in: 0..<0.2))
                logger.debug(
                    "webhook attempt failed; retrying",
                    metadata: [
                        NotifierLogKey.webhookAttempt: "\(attempt)", NotifierLogKey.errorCode: "\(error.code)",
                        NotifierLogKey.webhookDelay: "\(delay)",
                    ])
                try await sleep(.milliseconds(Int64((delay * 1000).rounded())))
            }
        }
        // The loop always returns or throws on its last attempt.
        throw NotifierError(
            code: .undelivered, message: "the webhook was not delivered", channel: channel, attempts: attempts)
    }

    /// `initial × 2^(failures − 1)`, capped, stretched by `jitter` (a fraction) and capped again.
    static func backoff(afterFailure failures: Int, webhook: WebhookSettings, jitter: Double) -> Double {
        let exponential = webhook.initialBackoffSeconds * pow(2, Double(max(failures - 1, 0)))
        let capped = min(exponential, webhook.maxBackoffSeconds)
        return min(capped * (1 + jitter), webhook.maxBackoffSeconds)
    }

    private func attemptOnce(_ body: Data, deliveryID: String, event: String, to webhook: WebhookSettings) async
        -> Outcome
    {
        var request = HTTPClientRequest(url: webhook.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json; charset=utf-8")
        request.headers.add(name: "User-Agent", value: "ConvAI-Notifier/1")
        request.headers.add(name: "X-ConvAI-Delivery", value: deliveryID)
        request.headers.add(name: "X-ConvAI-Event", value: event)
        if webhook.format == .generic, let secret = webhook.secret {
            let timestamp = String(Int(Date().timeIntervalSince1970))
            request.headers.add(name: "X-ConvAI-Timestamp", value: timestamp)
            request.headers.add(
                name: "X-ConvAI-Signature", value: Self.signature(secret: secret, timestamp: timestamp, body: body))
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let timeout = TimeAmount.milliseconds(Int64(max(webhook.timeoutSeconds, 0.001) * 1000))
        let status: Int
        let retryAfter: Double?
        do {
            let response = try await httpClient.execute(request, timeout: timeout, logger: logger)
            status = Int(response.status.code)
            retryAfter = response.headers.first(name: "Retry-After").flatMap {
                Double($0.trimmingCharacters(in: .whitespaces))
            }
            // The connection goes back to the pool only once the body is read; it is not needed.
            for try await _ in response.body {}
        } catch let error as HTTPClientError
            where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout
        {
            return .retry(
                NotifierError(code: .timeout, message: "the webhook did not answer in time", underlying: error),
                after: nil)
        } catch {
            return .retry(
                NotifierError(code: .connection, message: "could not reach the webhook", underlying: error), after: nil)
        }
        switch status {
        case 200..<300:
            return .delivered(status: status)
        case 408, 429, 500..<600:
            return .retry(
                NotifierError(code: .http, message: "the webhook answered HTTP \(status)", statusCode: status),
                after: status == 429 || status == 503 ? retryAfter : nil)
        default:
            return .fail(NotifierError(code: .http, message: "the webhook answered HTTP \(status)", statusCode: status))
        }
    }

    /// A key that is the same for the same thing sent to the same place, so that a receiver
    /// also recognises the scheduler's own retries as duplicates.
    static func deliveryID(_ parts: [String]) -> String {
        let digest = SHA256.hash(data: Data(parts.joined(separator: "\u{1F}").utf8))
        return digest.prefix(16).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
