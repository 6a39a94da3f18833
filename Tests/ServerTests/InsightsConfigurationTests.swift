import Foundation
import Insights
import Server
import Testing
import Warehouse

/// The `insights:` delivery keys, read straight into the Insights module's ``SMTPSettings``
/// and ``WebhookSettings`` through the configuration file's checks.
@Suite("Insights configuration")
struct InsightsConfigurationTests {
    static let tenants = "tenants:\n  itc:\n    database: {engine: duckdb, path: data/itc.duckdb}\n"

    /// Loads a configuration of one tenant plus `insights` from a temporary file.
    static func load(insights: String, environment: [String: String] = [:]) throws -> ConvAIConfiguration {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-insights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("convai.yaml").path
        try (tenants + "insights:\n" + insights).write(toFile: path, atomically: true, encoding: .utf8)
        return try ConvAIConfiguration.load(path: path, environment: environment)
    }

    /// The message of the configuration error `body` throws.
    static func refusal(_ body: () throws -> Void) -> String {
        do {
            try body()
        } catch let error as WarehouseError {
            #expect(error.code == .invalidConfiguration)
            return error.message
        } catch {
            Issue.record("expected a WarehouseError, got \(error)")
            return ""
        }
        Issue.record("expected the configuration to be refused")
        return ""
    }

    @Test("smtp: and webhooks: become the notifier's settings, names from the webhooks' keys")
    func readsDeliverySettings() throws {
        let configuration = try Self.load(
            insights: """
                  smtp: { host: smtp.example.com, port: 465, security: TLS, username: convai, password: "${SMTP_PASSWORD}",
                          from: insights@example.com, from_name: ConvAI Insights, ca_file: certs/relay.pem }
                  webhooks:
                    crm: { url: https://crm.example.com/hooks/convai, secret: "${CRM_HOOK_SECRET}", roles: [executive], tenants: [itc] }
                    sales-alerts: { url: "${SLACK_WEBHOOK_URL}", format: slack, employees: ["17"] }
                """,
            environment: ["SMTP_PASSWORD": "pw", "CRM_HOOK_SECRET": "key", "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/x"])
        let insights = configuration.insights
        #expect(
            insights.smtp
                == SMTPSettings(
                    host: "smtp.example.com", port: 465, security: .implicitTLS, username: "convai", password: "pw",
                    fromAddress: "insights@example.com", fromName: "ConvAI Insights", caCertificateFile: "certs/relay.pem"))
        #expect(
            insights.webhooks["crm"]
                == InsightsConfiguration.Webhook(
                    settings: WebhookSettings(name: "crm", url: "https://crm.example.com/hooks/convai", format: .generic, secret: "key"),
                    roles: ["executive"], tenants: ["itc"]))
        #expect(
            insights.webhooks["sales-alerts"]
                == InsightsConfiguration.Webhook(
                    settings: WebhookSettings(name: "sales-alerts", url: "https://hooks.slack.com/services/x", format: .slack),
                    employees: ["17"]))
    }

    @Test("smtp: defaults to port 587, STARTTLS and the name ConvAI")
    func smtpDefaults() throws {
        let smtp = try #require(try Self.load(insights: "  smtp: { host: 127.0.0.1, from: a@example.com }\n").insights.smtp)
        #expect(smtp == SMTPSettings(host: "127.0.0.1", port: 587, security: .startTLS, fromAddress: "a@example.com", fromName: "ConvAI"))
    }

    @Test(
        "security takes the names it always took, in any case",
        arguments: [
            ("starttls", SMTPSettings.Security.startTLS), ("STARTTLS", .startTLS), ("tls", .implicitTLS), ("ssl", .implicitTLS),
            ("implicit-tls", .implicitTLS), ("none", .plain), ("plain", .plain),
        ])
    func securityNames(_ name: String, _ security: SMTPSettings.Security) throws {
        let configuration = try Self.load(insights: "  smtp: { host: 127.0.0.1, from: a@example.com, security: \(name) }\n")
        #expect(configuration.insights.smtp?.security == security)
    }

    @Test("a bad security or format is refused when the file is read, naming the key")
    func badValuesNameTheirKey() {
        let security = Self.refusal {
            _ = try Self.load(insights: "  smtp: { host: 127.0.0.1, from: a@example.com, security: sometimes }\n")
        }
        #expect(security.hasSuffix("key insights.smtp.security: expected starttls, tls or none, not 'sometimes'"), "\(security)")
        let format = Self.refusal {
            _ = try Self.load(insights: "  webhooks: { teams: { url: https://example.com/hook, format: teams } }\n")
        }
        #expect(format.hasSuffix("key insights.webhooks.teams.format: expected slack or generic, not 'teams'"), "\(format)")
        let unsigned = Self.refusal {
            _ = try Self.load(insights: "  webhooks: { crm: { url: https://example.com/hook, format: generic } }\n")
        }
        #expect(unsigned.contains("key insights.webhooks.crm.secret: a generic webhook needs secret"), "\(unsigned)")
        let missing = Self.refusal { _ = try Self.load(insights: "  smtp: { host: 127.0.0.1 }\n") }
        #expect(missing.contains("key insights.smtp.from: missing"), "\(missing)")
    }

    @Test("a password or webhook secret typed into the file is still refused, and not echoed")
    func literalSecretsAreRefused() {
        let password = Self.refusal {
            _ = try Self.load(insights: "  smtp: { host: 127.0.0.1, from: a@example.com, username: u, password: hunter2 }\n")
        }
        #expect(password.contains("key insights.smtp.password: holds a secret typed into the file"), "\(password)")
        #expect(!password.contains("hunter2"))
        let secret = Self.refusal {
            _ = try Self.load(insights: "  webhooks: { crm: { url: https://example.com/hook, secret: hunter2 } }\n")
        }
        #expect(secret.contains("key insights.webhooks.crm.secret: holds a secret typed into the file"), "\(secret)")
        #expect(!secret.contains("hunter2"))
    }

    @Test("the examples commented out in config/convai.yaml are valid once uncommented")
    func shippedExamples() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shipped = try String(contentsOf: root.appendingPathComponent("config/convai.yaml"), encoding: .utf8)
        let lines = shipped.split(separator: "\n", omittingEmptySubsequences: false)
        let start = try #require(lines.firstIndex { $0.hasPrefix("  # smtp:") })
        let examples = lines[start...].prefix { $0.hasPrefix("  #") }.map { "  " + $0.dropFirst(4) }
        #expect(examples.contains { $0.hasPrefix("  webhooks:") }, "\(examples)")
        let configuration = try Self.load(
            insights: examples.joined(separator: "\n") + "\n",
            environment: ["SMTP_PASSWORD": "pw", "CRM_HOOK_SECRET": "key", "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/x"])
        #expect(configuration.insights.smtp?.security == .startTLS)
        #expect(configuration.insights.webhooks.mapValues(\.settings.format) == ["sales-alerts": .slack, "crm": .generic])
    }

    @Test("webhooks made in code are named after their keys")
    func namesFollowKeys() {
        let insights = InsightsConfiguration(
            webhooks: ["crm": .init(settings: WebhookSettings(name: "other", url: "https://example.com/hook", format: .slack))])
        #expect(insights.webhooks["crm"]?.settings.name == "crm")
    }
}
