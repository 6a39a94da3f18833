import Warehouse

/// Turns a ``CubeQuery/DateRange`` into inclusive calendar dates, as Cube's `dateParser`
/// does: `last N days` ends yesterday, `this month` is the whole month, `last week` is the
/// previous ISO week.
struct DateRangeResolver {
    let today: SQLDate

    func resolve(_ range: CubeQuery.DateRange, member: String) throws -> (from: SQLDate, to: SQLDate) {
        switch range {
        case .absolute(let from, let to):
            guard let start = Self.date(from), let end = Self.date(to) else {
                throw SemanticError(.invalidQuery, member: member, "dateRange bounds must be dates (YYYY-MM-DD)")
            }
            guard start <= end else {
                throw SemanticError(.invalidQuery, member: member, "dateRange starts after it ends")
            }
            return (start, end)
        case .relative(let text):
            guard let result = relative(text.lowercased().split(separator: " ").map(String.init)) else {
                throw SemanticError(.invalidQuery, member: member, "cannot parse dateRange '\(text)'")
            }
            return result
        }
    }

    /// Reads `YYYY-MM-DD`, optionally followed by a time (which day-granular ranges ignore).
    static func date(_ text: String) -> SQLDate? {
        guard text.count >= 10 else { return nil }
        if text.count > 10 {
            let rest = text.dropFirst(10)
            guard rest.first == "T" || rest.first == " " else { return nil }
        }
        return SQLDate(iso: text.prefix(10))
    }

    private func relative(_ words: [String]) -> (from: SQLDate, to: SQLDate)? {
        switch words.count {
        case 1 where words[0] == "today": return (today, today)
        case 1 where words[0] == "yesterday": return (today.adding(days: -1), today.adding(days: -1))
        case 2 where words[0] == "this" || words[0] == "last":
            guard let unit = Unit(words[1]) else { return nil }
            let start = unit.start(of: today)
            if words[0] == "this" { return (start, unit.end(of: today)) }
            let previous = unit.start(of: start.adding(days: -1))
            return (previous, start.adding(days: -1))
        case 3 where words[0] == "last":
            guard let n = Int(words[1]), n > 0, n <= 100_000, let unit = Unit(words[2]) else { return nil }
            // Cube: [startOf(unit) - N units, end of the previous unit]: complete units only.
            let start = unit.start(of: today)
            return (unit.adding(-n, to: start), start.adding(days: -1))
        default:
            if words.first == "from", let to = words.firstIndex(of: "to"), to > 1, to < words.count - 1 {
                guard let from = phrase(Array(words[1..<to])), let end = phrase(Array(words[(to + 1)...])) else {
                    return nil
                }
                return from.from <= end.to ? (from.from, end.to) : nil
            }
            return nil
        }
    }

    /// One side of `from X to Y`: a date or a phrase such as `today` or `7 days ago`.
    private func phrase(_ words: [String]) -> (from: SQLDate, to: SQLDate)? {
        if words.count == 1, let date = Self.date(words[0]) { return (date, date) }
        if words.count == 3, words[2] == "ago", let n = Int(words[0]), let unit = Unit(words[1]) {
            let day = unit.adding(-n, to: today)
            return (day, day)
        }
        return relative(words)
    }

    private enum Unit {
        case day, week, month, quarter, year

        init?(_ word: String) {
            switch word.hasSuffix("s") ? String(word.dropLast()) : word {
            case "day": self = .day
            case "week": self = .week
            case "month": self = .month
            case "quarter": self = .quarter
            case "year": self = .year
            default: return nil
            }
        }

        func start(of date: SQLDate) -> SQLDate {
            let (y, m, _) = date.components
            switch self {
            case .day: return date
            case .week: return date.adding(days: 1 - date.isoWeekday)
            case .month: return SQLDate(year: y, month: m, day: 1)!
            case .quarter: return SQLDate(year: y, month: (m - 1) / 3 * 3 + 1, day: 1)!
            case .year: return SQLDate(year: y, month: 1, day: 1)!
            }
        }

        func end(of date: SQLDate) -> SQLDate {
            adding(1, to: start(of: date)).adding(days: -1)
        }

        /// Adds whole units to a date that starts a unit (so months never overflow a day).
        func adding(_ n: Int, to date: SQLDate) -> SQLDate {
            let (y, m, d) = date.components
            switch self {
            case .day: return date.adding(days: n)
            case .week: return date.adding(days: 7 * n)
            case .month, .quarter, .year:
                let months = self == .month ? n : self == .quarter ? 3 * n : 12 * n
                let index = y * 12 + (m - 1) + months
                let year = index >= 0 ? index / 12 : (index - 11) / 12
                let month = index - year * 12 + 1
                var day = d
                while SQLDate(year: year, month: month, day: day) == nil { day -= 1 }
                return SQLDate(year: year, month: month, day: day)!
            }
        }
    }
}
