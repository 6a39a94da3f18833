/// What a row of the delivery log is about: one digest of one recipient for one local
/// day, one alert of one recipient for one insight, or one tenant's digest run for a day.
public struct DeliveryKind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The value stored in `insight_deliveries.kind`.
    public var rawValue: String

    /// Makes a kind from its stored value.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// A recipient's morning digest; the period is the tenant-local date (`yyyy-mm-dd`).
    public static let digest = DeliveryKind(rawValue: "digest")
    /// A recipient's alert; the period is the insight id.
    public static let alert = DeliveryKind(rawValue: "alert")
    /// A tenant's digest generation for one local date (recipient ''), so that one instance
    /// generates while the others wait.
    public static let run = DeliveryKind(rawValue: "run")

    /// The stored value.
    public var description: String { rawValue }
}

/// Where a delivery stands.
public struct DeliveryStatus: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The value stored in `insight_deliveries.status`.
    public var rawValue: String

    /// Makes a status from its stored value.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// An instance holds the lease and is delivering.
    public static let claimed = DeliveryStatus(rawValue: "claimed")
    /// Delivered; never claimed again.
    public static let delivered = DeliveryStatus(rawValue: "delivered")
    /// The last attempt failed; retried after its back-off until the log's `maxAttempts`.
    public static let failed = DeliveryStatus(rawValue: "failed")

    /// The stored value.
    public var description: String { rawValue }
}

/// The primary key of a delivery: what is delivered to whom, for which period.
public struct DeliveryKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The tenant id.
    public var tenant: String
    /// Digest, alert or run.
    public var kind: DeliveryKind
    /// The recipient's id; '' for a ``DeliveryKind/run`` row.
    public var recipientID: String
    /// The tenant-local date (`yyyy-mm-dd`) of a digest or run, the insight id of an alert.
    public var periodKey: String

    /// Makes a key.
    public init(tenant: String, kind: DeliveryKind, recipientID: String, periodKey: String) {
        self.tenant = tenant
        self.kind = kind
        self.recipientID = recipientID
        self.periodKey = periodKey
    }

    /// `itc/digest/E042/2026-12-07`.
    public var description: String { "\(tenant)/\(kind)/\(recipientID)/\(periodKey)" }
}
