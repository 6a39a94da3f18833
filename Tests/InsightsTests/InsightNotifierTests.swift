import AsyncHTTPClient
import Foundation
import InMemoryLogging
import Insights
import Logging
import Testing

@Suite("Insight notifier")
struct InsightNotifierTests {
    func webhook(_ name: String, _ url: String, format: WebhookSettings.Format = .generic) -> WebhookSettings {
        WebhookSettings(name: name, url: url, format: format, secret: "k", maxAttempts: 2, initialBackoffSeconds: 0.01)
    }

    func recipient(_ id: String, webhooks: [String], email: String? = nil) -> Recipient {
        Recipient(
            id: id, name: "Person \(id)", email: email, role: "manager", hierarchyRole: "ASM",
            territory: RecipientTerritory(level: "State", name: "Maharashtra"), webhooks: webhooks)
    }

    @Test("each digest goes to its own recipient's webhooks only; an unknown webhook is reported, not thrown")
    func ownChannelsOnly() async throws {
        try await withWebhookReceiver { url, state in
            let notifier = try InsightNotifier(
                smtp: nil,
                webhooks: ["a": webhook("a", url + "/a"), "b": webhook("b", url + "/b", format: .slack)],
                httpClient: .shared, sleep: { _ in })
            let first = NotifierFixtures.digest(recipient: recipient("1", webhooks: ["a", "missing"]))
            let second = NotifierFixtures.digest(
                recipient: recipient("2", webhooks: ["b"]), insights: Array(NotifierFixtures.insights.prefix(2)))
            let report1 = try await notifier.send(first)
            let report2 = try await notifier.send(second)
            #expect(report1.channels.map(\.name) == ["webhook:a", "webhook:missing"])
            #expect(report1.channels[0].succeeded && report1.channels[0].attempts == 1)
            #expect(report1.channels[1].error?.code == .configuration)
            #expect(report1.channels[1].attempts == 0)
            #expect(report2.channels.map(\.name) == ["webhook:b"])
            let requests = await state.requests
            #expect(requests.map(\.path) == ["/a", "/b"])
            let recipientOfA = try #require(requests[0].json["recipient"] as? [String: Any])
            #expect(recipientOfA["id"] as? String == "1")
            #expect((requests[1].json["blocks"] as? [Any])?.count == 2 + 2)
        }
    }

