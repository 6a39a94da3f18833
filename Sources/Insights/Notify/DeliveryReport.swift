/// What happened on each channel of one delivery (a digest or an alert).
public struct DeliveryReport: Sendable, CustomStringConvertible {
    /// One channel's result.
    public struct Channel: Sendable, CustomStringConvertible {
        /// `email` or `webhook:<name>`.
        public var name: String
        /// Attempts made (0 when the channel could not be tried at all).
        public var attempts: Int
        /// Why it failed; `nil` when it delivered.
        public var error: NotifierError?

        /// Makes a channel result.
        public init(name: String, attempts: Int, error: NotifierError?) {
            self.name = name
            self.attempts = attempts
            self.error = error
        }

        /// Whether the channel delivered.
        public var succeeded: Bool { error == nil }

        /// `email: delivered (1 attempt)` or `webhook:ops: http: … (5 attempts)`.
        public var description: String {
            let attemptsText = "\(attempts) attempt\(attempts == 1 ? "" : "s")"
            if let error { return "\(name): \(error.code): \(error.message) (\(attemptsText))" }
            return "\(name): delivered (\(attemptsText))"
        }
    }

    /// The recipient's id.
    public var recipient: String
    /// Every channel tried, e-mail first, then webhooks in the recipient's order.
    public var channels: [Channel]

    /// Makes a report.
    public init(recipient: String, channels: [Channel]) {
        self.recipient = recipient
        self.channels = channels
    }

    /// The channels that delivered.
    public var delivered: [Channel] { channels.filter(\.succeeded) }
    /// The channels that failed.
    public var failed: [Channel] { channels.filter { !$0.succeeded } }

    /// Why the delivery is incomplete, naming the channels still owed; `nil` when every
    /// channel delivered. One failed channel gives its own error, several an `undelivered`
    /// one listing them (the first one's error underneath).
    public var failure: NotifierError? {
        let failed = failed
        guard let first = failed.first else { return nil }
        if failed.count == 1, let only = first.error { return only }
        return NotifierError(
            code: .undelivered, message: "not delivered to " + failed.map(\.name).joined(separator: ", "),
            attempts: failed.map(\.attempts).reduce(0, +), underlying: first.error)
    }

    /// One line per channel.
    public var description: String {
        "DeliveryReport(\(recipient)): "
            + (channels.isEmpty ? "no channel" : channels.map(\.description).joined(separator: "; "))
    }
}
