/// A tenant's insight schedule that cannot be used.
public struct InsightScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of problem; new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String
        /// The time zone is not an IANA identifier Foundation knows.
        public static let unknownTimeZone = Code(raw: "unknown_time_zone")
        /// A value is out of range (digest time, catch-up days, alert interval, empty tenant).
        public static let invalidValue = Code(raw: "invalid_value")

        /// The code's name.
        public var description: String { raw }
    }

    /// What kind of problem this is.
    public var code: Code
    /// The tenant whose schedule it is.
    public var tenant: String
    /// What is wrong, for an operator (schedules come from configuration, not from users).
    public var message: String

    /// Makes an error.
    public init(_ code: Code, tenant: String, _ message: String) {
        self.code = code
        self.tenant = tenant
        self.message = message
    }

    /// `insight schedule of itc: unknown time zone 'Asia/Bombay2'`.
    public var description: String { "insight schedule of \(tenant): \(message)" }
}
