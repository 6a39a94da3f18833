public import Warehouse

/// A run of consecutive days, `start` through `end`, indexed from 0.
public struct DayWindow: Sendable, Hashable {
    /// The first day.
    public let start: SQLDate
    /// How many days.
    public let count: Int

    /// The days `start` through `end` (empty when `end` is before `start`).
    public init(start: SQLDate, end: SQLDate) {
        self.start = start
        self.count = max(0, Int(end.daysSinceEpoch - start.daysSinceEpoch) + 1)
    }

    /// The `days` days ending on `end`.
    public init(days: Int, endingOn end: SQLDate) {
        self.init(start: end.adding(days: -(days - 1)), end: end)
    }

    /// The last day.
    public var end: SQLDate { start.adding(days: count - 1) }

    /// The index of `date`, or `nil` outside the window.
    public func index(of date: SQLDate) -> Int? {
        let offset = Int(date.daysSinceEpoch - start.daysSinceEpoch)
        return offset >= 0 && offset < count ? offset : nil
    }

    /// The day at `index` (which may lie outside the window).
    public func date(at index: Int) -> SQLDate { start.adding(days: index) }
}