    @Test("when every channel fails the call throws (so the scheduler retries); a partial failure does not")
    func allFailed() async throws {
        try await withWebhookReceiver(replies: [.init(status: 400), .init(status: 400)]) { url, state in
            let notifier = try InsightNotifier(
                smtp: nil, webhooks: ["a": webhook("a", url + "/a"), "b": webhook("b", url + "/b")],
                httpClient: .shared, sleep: { _ in })
            let only = await #expect(throws: NotifierError.self) {
                try await notifier.send(NotifierFixtures.digest(recipient: recipient("1", webhooks: ["missing"])))
            }
            #expect(only?.code == .configuration)
            let both = await #expect(throws: NotifierError.self) {
                try await notifier.send(NotifierFixtures.digest(recipient: recipient("1", webhooks: ["a", "b"])))
            }
            #expect(both?.code == .undelivered)
            // Nothing to send to is not a failure.
            let none = try await notifier.send(NotifierFixtures.digest(recipient: recipient("1", webhooks: [])))
            #expect(none.channels.isEmpty)
        }
    }

    @Test("channels delivered before are skipped; a partial failure returns a report whose failure names the channel")
    func skipsDeliveredChannels() async throws {
        try await withWebhookReceiver { url, state in
            // Webhook a can never deliver (no HTTP URL), b always does.
            let notifier = try InsightNotifier(
                smtp: nil, webhooks: ["a": webhook("a", "ftp://127.0.0.1/a"), "b": webhook("b", url + "/b")],
                httpClient: .shared, sleep: { _ in })
            let digest = NotifierFixtures.digest(recipient: recipient("1", webhooks: ["a", "b"]))
            let partial = try await notifier.send(digest)
            #expect(partial.delivered.map(\.name) == ["webhook:b"])
            #expect(partial.failure?.channel == "webhook:a")
            #expect(partial.failure.map(String.init(describing:))?.hasPrefix("webhook:a: ") == true)
            let retry = await #expect(throws: NotifierError.self) {
                try await notifier.send(digest, skipping: ["webhook:b"])
            }
            #expect(retry?.channel == "webhook:a")
            let alert = RecipientAlert(
                tenant: "nestle", recipient: recipient("1", webhooks: ["a", "b"]), insight: NotifierFixtures.insights[2])
            let pushed = try await notifier.push(alert, skipping: ["webhook:a"])
            #expect(pushed.channels.map(\.name) == ["webhook:b"])
            #expect(try await notifier.push(alert, skipping: ["webhook:a", "webhook:b"]).channels.isEmpty)
            #expect(await state.requests.map(\.path) == ["/b", "/b"])
        }
    }

    @Test("an alert goes to the recipient's webhooks as event alert, with tenant and recipient in the log metadata")
    func alert() async throws {
        let logs = InMemoryLogHandler()
        var logger = Logger(label: "test.notifier") { _ in logs }
        logger.logLevel = .debug
        try await withWebhookReceiver { url, state in
            let notifier = try InsightNotifier(
                smtp: nil, webhooks: ["a": webhook("a", url + "/a")], httpClient: .shared, logger: logger,
                sleep: { _ in })
            let alert = RecipientAlert(
                tenant: "nestle", recipient: recipient("7", webhooks: ["a"]), insight: NotifierFixtures.insights[2])
            let report = try await notifier.push(alert)
            #expect(report.delivered.map(\.name) == ["webhook:a"])
            let request = try #require(await state.requests.first)
            #expect(request.json["event"] as? String == "alert")
            #expect(request.json["asOf"] as? String == "2026-12-06")
        }
        let delivered = try #require(logs.entries.first { $0.message.description == "alert delivered" })
        #expect(delivered.level == .info)
        #expect(delivered.metadata["tenant.id"] == "nestle")
        #expect(delivered.metadata["insights.recipient"] == "7")
        #expect(delivered.metadata["insights.channel"] == "webhook:a")
        #expect(logs.entries.allSatisfy { $0.level <= .info })
    }

    @Test(
        "a digest is e-mailed to its recipient alone and posted to their webhook; the password is never logged",
        .enabled(if: SMTPTestServer.port != nil, SMTPTestServer.notSetMessage))
    func emailAndWebhook() async throws {
        let logs = InMemoryLogHandler()
        var logger = Logger(label: "test.notifier") { _ in logs }
        logger.logLevel = .trace
        let settings = try SMTPTestServer.settings()
        try await withWebhookReceiver { url, state in
            let notifier = try InsightNotifier(
                smtp: settings, webhooks: ["a": webhook("a", url + "/a")], httpClient: .shared, logger: logger,
                sleep: { _ in })
            let address = SMTPTestServer.uniqueAddress()
            let digest = NotifierFixtures.digest(recipient: recipient("9", webhooks: ["a"], email: address))
            let report = try await notifier.send(digest)
            #expect(report.channels.map(\.name) == ["email", "webhook:a"])
            #expect(report.failed.isEmpty, "\(report)")
            let stored = try SMTPTestServer.messages(to: address, in: try SMTPTestServer.folder)
            try #require(stored.count == 1)
            let envelope =
                try JSONSerialization.jsonObject(
                    with: Data(contentsOf: stored[0].deletingPathExtension().appendingPathExtension("json")))
                as? [String: Any]
            #expect(envelope?["rcpt_tos"] as? [String] == [address])
            #expect(envelope?["tls"] as? Bool == true)
            #expect(envelope?["authenticated"] as? Bool == true)
            #expect(await state.requests.count == 1)
        }
        let password = try #require(settings.password)
        for entry in logs.entries {
            #expect(!entry.message.description.contains(password))
            #expect(!entry.metadata.description.contains(password))
        }
        #expect(logs.entries.contains { $0.metadata["insights.channel"] == "email" })
    }
}
