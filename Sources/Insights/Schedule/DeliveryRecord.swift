public import Foundation

/// One row of the delivery log, as ``DeliveryLog/deliveries(tenant:since:)`` reads it.
public struct DeliveryRecord: Sendable, Hashable {
    /// What was delivered to whom, for which period.
    public var key: DeliveryKey
    /// Claimed, delivered or failed.
    public var status: DeliveryStatus
    /// The instance that claimed it last.
    public var owner: String?
    /// Until when the claim holds (or, after a failure, when it may be retried).
    public var leaseUntil: Date?
    /// Failed attempts so far.
    public var attempts: Int
    /// The last failure, for an operator.
    public var lastError: String?
    /// When it was delivered.
    public var deliveredAt: Date?
    /// When it was first claimed.
    public var createdAt: Date

    /// Makes a record.
    public init(
        key: DeliveryKey, status: DeliveryStatus, owner: String?, leaseUntil: Date?, attempts: Int, lastError: String?,
        deliveredAt: Date?, createdAt: Date
    ) {
        self.key = key
        self.status = status
        self.owner = owner
        self.leaseUntil = leaseUntil
        self.attempts = attempts
        self.lastError = lastError
        self.deliveredAt = deliveredAt
        self.createdAt = createdAt
    }
}
