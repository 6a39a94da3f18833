import AsyncHTTPClient
import Crypto
import Foundation
import Insights
import Logging
import Testing

@Suite("Webhook sender")
struct WebhookSenderTests {
    let logger = Logger(label: "test.webhook")

    func webhook(
        _ url: String, format: WebhookSettings.Format = .generic, secret: String? = "s3cret", maxAttempts: Int = 5
    )
        -> WebhookSettings
    {
        WebhookSettings(
            name: "ops", url: url, format: format, secret: secret, maxAttempts: maxAttempts, initialBackoffSeconds: 0.5,
            maxBackoffSeconds: 30, timeoutSeconds: 5)
    }

    @Test("Slack payload: fallback text and blocks, a header and one mrkdwn section per insight")
    func slack() async throws {
        try await withWebhookReceiver { url, state in
            let sender = WebhookSender(httpClient: .shared, logger: logger)
            let delivery = try await sender.send(NotifierFixtures.digest(), to: webhook(url + "/slack", format: .slack))
            #expect(delivery.attempts == 1 && delivery.statusCode == 200)
            let request = try #require(await state.requests.first)
            #expect(request.headers["content-type"]?.hasPrefix("application/json") == true)
            let json = request.json
            #expect(json["text"] as? String == "Nestlé India · Your 5 insights for 2026-12-06 — Mumbai (City)")
            let blocks = try #require(json["blocks"] as? [[String: Any]])
            #expect(blocks.first?["type"] as? String == "header")
            let sections = blocks.filter { $0["type"] as? String == "section" }
            #expect(sections.count == 5)
            for (index, (section, insight)) in zip(sections, NotifierFixtures.insights).enumerated() {
                let text = try #require(section["text"] as? [String: Any])
                #expect(text["type"] as? String == "mrkdwn")
                let body = try #require(text["text"] as? String)
                #expect(body.contains("*\(index + 1). \(insight.title)*"))
                #expect(body.contains(insight.text))
                #expect(body.contains("Ask ConvAI: \(insight.followUpQuestion)"))
            }
            #expect(request.headers["x-convai-signature"] == nil)
        }
    }

    @Test("generic payload decodes back into the insights, and its HMAC signature verifies (a tampered body does not)")
    func genericSigned() async throws {
        try await withWebhookReceiver { url, state in
            let sender = WebhookSender(httpClient: .shared, logger: logger)
            let digest = NotifierFixtures.digest()
            _ = try await sender.send(digest, to: webhook(url + "/hook"))
            let request = try #require(await state.requests.first)
            let json = request.json
            #expect(json["event"] as? String == "digest")
            #expect(json["tenant"] as? String == "nestle")
            #expect(json["asOf"] as? String == "2026-12-06")
            let recipient = try #require(json["recipient"] as? [String: Any])
            #expect(recipient["id"] as? String == "1042")
            #expect(recipient["name"] as? String == "Asha Mehta")
            #expect(recipient["role"] as? String == "sales_rep")
            #expect((recipient["territory"] as? [String: String]) == ["level": "City", "name": "Mumbai"])
            #expect(recipient["email"] == nil)

            struct Payload: Decodable { var insights: [Insight] }
            #expect(try JSONDecoder().decode(Payload.self, from: request.body).insights == digest.insights)

            let timestamp = try #require(request.headers["x-convai-timestamp"])
            let now = Date().timeIntervalSince1970
            #expect(abs((Double(timestamp) ?? 0) - now) < 60)
            let signature = try #require(request.headers["x-convai-signature"])
            #expect(signature == Self.hmac(secret: "s3cret", timestamp: timestamp, body: request.body))
            var tampered = request.body
            tampered[tampered.count / 2] ^= 0x01
            #expect(signature != Self.hmac(secret: "s3cret", timestamp: timestamp, body: tampered))
            #expect(signature != Self.hmac(secret: "other", timestamp: timestamp, body: request.body))
            #expect(request.headers["x-convai-delivery"]?.isEmpty == false)
        }
    }

    /// The receiver's side, written independently of the sender's code.
    static func hmac(secret: String, timestamp: String, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        let code = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + Data(code).map { String(format: "%02x", $0) }.joined()
    }

