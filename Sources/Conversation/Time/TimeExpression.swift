public import Warehouse

/// A period a question names, resolved to absolute dates against the as-of date.
///
/// Both ends are inclusive, as in Cube's `dateRange`.
public struct TimeExpression: Sendable, Hashable {
    /// The natural unit of a period: what "the previous one" means for it.
    public enum Unit: String, Sendable, Hashable {
        /// A single day ("today", "15 May 2025").
        case day
        /// An ISO week, Monday to Sunday ("last week", "this week").
        case week
        /// A calendar month ("March", "last month", "MTD").
        case month
        /// A calendar quarter, or a fiscal quarter ("Q2 2025", "QTD", "Q1 FY25").
        case quarter
        /// A calendar year ("2024", "last year", "YTD").
        case year
        /// An Indian fiscal year, April to March ("FY 2024-25", "this FY").
        case fiscalYear
        /// Any other span ("last 7 days", "between 1 Feb and 15 Mar", "since January", "H1 2025").
        case custom
    }

    /// The first day, inclusive.
    public var from: SQLDate
    /// The last day, inclusive.
    public var to: SQLDate
    /// Where in the question the period is named, without leading fillers such as "in" or
    /// "the" (but with "since", "from", "between", which are part of the span).
    public var range: Range<String.Index>
    /// The natural unit.
    public var unit: Unit
    /// True for periods that run up to the as-of date: this week/month/…, YTD, MTD, QTD,
    /// FYTD, since X.
    public var isToDate: Bool
    /// For people: "1–31 May 2025", "1 Apr 2024 – 31 Mar 2025", "30 Jun 2025", "1 Jan – 30 Jun 2025".
    public var description: String

    /// Makes a period; the description is derived from the dates.
    public init(from: SQLDate, to: SQLDate, range: Range<String.Index>, unit: Unit, isToDate: Bool = false) {
        self.from = from
        self.to = to
        self.range = range
        self.unit = unit
        self.isToDate = isToDate
        self.description = Self.describe(from: from, to: to)
    }

    /// A span for people: one day "30 Jun 2025"; within a month "1–31 May 2025"; within a
    /// year "1 Jan – 30 Jun 2025"; otherwise "1 Apr 2024 – 31 Mar 2025".
    public static func describe(from: SQLDate, to: SQLDate) -> String {
        let (fy, fm, fd) = from.components
        let (ty, tm, td) = to.components
        let fromMonth = CalendarMath.shortMonthNames[fm - 1]
        let toMonth = CalendarMath.shortMonthNames[tm - 1]
        if from == to { return "\(fd) \(fromMonth) \(fy)" }
        if fy == ty && fm == tm { return "\(fd)–\(td) \(toMonth) \(ty)" }
        if fy == ty { return "\(fd) \(fromMonth) – \(td) \(toMonth) \(ty)" }
        return "\(fd) \(fromMonth) \(fy) – \(td) \(toMonth) \(ty)"
    }

    /// The same dates one year earlier (29 Feb → 28 Feb).
    ///
    /// A span of whole months stays whole months, so February 2025 compares with all of
    /// February 2024 (1–29 Feb), not with 1–28 Feb.
    public func previousYear() -> (from: SQLDate, to: SQLDate) {
        if CalendarMath.isWholeMonths(from: from, to: to) {
            let (fy, fm, _) = from.components
            let (ty, tm, _) = to.components
            return (
                CalendarMath.firstOfMonth(year: fy - 1, month: fm), CalendarMath.lastOfMonth(year: ty - 1, month: tm)
            )
        }
        return (CalendarMath.adding(months: -12, to: from), CalendarMath.adding(months: -12, to: to))
    }

    /// The preceding period of the same kind: previous calendar unit for calendar units (for
    /// to-date periods the same number of days into the previous unit, clamped to its end);
    /// otherwise the same number of days immediately before.
    ///
    /// A span of several calendar units ("last 3 months", "from March to May", "H1") is
    /// preceded by as many units. A to-date period that has reached the end of its unit (MTD
    /// on 30 June) is the whole unit, so it is preceded by the whole previous unit (all of
    /// May, not 1–30 May).
    public func previousPeriod() -> (from: SQLDate, to: SQLDate) {
        let dayBefore = from.adding(days: -1)
        let length = CalendarMath.days(from: from, to: to) + 1
        let unitMonths: Int
        switch unit {
        case .day, .custom:
            return (from.adding(days: -length), dayBefore)
        case .week:
            // Whole weeks, several or to date, are the same number of days before.
            return (from.adding(days: -7 * ((length + 6) / 7)), from.adding(days: -7 * ((length + 6) / 7) + length - 1))
        case .month: unitMonths = 1
        case .quarter: unitMonths = 3
        case .year, .fiscalYear: unitMonths = 12
        }
        let unitEnd = CalendarMath.adding(months: unitMonths, to: from).adding(days: -1)
        if isToDate && to < unitEnd {
            let start = CalendarMath.adding(months: -unitMonths, to: from)
            return (start, min(start.adding(days: length - 1), dayBefore))
        }
        let whole = CalendarMath.isWholeMonths(from: from, to: to)
        let months = whole ? CalendarMath.monthsSpanned(from: from, to: to) : unitMonths
        return (CalendarMath.adding(months: -months, to: from), dayBefore)
    }
}

/// A comparison a question asks for: against the year before, the period before, or a
/// period it states.
public struct Comparison: Sendable, Hashable {
    /// What the current period is compared with.
    public enum Kind: Sendable, Hashable {
        /// The same dates one year earlier ("vs last year", "YoY", "growth").
        case previousYear
        /// The preceding period of the same kind ("vs previous month", "MoM", "QoQ").
        case previousPeriod
        /// A period named in the question ("vs March 2024").
        case stated(from: SQLDate, to: SQLDate)
    }

    /// What to compare with.
    public var kind: Kind
    /// Where in the question the comparison is asked ("vs last year", "YoY").
    public var range: Range<String.Index>

    /// Makes a comparison.
    public init(kind: Kind, range: Range<String.Index>) {
        self.kind = kind
        self.range = range
    }

    /// The comparison period for `current`.
    public func period(for current: TimeExpression) -> (from: SQLDate, to: SQLDate) {
        switch kind {
        case .previousYear: return current.previousYear()
        case .previousPeriod: return current.previousPeriod()
        case .stated(let from, let to): return (from, to)
        }
    }
}
