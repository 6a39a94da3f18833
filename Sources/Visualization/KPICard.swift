/// A single number, and its change when a previous period is given.
public struct KPICard: Codable, Sendable, Hashable {
    /// The measure's title.
    public var title: String
    /// The value; `nil` when the database returned none.
    public var value: Double?
    /// The value formatted for the tenant (`₹12.34 Cr`).
    public var formattedValue: String
    /// The period the value covers, when known.
    public var period: String?
    /// The compared period's value.
    public var previousValue: Double?
    /// The compared period's value, formatted.
    public var formattedPreviousValue: String?
    /// The compared period, when known.
    public var previousPeriod: String?
    /// The change in percent of the previous value; `nil` without a comparison or when the
    /// previous value is zero.
    public var changePercent: Double?
    /// The change with its sign (`+12.3%`).
    public var formattedChange: String?
    /// Positive when the change is good for this measure (`meta.up_is_good`), neutral without one.
    public var tone: Tone

    /// Makes a card.
    public init(
        title: String, value: Double?, formattedValue: String, period: String? = nil, previousValue: Double? = nil,
        formattedPreviousValue: String? = nil, previousPeriod: String? = nil, changePercent: Double? = nil,
        formattedChange: String? = nil, tone: Tone = .neutral
    ) {
        self.title = title
        self.value = value
        self.formattedValue = formattedValue
        self.period = period
        self.previousValue = previousValue
        self.formattedPreviousValue = formattedPreviousValue
        self.previousPeriod = previousPeriod
        self.changePercent = changePercent
        self.formattedChange = formattedChange
        self.tone = tone
    }
}