    @Test("503, 503, 200: three attempts with one delivery id, waits growing exponentially")
    func retries() async throws {
        try await withWebhookReceiver(replies: [.init(status: 503), .init(status: 503)]) { url, state in
            let sleeps = SleepRecorder()
            let sender = WebhookSender(httpClient: .shared, logger: logger, sleep: sleeps.sleep)
            let delivery = try await sender.send(NotifierFixtures.digest(), to: webhook(url))
            #expect(delivery.attempts == 3)
            let requests = await state.requests
            #expect(requests.count == 3)
            #expect(Set(requests.compactMap { $0.headers["x-convai-delivery"] }) == [delivery.deliveryID])
            let delays = await sleeps.seconds
            #expect(delays.count == 2)
            // 0.5 × 2ⁿ plus at most 20% jitter.
            #expect(delays[0] >= 0.5 && delays[0] <= 0.6)
            #expect(delays[1] >= 1.0 && delays[1] <= 1.2)
            #expect(delays[1] > delays[0])
        }
    }

    @Test("429 with Retry-After: 2 waits two seconds")
    func retryAfter() async throws {
        try await withWebhookReceiver(replies: [.init(status: 429, headers: ["Retry-After": "2"])]) { url, state in
            let sleeps = SleepRecorder()
            let sender = WebhookSender(httpClient: .shared, logger: logger, sleep: sleeps.sleep)
            let delivery = try await sender.send(NotifierFixtures.digest(), to: webhook(url))
            #expect(delivery.attempts == 2)
            #expect(await sleeps.seconds == [2])
        }
    }

    @Test("400 is not retried")
    func clientError() async throws {
        try await withWebhookReceiver(replies: [.init(status: 400)]) { url, state in
            let sleeps = SleepRecorder()
            let sender = WebhookSender(httpClient: .shared, logger: logger, sleep: sleeps.sleep)
            let error = await #expect(throws: NotifierError.self) {
                try await sender.send(NotifierFixtures.digest(), to: webhook(url))
            }
            #expect(error?.code == .http)
            #expect(error?.statusCode == 400)
            #expect(error?.attempts == 1)
            #expect(await state.requests.count == 1)
            #expect(await sleeps.delays.isEmpty)
        }
    }

    @Test("five 500s: gives up after maxAttempts, waits capped")
    func givesUp() async throws {
        try await withWebhookReceiver(replies: Array(repeating: .init(status: 500), count: 5)) { url, state in
            let sleeps = SleepRecorder()
            let sender = WebhookSender(httpClient: .shared, logger: logger, sleep: sleeps.sleep)
            var settings = webhook(url)
            settings.maxBackoffSeconds = 1.5
            let error = await #expect(throws: NotifierError.self) {
                try await sender.send(NotifierFixtures.digest(), to: settings)
            }
            #expect(error?.code == .http)
            #expect(error?.statusCode == 500)
            #expect(error?.attempts == 5)
            #expect(error?.channel == "webhook:ops")
            #expect(await state.requests.count == 5)
            let delays = await sleeps.seconds
            #expect(delays.count == 4)
            #expect(delays.allSatisfy { $0 <= 1.5 })
            #expect(delays[2] == 1.5 && delays[3] == 1.5)
        }
    }

    @Test("a receiver that is not there: connection errors are retried, then reported")
    func unreachable() async throws {
        let sleeps = SleepRecorder()
        let sender = WebhookSender(httpClient: .shared, logger: logger, sleep: sleeps.sleep)
        var unreachableWebhook = webhook("http://127.0.0.1:1/hook", maxAttempts: 3)
        // AsyncHTTPClient keeps retrying a refused connection until the attempt's deadline.
        unreachableWebhook.timeoutSeconds = 0.3
        let error = await #expect(throws: NotifierError.self) {
            try await sender.send(NotifierFixtures.digest(), to: unreachableWebhook)
        }
        #expect(error?.code == .connection)
        #expect(error?.attempts == 3)
        #expect(await sleeps.delays.count == 2)
    }

    @Test("an alert is a generic payload with event alert and its one insight")
    func alert() async throws {
        try await withWebhookReceiver { url, state in
            let sender = WebhookSender(httpClient: .shared, logger: logger)
            let alert = RecipientAlert(
                tenant: "nestle", recipient: NotifierFixtures.recipient, insight: NotifierFixtures.insights[0])
            _ = try await sender.push(alert, to: webhook(url))
            let request = try #require(await state.requests.first)
            #expect(request.json["event"] as? String == "alert")
            #expect((request.json["insights"] as? [Any])?.count == 1)
            #expect(request.headers["x-convai-event"] == "alert")
        }
    }
}
