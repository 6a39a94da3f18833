/// A point in time without a time zone, as SQL's TIMESTAMP: microseconds since
/// 1970-01-01 00:00:00.
public struct SQLTimestamp: Sendable, Hashable, Comparable {
    /// Microseconds since the epoch.
    public var microsecondsSinceEpoch: Int64

    /// Makes a timestamp from microseconds since the epoch.
    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    /// Makes a timestamp from a date and a time of day.
    public init(date: SQLDate, hour: Int = 0, minute: Int = 0, second: Int = 0, microsecond: Int = 0) {
        let seconds = Int64(date.daysSinceEpoch) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.microsecondsSinceEpoch = seconds * 1_000_000 + Int64(microsecond)
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff]` (a `T` separator is accepted too).
    public init?(iso text: some StringProtocol) {
        let s = String(text)
        guard s.count >= 19 else { return nil }
        let dateEnd = s.index(s.startIndex, offsetBy: 10)
        guard let date = SQLDate(iso: s[..<dateEnd]), s[dateEnd] == " " || s[dateEnd] == "T" else { return nil }
        let time = s[s.index(after: dateEnd)...]
        let hms = time.split(separator: ":", omittingEmptySubsequences: false)
        guard hms.count == 3, hms[0].count == 2, hms[1].count == 2, let h = digits(hms[0]), let mi = digits(hms[1]),
            (0..<24).contains(h), (0..<60).contains(mi)
        else { return nil }
        let secParts = hms[2].split(separator: ".", omittingEmptySubsequences: false)
        guard secParts.count <= 2, secParts[0].count == 2, let sec = digits(secParts[0]), (0..<60).contains(sec) else {
            return nil
        }
        var micros = 0
        if secParts.count == 2 {
            let f = secParts[1]
            guard (1...6).contains(f.count), let v = digits(f) else { return nil }
            micros = v * Int(SQLDecimal.powerOfTen(6 - f.count))
        }
        self.init(date: date, hour: h, minute: mi, second: sec, microsecond: micros)
    }

    /// The calendar date part.
    public var date: SQLDate {
        // Floor division that cannot overflow, even at DuckDB's -infinity (-Int64.max).
        let (quotient, remainder) = microsecondsSinceEpoch.quotientAndRemainder(dividingBy: 86_400_000_000)
        return SQLDate(daysSinceEpoch: Int32(remainder < 0 ? quotient - 1 : quotient))
    }

    public static func < (lhs: SQLTimestamp, rhs: SQLTimestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }
}

extension SQLTimestamp: CustomStringConvertible {
    /// `YYYY-MM-DD HH:MM:SS`, with `.ffffff` when there are fractional seconds.
    public var description: String {
        let day = date
        let (_, remainder) = microsecondsSinceEpoch.quotientAndRemainder(dividingBy: 86_400_000_000)
        let micros = remainder < 0 ? remainder + 86_400_000_000 : remainder
        let seconds = Int(micros / 1_000_000)
        let fraction = Int(micros % 1_000_000)
        var text = "\(day) \(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
        if fraction != 0 { text += "." + pad(fraction, 6) }
        return text
    }
}
