/// One configured webhook that digests and alerts are pushed to.
public struct WebhookSettings: Sendable, Hashable, CustomStringConvertible {
    /// The payload shape the receiver expects.
    public struct Format: Sendable, Hashable, CustomStringConvertible {
        let raw: String

        /// A Slack incoming webhook (`text` plus Block Kit `blocks`).
        public static let slack = Format(raw: "slack")
        /// ConvAI's own JSON (event, tenant, recipient, insights), signed with HMAC-SHA256.
        public static let generic = Format(raw: "generic")

        /// `slack` or `generic`.
        public var description: String { raw }
    }

    /// The name recipients refer to (`Recipient.webhooks`).
    public var name: String
    /// Where to POST.
    public var url: String
    /// The payload shape.
    public var format: Format
    /// The HMAC key for generic payloads; `nil` sends them unsigned.
    public var secret: String?
    /// Attempts in all, the first included.
    public var maxAttempts: Int
    /// The wait after the first failed attempt; it doubles after each further one.
    public var initialBackoffSeconds: Double
    /// The longest wait between attempts (also caps a server's `Retry-After`).
    public var maxBackoffSeconds: Double
    /// The limit for one attempt.
    public var timeoutSeconds: Double

    /// Makes settings with five attempts backing off from half a second to 30 seconds.
    public init(
        name: String, url: String, format: Format, secret: String? = nil, maxAttempts: Int = 5,
        initialBackoffSeconds: Double = 0.5, maxBackoffSeconds: Double = 30, timeoutSeconds: Double = 10
    ) {
        self.name = name
        self.url = url
        self.format = format
        self.secret = secret
        self.maxAttempts = maxAttempts
        self.initialBackoffSeconds = initialBackoffSeconds
        self.maxBackoffSeconds = maxBackoffSeconds
        self.timeoutSeconds = timeoutSeconds
    }

    /// The settings with the secret redacted (a webhook URL can itself be a credential,
    /// as Slack's are, so only its host is shown).
    public var description: String {
        let host = url.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init) ?? "?"
        return
            "WebhookSettings(name: \(name), host: \(host), format: \(format), secret: \(secret == nil ? "-" : "<redacted>"))"
    }
}

extension WebhookSettings: Decodable {
    enum CodingKeys: String, CodingKey { case url, format, secret }

    /// Reads a configured webhook's `url`, `format` (default `generic`) and `secret`, with
    /// the retry defaults of ``init(name:url:format:secret:maxAttempts:initialBackoffSeconds:maxBackoffSeconds:timeoutSeconds:)``.
    /// The name is the key the webhook is configured under (`webhooks: { crm: {…} }` → `crm`).
    ///
    /// A generic webhook needs a secret here, although the initializer allows none: unsigned
    /// posts from a configuration would let anyone who learns the URL forge a digest.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let format = try c.decodeIfPresent(Format.self, forKey: .format) ?? .generic
        let secret = try c.decodeIfPresent(String.self, forKey: .secret)
        guard format != .generic || !(secret ?? "").isEmpty else {
            throw DecodingError.dataCorruptedError(
                forKey: .secret, in: c, debugDescription: "a generic webhook needs secret: \"${NAME}\" (its HMAC-SHA256 key)")
        }
        self.init(
            name: decoder.codingPath.last?.stringValue ?? "", url: try c.decode(String.self, forKey: .url), format: format,
            secret: secret)
    }
}

extension WebhookSettings.Format: Decodable {
    /// Reads `slack` or `generic`; any other value is an error at the key
    /// (`insights.webhooks.<name>.format`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let text = try c.decode(String.self)
        guard let format = [Self.slack, .generic].first(where: { $0.raw == text }) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected slack or generic, not '\(text)'")
        }
        self = format
    }
}
