import Foundation

/// The JSON bodies ConvAI posts to webhooks.
enum WebhookPayload {
    /// `digest` or `alert`.
    enum Event: String, Encodable {
        case digest, alert
    }

    /// ConvAI's own shape: what a receiving system needs to act on it without asking back.
    struct Generic: Encodable {
        struct RecipientSummary: Encodable {
            var id: String
            var name: String
            var role: String
            var territory: RecipientTerritory?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(id, forKey: .id)
                try container.encode(name, forKey: .name)
                try container.encode(role, forKey: .role)
                // Always present, `null` for the whole tenant, so receivers see one schema.
                try container.encode(territory, forKey: .territory)
            }

            private enum CodingKeys: String, CodingKey { case id, name, role, territory }
        }

        var event: Event
        var tenant: String
        var asOf: String
        var recipient: RecipientSummary
        var insights: [Insight]

        init(event: Event, tenant: String, asOf: String, recipient: Recipient, insights: [Insight]) {
            self.event = event
            self.tenant = tenant
            self.asOf = asOf
            self.recipient = RecipientSummary(
                id: recipient.id, name: recipient.name, role: recipient.role, territory: recipient.territory)
            self.insights = insights
        }
    }

    /// A Slack message: `text` for notifications and clients without blocks, `blocks` for
    /// the layout.
    struct Slack: Encodable {
        struct Text: Encodable {
            var type: String
            var text: String
        }

        struct Block: Encodable {
            var type: String
            var text: Text?
            var elements: [Text]?
        }

        var text: String
        var blocks: [Block]
    }

    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    static func generic(_ digest: Digest) throws -> Data {
        try encode(
            Generic(
                event: .digest, tenant: digest.tenant, asOf: digest.asOf, recipient: digest.recipient,
                insights: digest.insights))
    }

    static func generic(_ alert: RecipientAlert) throws -> Data {
        try encode(
            Generic(
                event: .alert, tenant: alert.tenant, asOf: alert.insight.periodEnd, recipient: alert.recipient,
                insights: [alert.insight]))
    }

    static func slack(_ digest: Digest, subject: String) throws -> Data {
        var blocks = [header(subject)]
        blocks.append(
            Block(
                type: "context", text: nil,
                elements: [
                    Text(
                        type: "mrkdwn",
                        text: escape(
                            "For \(digest.recipient.name) · \(digest.scopeDescription) · data up to \(digest.asOf)"))
                ]))
        if digest.insights.isEmpty {
            blocks.append(section(escape(DigestRenderer.emptyMessage(for: digest))))
        }
        // Slack takes at most 50 blocks; a digest is a handful of insights.
        for (index, insight) in digest.insights.prefix(45).enumerated() {
            blocks.append(section(insightText(insight, rank: index + 1)))
        }
        return try encode(Slack(text: subject, blocks: blocks))
    }

    static func slack(_ alert: RecipientAlert, tenantName: String) throws -> Data {
        let title = "\(tenantName) · Alert for \(alert.recipient.name): \(alert.insight.title)"
        return try encode(Slack(text: title, blocks: [header(title), section(insightText(alert.insight, rank: nil))]))
    }

    private typealias Block = Slack.Block
    private typealias Text = Slack.Text

    private static func header(_ text: String) -> Block {
        // Slack refuses a header longer than 150 characters.
        let text = text.count > 150 ? String(text.prefix(149)) + "…" : text
        return Block(type: "header", text: Text(type: "plain_text", text: text), elements: nil)
    }

    private static func section(_ mrkdwn: String) -> Block {
        let text = mrkdwn.count > 3000 ? String(mrkdwn.prefix(2999)) + "…" : mrkdwn
        return Block(type: "section", text: Text(type: "mrkdwn", text: text), elements: nil)
    }

    private static func insightText(_ insight: Insight, rank: Int?) -> String {
        let marker =
            switch insight.tone {
            case .positive: ":large_green_circle:"
            case .negative: ":red_circle:"
            case .warning: ":large_orange_circle:"
            case .neutral: ":white_circle:"
            }
        let number = rank.map { "\($0). " } ?? ""
        return
            "\(marker) *\(number)\(escape(insight.title))*\n\(escape(insight.text))\n_Ask ConvAI: \(escape(insight.followUpQuestion))_"
    }

    /// Slack's mrkdwn reads `<…>` as links and mentions; text from data must not.
    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
