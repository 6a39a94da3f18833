/// A calendar date without a time zone, as SQL's DATE: days since 1970-01-01.
public struct SQLDate: Sendable, Hashable, Comparable {
    /// Days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int32

    /// Makes a date from days since 1970-01-01.
    public init(daysSinceEpoch: Int32) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// Makes a date from a proleptic Gregorian year, month and day; nil when it does not exist.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year) else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        guard let narrow = Int32(exactly: days) else { return nil }
        self.daysSinceEpoch = narrow
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = digits(parts[0]), let m = digits(parts[1]), let d = digits(parts[2])
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// Year, month (1–12) and day (1–31).
    public var components: (year: Int, month: Int, day: Int) {
        Self.civilFromDays(Int(daysSinceEpoch))
    }

    /// ISO weekday: 1 = Monday … 7 = Sunday.
    public var isoWeekday: Int {
        // 1970-01-01 was a Thursday (4).
        let r = (Int(daysSinceEpoch) + 3) % 7
        return (r < 0 ? r + 7 : r) + 1
    }

    /// The date `n` days later (earlier when negative).
    public func adding(days n: Int) -> SQLDate {
        SQLDate(daysSinceEpoch: daysSinceEpoch + Int32(n))
    }

    public static func < (lhs: SQLDate, rhs: SQLDate) -> Bool { lhs.daysSinceEpoch < rhs.daysSinceEpoch }

    /// Whether `y` is a leap year of the proleptic Gregorian calendar.
    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    /// The days of `month` (1...12) in `year`.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days: exact for the proleptic
    // Gregorian calendar, no Foundation calendar or time zone involved.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

extension SQLDate: CustomStringConvertible {
    /// `YYYY-MM-DD`.
    public var description: String {
        let (y, m, d) = components
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }
}

func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n.magnitude)
    return (n < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
}

/// The value of a run of ASCII digits; nil for anything else (signs, spaces, other scripts).
func digits(_ text: some StringProtocol) -> Int? {
    guard !text.isEmpty, text.utf8.allSatisfy({ (48...57).contains($0) }) else { return nil }
    return Int(text)
}
