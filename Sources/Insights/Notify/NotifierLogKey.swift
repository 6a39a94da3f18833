/// The notifier's logging metadata keys, in one place so that dashboards and log queries
/// have one list to follow. Values are never secrets or message bodies.
enum NotifierLogKey {
    static let tenant = "tenant.id"
    static let recipient = "insights.recipient"
    /// `email` or `webhook:<name>`.
    static let channel = "insights.channel"
    static let errorCode = "error.code"
    static let deliveryAttempts = "delivery.attempts"
    static let httpStatus = "http.status"
    static let smtpHost = "smtp.host"
    /// The command verb and arguments, with AUTH data replaced by `<redacted>`.
    static let smtpCommand = "smtp.command"
    static let smtpReply = "smtp.reply"
    static let smtpRecipients = "smtp.recipients"
    static let webhookDelivery = "webhook.delivery"
    static let webhookAttempt = "webhook.attempt"
    static let webhookDelay = "webhook.delay"
}
