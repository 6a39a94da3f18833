public import Warehouse

/// A span of days a rollup's table is built for at once (`partition_granularity`).
public struct Partition: Sendable, Hashable, CustomStringConvertible {
    /// The first day.
    public var from: SQLDate
    /// The last day.
    public var to: SQLDate

    /// Makes a partition.
    public init(from: SQLDate, to: SQLDate) {
        self.from = from
        self.to = to
    }

    /// `2025-06-01..2025-06-30`.
    public var description: String { "\(from)..\(to)" }

    /// The partitions of `granularity` that cover `first` to `last`, oldest first; without a
    /// granularity, one partition over the whole span.
    public static func covering(from first: SQLDate, to last: SQLDate, by granularity: CubeQuery.Granularity?) -> [Partition] {
        guard let granularity, first <= last else { return [Partition(from: first, to: max(first, last))] }
        var partitions: [Partition] = []
        var start = self.start(of: first, granularity)
        while start <= last {
            let next = self.next(after: start, granularity)
            partitions.append(Partition(from: start, to: next.adding(days: -1)))
            start = next
        }
        return partitions
    }

    /// The first day of the period of `granularity` holding `date` (weeks start on Monday).
    static func start(of date: SQLDate, _ granularity: CubeQuery.Granularity) -> SQLDate {
        let (year, month, _) = date.components
        switch granularity {
        case .second, .minute, .hour, .day: return date
        case .week: return date.adding(days: 1 - date.isoWeekday)
        case .month: return SQLDate(year: year, month: month, day: 1)!
        case .quarter: return SQLDate(year: year, month: (month - 1) / 3 * 3 + 1, day: 1)!
        case .year: return SQLDate(year: year, month: 1, day: 1)!
        }
    }

    /// The first day of the period after the one starting on `start`.
    static func next(after start: SQLDate, _ granularity: CubeQuery.Granularity) -> SQLDate {
        let (year, month, _) = start.components
        func monthStart(adding months: Int) -> SQLDate {
            let index = year * 12 + (month - 1) + months
            return SQLDate(year: index / 12, month: index % 12 + 1, day: 1)!
        }
        switch granularity {
        case .second, .minute, .hour, .day: return start.adding(days: 1)
        case .week: return start.adding(days: 7)
        case .month: return monthStart(adding: 1)
        case .quarter: return monthStart(adding: 3)
        case .year: return monthStart(adding: 12)
        }
    }
}
