public import Warehouse

/// What to generate: the same options always give byte-identical data.
public struct SeedOptions: Sendable, Hashable {
    /// Whose catalogue to use.
    public var tenant: SampleTenant
    /// The random seed.
    public var seed: UInt64
    /// The last day with data.
    public var endDate: SQLDate
    /// Days of history ending at ``endDate``.
    public var days: Int
    /// Volume multiplier: 1.0 is about 1,000,000 secondary-sales lines over 730 days.
    public var scale: Double
    /// Rows per bulk load; it changes speed and memory, never the data.
    public var batchSize: Int

    /// The days a seed may span: enough for 8-week trends and lapses with history, at most ten years.
    public static let allowedDays: ClosedRange<Int> = 90...3660
    /// The scales a seed may use.
    public static let allowedScale: ClosedRange<Double> = 0.001...20

    /// Makes options; see ``validate()`` for the allowed ranges.
    public init(
        tenant: SampleTenant, endDate: SQLDate, days: Int = 730, scale: Double = 1.0, seed: UInt64 = 42,
        batchSize: Int = 100_000
    ) {
        self.tenant = tenant
        self.endDate = endDate
        self.days = days
        self.scale = scale
        self.seed = seed
        self.batchSize = batchSize
    }

    /// The first day with data.
    public var startDate: SQLDate { endDate.adding(days: -(days - 1)) }

    /// Throws ``SampleDataError/Code/invalidOptions`` naming the first value out of range.
    public func validate() throws {
        guard Self.allowedDays.contains(days) else {
            throw SampleDataError(
                .invalidOptions,
                "days must be from \(Self.allowedDays.lowerBound) to \(Self.allowedDays.upperBound), got \(days)")
        }
        guard scale.isFinite, Self.allowedScale.contains(scale) else {
            throw SampleDataError(
                .invalidOptions,
                "scale must be from \(Self.allowedScale.lowerBound) to \(Self.allowedScale.upperBound), got \(scale)")
        }
        guard batchSize > 0 else {
            throw SampleDataError(.invalidOptions, "batch size must be positive, got \(batchSize)")
        }
        let (startYear, _, _) = startDate.components
        let (endYear, _, _) = endDate.components
        guard startYear >= 1900, endYear <= 9998 else {
            throw SampleDataError(
                .invalidOptions, "the period \(startDate) to \(endDate) must lie between the years 1900 and 9998")
        }
    }
}
