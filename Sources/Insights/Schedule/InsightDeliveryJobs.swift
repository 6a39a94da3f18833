public import Warehouse

/// What the scheduler asks of the rest of ConvAI: who receives insights, what they receive,
/// and how it reaches them. The server implements it over the tenants' databases, the
/// insight generator and the notifier; tests implement it with counting fakes.
public protocol InsightDeliveryJobs: Sendable {
    /// The recipients of a tenant's digests and alerts.
    func recipients(tenant: String) async throws -> [Recipient]

    /// Every given recipient's digest with data up to and including `asOf` (the generator
    /// reads the tenant's data once for all of them).
    func digests(tenant: String, recipients: [Recipient], asOf: SQLDate) async throws -> [Digest]

    /// Sends one digest by e-mail and to the recipient's webhooks, except the channels in
    /// `delivered` (`email`, `webhook:<name>`), which an earlier attempt delivered.
    ///
    /// Returns what happened on each channel tried; throws when nothing went out. The
    /// scheduler records the channels that delivered and retries the delivery, for the
    /// other channels only, while the report names a failed one.
    func send(_ digest: Digest, skipping delivered: Set<String>) async throws -> DeliveryReport

    /// A marker that changes whenever the tenant's data changes (new rows loaded): the
    /// scheduler looks for alerts only when it moved.
    func dataWatermark(tenant: String) async throws -> String

    /// The alerts (urgent insights about the latest data) for each given recipient, as of
    /// the last day with data.
    func alerts(tenant: String, recipients: [Recipient]) async throws -> [RecipientAlert]

    /// Pushes one alert to the recipient's webhooks, except the channels in `delivered`;
    /// reports and throws as ``send(_:skipping:)`` does.
    func push(_ alert: RecipientAlert, skipping delivered: Set<String>) async throws -> DeliveryReport
}

/// One alert for one recipient.
public struct RecipientAlert: Codable, Sendable, Hashable {
    /// The tenant id.
    public var tenant: String
    /// Who it is for.
    public var recipient: Recipient
    /// The insight; its `id` identifies the alert in the delivery log.
    public var insight: Insight

    /// Makes an alert.
    public init(tenant: String, recipient: Recipient, insight: Insight) {
        self.tenant = tenant
        self.recipient = recipient
        self.insight = insight
    }
}
