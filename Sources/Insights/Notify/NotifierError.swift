/// A failure to deliver a digest or an alert over one channel (e-mail or a webhook).
///
/// `description` is safe to show a client (it names the channel and the kind of failure,
/// never a password, a server's banner or a message body); `debugDescription` adds the
/// underlying error for logs.
public struct NotifierError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kind of failure; new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String

        /// The server could not be reached or dropped the connection.
        public static let connection = Code(raw: "connection")
        /// TLS could not be set up: the server offers no STARTTLS, or the handshake or the
        /// certificate check failed.
        public static let tls = Code(raw: "tls")
        /// The server refused the credentials, or offers no mechanism ConvAI speaks.
        public static let authentication = Code(raw: "authentication")
        /// The server refused the sender, a recipient or the message.
        public static let rejected = Code(raw: "rejected")
        /// A step took longer than the configured timeout.
        public static let timeout = Code(raw: "timeout")
        /// A webhook answered with an HTTP error status.
        public static let http = Code(raw: "http")
        /// The server broke the protocol (an unreadable or unexpected reply).
        public static let protocolViolation = Code(raw: "protocol")
        /// The settings are unusable (unknown webhook name, bad address, bad URL).
        public static let configuration = Code(raw: "configuration")
        /// Several channels were tried and none delivered.
        public static let undelivered = Code(raw: "undelivered")

        /// The code's stable name (`tls`).
        public var description: String { raw }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A short explanation that is safe to show a client.
    public var message: String
    /// The channel: `email` or `webhook:<name>`.
    public var channel: String?
    /// How many attempts were made before giving up.
    public var attempts: Int
    /// The SMTP reply code or HTTP status that caused the failure, if any.
    public var statusCode: Int?
    /// The error underneath (for logs only; it may carry server text).
    public var underlying: (any Error)?

    /// Makes an error.
    public init(
        code: Code, message: String, channel: String? = nil, attempts: Int = 1, statusCode: Int? = nil,
        underlying: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.channel = channel
        self.attempts = attempts
        self.statusCode = statusCode
        self.underlying = underlying
    }

    /// `email: authentication: the SMTP server refused the credentials`.
    public var description: String {
        (channel.map { "\($0): " } ?? "") + "\(code): \(message)"
    }

    /// The description with attempts, status and the underlying error.
    public var debugDescription: String {
        var text = description + " (attempts: \(attempts)"
        if let statusCode { text += ", status: \(statusCode)" }
        if let underlying { text += ", underlying: \(String(reflecting: underlying))" }
        return text + ")"
    }

    /// A copy that names the channel.
    func on(channel: String) -> NotifierError {
        var copy = self
        copy.channel = channel
        return copy
    }
}
