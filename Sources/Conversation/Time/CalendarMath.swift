import Warehouse

/// The calendar arithmetic the time grammar needs: month starts and ends, ISO week starts,
/// month shifts that clamp the day, Indian fiscal years (April to March).
///
/// Every date it makes exists (days are clamped to the month, months may run outside 1...12
/// and carry into the year), so callers never unwrap an optional for a computed date.
enum CalendarMath {
    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
    static let shortMonthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func daysIn(month: Int, year: Int) -> Int { SQLDate.daysIn(month: month, year: year) }

    /// `year` and `month` with the month carried into 1...12 (month 0 is December of the year before).
    static func normalise(year: Int, month: Int) -> (year: Int, month: Int) {
        let index = year * 12 + month - 1
        // Floor division, so that months before January go to the previous year.
        let y = index >= 0 ? index / 12 : -((-index + 11) / 12)
        return (y, index - y * 12 + 1)
    }

    /// The date with `month` carried into the year and `day` clamped to the month (31 April
    /// is 30 April), so that it always exists.
    static func date(year: Int, month: Int, day: Int) -> SQLDate {
        let (y, m) = normalise(year: year, month: month)
        let d = min(max(day, 1), daysIn(month: m, year: y))
        // Exists by construction; only a year beyond SQLDate's range fails, which clamps.
        return SQLDate(year: y, month: m, day: d) ?? SQLDate(daysSinceEpoch: y < 1970 ? .min : .max)
    }

    static func firstOfMonth(year: Int, month: Int) -> SQLDate { date(year: year, month: month, day: 1) }

    static func lastOfMonth(year: Int, month: Int) -> SQLDate { date(year: year, month: month, day: 31) }

    /// Months since year 0, for counting months between dates.
    static func monthIndex(_ date: SQLDate) -> Int {
        let (y, m, _) = date.components
        return y * 12 + m - 1
    }

    /// `date` shifted by `months`, the day clamped to the target month (31 May − 1 month = 30 April).
    static func adding(months: Int, to date: SQLDate) -> SQLDate {
        let (y, m, d) = date.components
        return self.date(year: y, month: m + months, day: d)
    }

    /// Days from `from` to `to` (0 for the same day).
    static func days(from: SQLDate, to: SQLDate) -> Int { Int(to.daysSinceEpoch) - Int(from.daysSinceEpoch) }

    /// True when the span starts on a first of month and ends on a last of month.
    static func isWholeMonths(from: SQLDate, to: SQLDate) -> Bool {
        from.components.day == 1 && to.adding(days: 1).components.day == 1 && from <= to
    }

    /// The number of calendar months `from...to` touches.
    static func monthsSpanned(from: SQLDate, to: SQLDate) -> Int { monthIndex(to) - monthIndex(from) + 1 }

    /// The Monday of the ISO week of `date`.
    static func startOfWeek(_ date: SQLDate) -> SQLDate { date.adding(days: -(date.isoWeekday - 1)) }

    /// The first day of the calendar quarter of `date`.
    static func startOfQuarter(_ date: SQLDate) -> SQLDate {
        let (y, m, _) = date.components
        return firstOfMonth(year: y, month: (m - 1) / 3 * 3 + 1)
    }

    /// The Indian fiscal year of `date`, named by the year it ends in (FY25 = April 2024 – March 2025).
    static func fiscalYear(of date: SQLDate) -> Int {
        let (y, m, _) = date.components
        return m >= 4 ? y + 1 : y
    }

    /// 1 April of the year before `ending` to 31 March of `ending`.
    static func fiscalYearBounds(ending: Int) -> (from: SQLDate, to: SQLDate) {
        (firstOfMonth(year: ending - 1, month: 4), lastOfMonth(year: ending, month: 3))
    }
}
