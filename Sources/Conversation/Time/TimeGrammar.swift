import Semantic
import Warehouse

/// The grammar behind ``TimeExpressionParser``: a left-to-right scan over the tokens of
/// one question. At each token it tries, in order, a comparison ("vs last year", "YoY"), a
/// granularity ("monthly", "by week", "trend") and a period with its leading fillers ("for
/// the last 3 months"); whatever matches is consumed whole, otherwise the scan moves on one
/// token. Comparisons go first so that the base of "vs last year" is never read as a
/// second period.
struct TimeGrammar {
    let question: String
    let asOf: SQLDate
    let tokens: [TimeToken]
    let today: (year: Int, month: Int, day: Int)

    init(question: String, asOf: SQLDate) {
        self.question = question
        self.asOf = asOf
        self.tokens = TimeToken.tokens(question)
        self.today = asOf.components
    }

    // MARK: - What phrases mean

    /// A period resolved to dates.
    struct Period {
        var from: SQLDate
        var to: SQLDate
        var unit: TimeExpression.Unit
        var isToDate: Bool = false
    }

    /// A calendar item that may lack its year ("March", "15 May", "Q2"); the year comes from
    /// the context: the latest one that has begun, or the other end of a span.
    struct Item {
        enum Kind {
            case day(Int, month: Int)
            case month(Int)
            case quarter(Int)
            case half(Int)
            case year
            case fiscalYear
            /// Quarter of a fiscal year: Q1 is April to June.
            case fiscalQuarter(Int)
        }

        var kind: Kind
        /// The calendar year; for fiscal kinds the year the fiscal year ends in.
        var year: Int?

        var unit: TimeExpression.Unit {
            switch kind {
            case .day: return .day
            case .month: return .month
            case .quarter, .fiscalQuarter: return .quarter
            case .half: return .month  // six months: preceded by the six before
            case .year: return .year
            case .fiscalYear: return .fiscalYear
            }
        }
    }

    /// What a phrase names: a calendar item, a resolved period, or a reason it is no date.
    enum Point {
        case item(Item)
        case period(Period)
        case problem(String)
    }

    /// A resolved phrase: a period or a problem.
    enum Outcome {
        case period(Period)
        case problem(String)
    }

    /// What a comparison compares with, before the main period is known.
    enum Base {
        case previousYear
        case previousPeriod
        /// "vs last month": the previous period when the main period is a month, else that month.
        case last(TimeExpression.Unit, Period)
        case stated(Period)
        /// "growth", "change": the previous year unless a base is named elsewhere.
        case unnamed
        case problem(String)
    }

    /// A value read from tokens up to `end` (exclusive).
    struct Parsed<Value> {
        var value: Value
        var end: Int
    }

    /// Every word the grammar reads, for callers that must not correct them as typos.
    static let keywords: Set<String> = {
        var words = Set(months.keys).union(numberWords.keys).union(unitNouns.keys).union(unitAdjectives.keys)
            .union(fillers).union(trendWords).union(thisWords).union(lastWords).union(ordinals.keys)
        let phrases = connectors + yearOnYear + periodOnPeriod + unnamedChange + spanConnectors + toDateSuffixes
        words.formUnion(phrases.joined())
        words.formUnion([
            "today", "yesterday", "ytd", "mtd", "qtd", "wtd", "fytd", "since", "from", "between", "and", "fy", "fys",
            "fiscal", "financial", "cy", "calendar", "half", "wise", "same", "period", "periods", "ly", "py", "sply",
            "lysp", "ago", "before", "time", "st", "nd", "rd", "th",
        ])
        // Single letters ("q" of "q-o-q") are not words a matcher would correct.
        return words.filter { $0.count > 1 && $0.allSatisfy(\.isLetter) }
    }()

    // MARK: - Scan

    static let fillers: Set<String> = ["in", "during", "for", "of", "the", "on", "over", "within", "at"]

    func analyse() -> TimeAnalysis {
        var expressions: [TimeExpression] = []
        var problems: [String] = []
        var consumed: [Range<String.Index>] = []
        var comparisons: [(base: Base, range: Range<String.Index>)] = []
        var granularity: CubeQuery.Granularity?
        var sawTrend = false

        var i = 0
        while i < tokens.count {
            if let found = comparison(at: i) {
                let range = span(i, found.end)
                consumed.append(range)
                if case .problem(let message) = found.value {
                    problems.append(message)
                } else {
                    comparisons.append((found.value, range))
                }
                i = found.end
                continue
            }
            if let found = granularityPhrase(at: i) {
                consumed.append(span(i, found.end))
                if let value = found.value {
                    if granularity == nil { granularity = value }
                } else {
                    sawTrend = true
                }
                i = found.end
                continue
            }
            var start = i
            while true {
                if isWord(start, Self.fillers) {
                    start += 1
                } else if isWord(start, ["month"]), isWord(start + 1, ["of"]), monthNumber(at: start + 2) != nil {
                    start += 2  // "in the month of May"
                } else {
                    break
                }
            }
            if let found = periodPhrase(at: start) {
                var end = found.end
                // "this year's": the possessive belongs to the period.
                if symbol(end) == "'", glued(end), isWord(end + 1, ["s"]), glued(end + 1) { end += 2 }
                consumed.append(span(i, end))
                switch found.value {
                case .period(let period):
                    expressions.append(
                        TimeExpression(
                            from: period.from, to: period.to, range: span(start, found.end), unit: period.unit,
                            isToDate: period.isToDate))
                case .problem(let message):
                    problems.append(message)
                }
                i = end
                continue
            }
            i += 1
        }

        return TimeAnalysis(
            expressions: expressions,
            granularity: granularity ?? (sawTrend ? .month : nil),
            comparison: chooseComparison(comparisons, main: expressions.first),
            problems: problems,
            consumedRanges: merged(consumed))
    }

    /// The first comparison with a base; "growth" alone means the previous year.
    func chooseComparison(_ found: [(base: Base, range: Range<String.Index>)], main: TimeExpression?) -> Comparison? {
        for (base, range) in found {
            switch base {
            case .previousYear: return Comparison(kind: .previousYear, range: range)
            case .previousPeriod: return Comparison(kind: .previousPeriod, range: range)
            case .stated(let period): return Comparison(kind: .stated(from: period.from, to: period.to), range: range)
            case .last(let unit, let period):
                // "this month vs last month" is month on month; "last 7 days vs last month" names a period.
                guard let main, main.unit != unit else { return Comparison(kind: .previousPeriod, range: range) }
                return Comparison(kind: .stated(from: period.from, to: period.to), range: range)
            case .unnamed, .problem: continue
            }
        }
        if let unnamed = found.first(where: { if case .unnamed = $0.base { true } else { false } }) {
            return Comparison(kind: .previousYear, range: unnamed.range)
        }
        return nil
    }

    /// Sorted, overlapping or touching ranges joined.
    func merged(_ ranges: [Range<String.Index>]) -> [Range<String.Index>] {
        var result: [Range<String.Index>] = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = result.last, range.lowerBound <= last.upperBound {
                result[result.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                result.append(range)
            }
        }
        return result
    }

    // MARK: - Comparisons

    static let connectors: [[String]] = [
        ["vs"], ["versus"], ["v", "/", "s"], ["against"], ["compared", "to"], ["compared", "with"],
        ["compared", "against"], ["comparing", "with"], ["comparing", "to"], ["compare", "with"], ["compare", "to"],
        ["in", "comparison", "to"], ["in", "comparison", "with"], ["relative", "to"],
    ]

    static let yearOnYear: [[String]] = [["yoy"], ["y", "o", "y"], ["year", "on", "year"], ["year", "over", "year"]]
    static let periodOnPeriod: [[String]] = [
        ["mom"], ["m", "o", "m"], ["month", "on", "month"], ["month", "over", "month"],
        ["qoq"], ["q", "o", "q"], ["quarter", "on", "quarter"], ["quarter", "over", "quarter"],
        ["wow"], ["w", "o", "w"], ["week", "on", "week"], ["week", "over", "week"],
        ["dod"], ["day", "on", "day"], ["day", "over", "day"],
        ["sequential"], ["sequentially"],
    ]
    static let unnamedChange: [[String]] = [["growth", "rate"], ["growth"], ["change"]]
    static let trendWords: Set<String> = ["trend", "trends", "trending"]

    func comparison(at i: Int) -> Parsed<Base>? {
        if let end = longestMatch(Self.connectors, at: i) {
            var k = end
            if isSymbol(k, ["."]) && tokens[k].glued { k += 1 }  // "vs."
            return comparisonBase(at: k, yearOnly: false)
        }
        // "growth over last year"; but "over the last 3 months" is a period.
        if isWord(i, ["over"]), let base = comparisonBase(at: i + 1, yearOnly: true) { return base }
        for (phrases, base) in [(Self.yearOnYear, Base.previousYear), (Self.periodOnPeriod, .previousPeriod)] {
            if let end = longestMatch(phrases, at: i) {
                // "week on week trend" is a weekly trend, read by granularityPhrase.
                if isWord(end, Self.trendWords) { return nil }
                return Parsed(value: base, end: end)
            }
        }
        if let end = longestMatch(Self.unnamedChange, at: i) { return Parsed(value: .unnamed, end: end) }
        return nil
    }

    /// The base after "vs": the previous year in its many spellings, the previous period,
    /// "last <unit>", or any period (stated).
    func comparisonBase(at start: Int, yearOnly: Bool) -> Parsed<Base>? {
        var k = start
        if isWord(k, ["the"]) {
            // "over the last year" is a period; "over last year" a comparison.
            if yearOnly && isWord(k + 1, ["last"]) { return nil }
            k += 1
        }
        if let end = previousYearPhrase(at: k) { return Parsed(value: .previousYear, end: end) }
        if yearOnly { return nil }
        if isWord(k, ["previous", "prior", "preceding", "prev"]) || isWord(k, ["last"]) && isWord(k + 1, ["period"]) {
            if isWord(k + 1, ["period", "periods"]) { return Parsed(value: .previousPeriod, end: k + 2) }
            if isWord(k, ["previous", "prior", "preceding", "prev"]), let unit = unitWord(at: k + 1, plural: false) {
                return Parsed(value: .previousPeriod, end: unit.end)
            }
        }
        // "the month before", "the week earlier": the period before (the year before is above).
        if let unit = unitWord(at: k, plural: false), isWord(unit.end, ["before", "earlier", "prior"]) {
            return Parsed(value: .previousPeriod, end: unit.end + 1)
        }
        if isWord(k, ["last"]), let unit = unitWord(at: k + 1, plural: false), unit.value != .day {
            return Parsed(value: .last(unit.value, previousUnit(unit.value)), end: unit.end)
        }
        guard let found = periodPhrase(at: k) else { return nil }
        switch found.value {
        case .period(let period): return Parsed(value: .stated(period), end: found.end)
        case .problem(let message): return Parsed(value: .problem(message), end: found.end)
        }
    }

    /// "last year", "LY", "PY", "same period last year", "the same month of the previous year", "a year ago".
    func previousYearPhrase(at start: Int) -> Int? {
        var k = start
        var same = false
        if isWord(k, ["same"]) {
            same = true
            k += 1
            if isWord(k, ["period", "time", "day", "days", "week", "month", "quarter", "dates"]) { k += 1 }
            if isWord(k, ["of", "in", "from"]) { k += 1 }
            if isWord(k, ["the"]) { k += 1 }
        }
        let phrases: [[String]] = [
            ["last", "year"], ["previous", "year"], ["prior", "year"], ["preceding", "year"], ["ly"], ["py"],
            ["a", "year", "ago"], ["year", "ago"], ["year", "before"], ["sply"], ["lysp"],
        ]
        guard var end = longestMatch(phrases, at: k) else { return nil }
        // "last year same period"
        if !same, let tail = longestMatch([["same", "period"], ["same", "time"]], at: end) { end = tail }
        return end
    }

    // MARK: - Granularity

    static let unitNouns: [String: CubeQuery.Granularity] = [
        "day": .day, "days": .day, "date": .day, "dates": .day, "week": .week, "weeks": .week, "month": .month,
        "months": .month, "quarter": .quarter, "quarters": .quarter, "year": .year, "years": .year,
    ]
    static let unitAdjectives: [String: CubeQuery.Granularity] = [
        "daily": .day, "weekly": .week, "monthly": .month, "quarterly": .quarter, "yearly": .year,
        "annually": .year, "daywise": .day, "datewise": .day, "weekwise": .week, "monthwise": .month,
        "quarterwise": .quarter, "yearwise": .year,
    ]

    /// A granularity word (value) or a bare trend word (nil: monthly unless one is named).
    func granularityPhrase(at i: Int) -> Parsed<CubeQuery.Granularity?>? {
        var found: Parsed<CubeQuery.Granularity?>?
        if let word = word(i) {
            if let value = Self.unitAdjectives[word] {
                found = Parsed(value: value, end: i + 1)
            } else if ["by", "per", "each", "every"].contains(word), let noun = self.word(i + 1),
                let value = Self.unitNouns[noun]
            {
                found = Parsed(value: value, end: i + 2)
            } else if let value = Self.unitNouns[word] {
                let wise = symbol(i + 1) == "-" ? i + 2 : i + 1
                if isWord(wise, ["wise"]) {  // "month-wise", "month wise"
                    found = Parsed(value: value, end: wise + 1)
                } else if let end = match([word, "by", word], at: i) {  // "month by month"
                    found = Parsed(value: value, end: end)
                } else if let end = longestMatch([[word, "on", word], [word, "over", word]], at: i),
                    isWord(end, Self.trendWords)
                {
                    // "week on week trend"; without "trend" it is a comparison.
                    found = Parsed(value: value, end: end)
                }
            }
        }
        if var phrase = found {
            if isWord(phrase.end, Self.trendWords) { phrase.end += 1 }
            return phrase
        }
        if isWord(i, Self.trendWords) { return Parsed(value: nil, end: i + 1) }
        if let end = match(["over", "time"], at: i) { return Parsed(value: nil, end: end) }
        return nil
    }

    // MARK: - Periods

    static let spanConnectors: [[String]] = [
        ["to"], ["till"], ["until"], ["through"], ["thru"], ["upto"], ["up", "to"], ["-"],
    ]
    static let toDateSuffixes: [[String]] = [
        ["so", "far"], ["till", "date"], ["to", "date"], ["till", "now"], ["until", "now"], ["till", "today"],
        ["until", "today"], ["upto", "date"], ["up", "to", "date"], ["up", "to", "now"], ["up", "to", "today"],
    ]

    /// A period phrase starting at `k` (after fillers): "since X", "from X to Y", "between X
    /// and Y", "X to Y", or a single period.
    func periodPhrase(at k: Int) -> Parsed<Outcome>? {
        guard k < tokens.count else { return nil }
        if isWord(k, ["since"]) {
            guard let x = point(at: k + 1) else { return nil }
            return Parsed(value: since(x.value), end: toDateSuffix(at: x.end))
        }
        if isWord(k, ["from"]) {
            guard let x = point(at: k + 1) else { return nil }
            if let y = pointAfterConnector(at: x.end, connectors: Self.spanConnectors) {
                return Parsed(value: spanOutcome(x.value, y.value), end: y.end)
            }
            return Parsed(value: since(x.value), end: toDateSuffix(at: x.end))
        }
        if isWord(k, ["between"]) {
            guard let x = point(at: k + 1),
                let y = pointAfterConnector(at: x.end, connectors: [["and"], ["to"], ["-"]])
            else { return nil }
            return Parsed(value: spanOutcome(x.value, y.value), end: y.end)
        }
        if let range = dayRange(at: k) { return range }
        if let week = weekOf(at: k) { return week }
        guard let x = point(at: k) else { return nil }
        if case .item = x.value, let y = pointAfterConnector(at: x.end, connectors: Self.spanConnectors),
            case .item = y.value
        {
            return Parsed(value: spanOutcome(x.value, y.value), end: y.end)
        }
        let outcome = single(x.value)
        if case .period(let period) = outcome, period.isToDate {
            return Parsed(value: outcome, end: toDateSuffix(at: x.end))
        }
        return Parsed(value: outcome, end: x.end)
    }

    /// "week ending 29 June" (the seven days to that day), "week starting 23 June", "week of
    /// 25 June" (its ISO week).
    func weekOf(at k: Int) -> Parsed<Outcome>? {
        guard isWord(k, ["week"]), let kind = word(k + 1),
            ["ending", "ended", "starting", "beginning", "of"].contains(kind), let found = calendarItem(at: k + 2)
        else { return nil }
        switch found.value {
        case .problem(let message): return Parsed(value: .problem(message), end: found.end)
        case .period: return nil
        case .item(let item):
            guard case .day = item.kind else { return nil }
            guard let day = resolve(item)?.from else { return Parsed(value: .problem(notADate(item)), end: found.end) }
            let from: SQLDate
            switch kind {
            case "ending", "ended": from = day.adding(days: -6)
            case "starting", "beginning": from = day
            default: from = CalendarMath.startOfWeek(day)
            }
            return Parsed(value: .period(Period(from: from, to: from.adding(days: 6), unit: .week)), end: found.end)
        }
    }

    /// "1-15 May", "1 to 15 May 2025": days of one month.
    func dayRange(at k: Int) -> Parsed<Outcome>? {
        guard let first = number(k, digits: 1...2), let connector = longestMatch([["-"], ["to"], ["till"]], at: k + 1),
            let last = dayFirst(at: connector)
        else { return nil }
        switch last.value {
        case .problem(let message): return Parsed(value: .problem(message), end: last.end)
        case .period: return nil
        case .item(let end):
            guard case .day(let lastDay, let month) = end.kind else { return nil }
            let start = Item(kind: .day(first, month: month), year: end.year)
            guard case .item = day(first, month: month, year: end.year, end: k + 1).value else {
                return Parsed(value: .problem(notADate(start)), end: last.end)
            }
            // Days of one month do not wrap into the year before.
            guard first <= lastDay else { return Parsed(value: .problem(Self.reversed), end: last.end) }
            return Parsed(value: spanBounds(start, end) ?? .problem(Self.reversed), end: last.end)
        }
    }

    func pointAfterConnector(at k: Int, connectors: [[String]]) -> Parsed<Point>? {
        guard let end = longestMatch(connectors, at: k) else { return nil }
        var start = end
        if isWord(start, ["the"]) { start += 1 }
        return point(at: start)
    }

    /// `end` extended over "so far", "till date" and the like.
    func toDateSuffix(at end: Int) -> Int { longestMatch(Self.toDateSuffixes, at: end) ?? end }

    /// A point: a relative period ("last month", "YTD") or a calendar item ("March 2024").
    func point(at j: Int) -> Parsed<Point>? {
        if let relative = relativePeriod(at: j) { return relative }
        return calendarItem(at: j)
    }

    /// A single point as a period: an item without a year is the latest that has begun.
    func single(_ point: Point) -> Outcome {
        switch point {
        case .period(let period): return .period(period)
        case .problem(let message): return .problem(message)
        case .item(let item):
            guard let bounds = resolve(item) else { return .problem(notADate(item)) }
            return .period(Period(from: bounds.from, to: bounds.to, unit: item.unit))
        }
    }

    /// "since X": from the start of X to the as-of date.
    func since(_ point: Point) -> Outcome {
        switch single(point) {
        case .problem(let message): return .problem(message)
        case .period(let period):
            guard period.from <= asOf else { return .problem(Self.reversed) }
            return .period(Period(from: period.from, to: asOf, unit: .custom, isToDate: true))
        }
    }

    static let reversed = "the period ends before it starts"

    /// "X to Y": from the start of X to the end of Y; items without a year take the latest
    /// span that ends on or before the as-of date, or their year from the other end.
    func spanOutcome(_ x: Point, _ y: Point) -> Outcome {
        if case .item(let a) = x, case .item(let b) = y {
            switch spanBounds(a, b) {
            case .none: return .problem(Self.reversed)
            case .some(.problem(let message)): return .problem(message)
            case .some(.period(let period)): return .period(period)
            }
        }
        guard case .period(let first) = single(x) else { return single(x) }
        guard case .period(let last) = single(y) else { return single(y) }
        guard first.from <= last.to else { return .problem(Self.reversed) }
        return .period(Period(from: first.from, to: last.to, unit: .custom))
    }

    /// The span of two items; nil when it cannot be ordered.
    func spanBounds(_ a: Item, _ b: Item) -> Outcome? {
        // A span of whole calendar units keeps the unit ("from Q1 to Q2"), months when they differ.
        let unit: TimeExpression.Unit =
            a.unit == .day || b.unit == .day ? .custom : a.unit == b.unit ? a.unit : .month
        func span(_ x: (from: SQLDate, to: SQLDate), _ y: (from: SQLDate, to: SQLDate)) -> Outcome? {
            x.from <= y.to ? .period(Period(from: x.from, to: y.to, unit: unit)) : nil
        }
        switch (a.year, b.year) {
        case (let ay?, let by?):
            guard let x = bounds(a, year: ay) else { return .problem(notADate(a)) }
            guard let y = bounds(b, year: by) else { return .problem(notADate(b)) }
            return span(x, y)
        case (let ay?, nil):
            guard let x = bounds(a, year: ay) else { return .problem(notADate(a)) }
            let year = x.from.components.year
            for candidate in [year, year + 1] {
                if let y = bounds(b, year: candidate), let found = span(x, y) { return found }
            }
            return nil
        case (nil, let by?):
            guard let y = bounds(b, year: by) else { return .problem(notADate(b)) }
            let year = y.to.components.year
            for candidate in [year, year - 1] {
                if let x = bounds(a, year: candidate), let found = span(x, y) { return found }
            }
            return nil
        case (nil, nil):
            for endYear in stride(from: today.year, through: today.year - 8, by: -1) {
                guard let y = bounds(b, year: endYear), y.to <= asOf else { continue }
                // "from November to February" crosses the new year.
                for candidate in [endYear, endYear - 1] {
                    if let x = bounds(a, year: candidate), let found = span(x, y) { return found }
                }
            }
            return nil
        }
    }

    /// The item's dates in its year, or the latest that has begun when it has none.
    func resolve(_ item: Item) -> (from: SQLDate, to: SQLDate)? {
        if let year = item.year { return bounds(item, year: year) }
        // Eight years back always meets a 29 February.
        for year in stride(from: today.year, through: today.year - 8, by: -1) {
            if let found = bounds(item, year: year), found.from <= asOf { return found }
        }
        return nil
    }

    /// The item's dates in `year`; nil for a day the year lacks (29 February).
    func bounds(_ item: Item, year: Int) -> (from: SQLDate, to: SQLDate)? {
        switch item.kind {
        case .day(let day, let month):
            guard day <= CalendarMath.daysIn(month: month, year: year) else { return nil }
            let date = CalendarMath.date(year: year, month: month, day: day)
            return (date, date)
        case .month(let month):
            return (
                CalendarMath.firstOfMonth(year: year, month: month), CalendarMath.lastOfMonth(year: year, month: month)
            )
        case .quarter(let quarter):
            return (
                CalendarMath.firstOfMonth(year: year, month: quarter * 3 - 2),
                CalendarMath.lastOfMonth(year: year, month: quarter * 3)
            )
        case .half(let half):
            return (
                CalendarMath.firstOfMonth(year: year, month: half * 6 - 5),
                CalendarMath.lastOfMonth(year: year, month: half * 6)
            )
        case .year:
            return (CalendarMath.firstOfMonth(year: year, month: 1), CalendarMath.lastOfMonth(year: year, month: 12))
        case .fiscalYear:
            return CalendarMath.fiscalYearBounds(ending: year)
        case .fiscalQuarter(let quarter):
            // Fiscal Q1 is April to June of the year before the fiscal year ends.
            return (
                CalendarMath.firstOfMonth(year: year - 1, month: quarter * 3 + 1),
                CalendarMath.lastOfMonth(year: year - 1, month: quarter * 3 + 3)
            )
        }
    }

    func notADate(_ item: Item) -> String {
        if case .day(let day, let month) = item.kind {
            let name = CalendarMath.monthNames[month - 1]
            return item.year.map { "\(day) \(name) \($0) is not a date" } ?? "\(day) \(name) is not a date"
        }
        return Self.reversed
    }

    // MARK: - Relative periods

    static let thisWords: Set<String> = ["this", "current"]
    static let lastWords: Set<String> = ["last", "previous", "prior", "past", "preceding", "prev"]
    static let numberWords: [String: Int] = [
        "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
        "eleven": 11, "twelve": 12, "fifteen": 15, "thirty": 30,
    ]

    /// "today", "this month", "last quarter", "last 7 days", "YTD", "year to date", "last March".
    func relativePeriod(at j: Int) -> Parsed<Point>? {
        guard let word = word(j) else { return nil }
        func period(_ from: SQLDate, _ to: SQLDate, _ unit: TimeExpression.Unit, toDate: Bool = false, end: Int)
            -> Parsed<Point>
        {
            Parsed(value: .period(Period(from: from, to: to, unit: unit, isToDate: toDate)), end: end)
        }
        switch word {
        case "today": return period(asOf, asOf, .day, end: j + 1)
        case "yesterday": return period(asOf.adding(days: -1), asOf.adding(days: -1), .day, end: j + 1)
        case "ytd": return period(startOf(.year), asOf, .year, toDate: true, end: j + 1)
        case "mtd": return period(startOf(.month), asOf, .month, toDate: true, end: j + 1)
        case "qtd": return period(startOf(.quarter), asOf, .quarter, toDate: true, end: j + 1)
        case "wtd": return period(startOf(.week), asOf, .week, toDate: true, end: j + 1)
        case "fytd": return period(startOf(.fiscalYear), asOf, .fiscalYear, toDate: true, end: j + 1)
        default: break
        }
        let toDatePhrases: [(words: [String], unit: TimeExpression.Unit)] = [
            (["year", "to", "date"], .year), (["month", "to", "date"], .month), (["quarter", "to", "date"], .quarter),
            (["week", "to", "date"], .week), (["fiscal", "year", "to", "date"], .fiscalYear),
            (["financial", "year", "to", "date"], .fiscalYear), (["fy", "to", "date"], .fiscalYear),
            (["fiscal", "ytd"], .fiscalYear), (["fy", "ytd"], .fiscalYear),
        ]
        var best: Parsed<Point>?
        for phrase in toDatePhrases {
            if let end = match(phrase.words, at: j), end > (best?.end ?? 0) {
                best = period(startOf(phrase.unit), asOf, phrase.unit, toDate: true, end: end)
            }
        }
        if let best { return best }

        if Self.thisWords.contains(word), let unit = unitWord(at: j + 1, plural: false), unit.value != .day {
            return period(startOf(unit.value), asOf, unit.value, toDate: true, end: unit.end)
        }
        guard Self.lastWords.contains(word) else { return nil }
        if let count = count(at: j + 1), let unit = unitWord(at: count.end, plural: true) {
            guard count.value > 0 else {
                return Parsed(value: .problem("\(raw(j, unit.end)) is an empty period"), end: unit.end)
            }
            return Parsed(value: .period(lastN(count.value, unit.value)), end: unit.end)
        }
        if let unit = unitWord(at: j + 1, plural: false) {
            return Parsed(value: .period(previousUnit(unit.value)), end: unit.end)
        }
        if word == "last", let month = monthNumber(at: j + 1) {
            // "last March": the latest March before the current month.
            var year = today.month > month ? today.year : today.year - 1
            if month == today.month { year = today.year - 1 }
            return period(
                CalendarMath.firstOfMonth(year: year, month: month), CalendarMath.lastOfMonth(year: year, month: month),
                .month, end: j + 2)
        }
        return nil
    }

    /// The start of the unit that contains the as-of date.
    func startOf(_ unit: TimeExpression.Unit) -> SQLDate {
        switch unit {
        case .day, .custom: return asOf
        case .week: return CalendarMath.startOfWeek(asOf)
        case .month: return CalendarMath.firstOfMonth(year: today.year, month: today.month)
        case .quarter: return CalendarMath.startOfQuarter(asOf)
        case .year: return CalendarMath.firstOfMonth(year: today.year, month: 1)
        case .fiscalYear: return CalendarMath.fiscalYearBounds(ending: CalendarMath.fiscalYear(of: asOf)).from
        }
    }

    /// The complete unit before the current one ("last month").
    func previousUnit(_ unit: TimeExpression.Unit) -> Period {
        if unit == .day { return Period(from: asOf.adding(days: -1), to: asOf.adding(days: -1), unit: .day) }
        return lastN(1, unit)
    }

    /// "last N days" ends on the as-of date (a custom span); "last N weeks|months|…" are the
    /// N complete units before the current one, and keep that unit.
    func lastN(_ n: Int, _ unit: TimeExpression.Unit) -> Period {
        let current = startOf(unit)
        let dayBefore = current.adding(days: -1)
        switch unit {
        case .day, .custom: return Period(from: asOf.adding(days: 1 - n), to: asOf, unit: .custom)
        case .week: return Period(from: current.adding(days: -7 * n), to: dayBefore, unit: unit)
        case .month: return Period(from: CalendarMath.adding(months: -n, to: current), to: dayBefore, unit: unit)
        case .quarter:
            return Period(from: CalendarMath.adding(months: -3 * n, to: current), to: dayBefore, unit: unit)
        case .year, .fiscalYear:
            return Period(from: CalendarMath.adding(months: -12 * n, to: current), to: dayBefore, unit: unit)
        }
    }

    /// A count: digits (1–3 of them) or a number word.
    func count(at k: Int) -> Parsed<Int>? {
        if let value = number(k, digits: 1...3) { return Parsed(value: value, end: k + 1) }
        if let word = word(k), let value = Self.numberWords[word] { return Parsed(value: value, end: k + 1) }
        return nil
    }

    /// A unit word: day, week, month, quarter, year, FY, fiscal year (plurals when `plural`).
    func unitWord(at k: Int, plural: Bool) -> Parsed<TimeExpression.Unit>? {
        if let end = longestMatch([["fiscal", "year"], ["financial", "year"], ["fiscal", "years"]], at: k) {
            return Parsed(value: .fiscalYear, end: end)
        }
        guard let word = word(k) else { return nil }
        let singular: [String: TimeExpression.Unit] = [
            "day": .day, "week": .week, "month": .month, "quarter": .quarter, "year": .year, "fy": .fiscalYear,
            "fiscal": .fiscalYear,
        ]
        let plurals: [String: TimeExpression.Unit] = [
            "days": .day, "weeks": .week, "months": .month, "quarters": .quarter, "years": .year, "fys": .fiscalYear,
        ]
        if let unit = singular[word] ?? (plural ? plurals[word] : nil) { return Parsed(value: unit, end: k + 1) }
        return nil
    }

    // MARK: - Calendar items

    static let months: [String: Int] = [
        "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
        "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9,
        "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
    ]
    /// Words after which a bare "2024" is a year (and "may" a month).
    static let yearContext: Set<String> = [
        "in", "for", "during", "of", "year", "since", "from", "to", "till", "until", "between", "and", "vs", "versus",
        "through", "against", "with", "cy", "on", "over", "upto", "thru", "s",  // "v/s"
    ]
    static let ordinals: [String: Int] = ["first": 1, "second": 2, "third": 3, "fourth": 4]

    /// The longest calendar item at `j`: dates, fiscal years, quarters, halves, months, days, years.
    func calendarItem(at j: Int) -> Parsed<Point>? {
        let candidates = [
            numericDate(at: j), fiscalYear(at: j), quarter(at: j), half(at: j), dayFirst(at: j), monthFirst(at: j),
            year(at: j),
        ]
        var best: Parsed<Point>?
        for case let candidate? in candidates where candidate.end > (best?.end ?? 0) { best = candidate }
        return best
    }

    func item(_ kind: Item.Kind, _ year: Int?, end: Int) -> Parsed<Point> {
        Parsed(value: .item(Item(kind: kind, year: year)), end: end)
    }

    /// "2025-01-31", "2025-03" (ISO), "1/2/2025", "01-02-2025", "1.2.25" (day, month, year).
    func numericDate(at j: Int) -> Parsed<Point>? {
        guard let first = number(j, digits: 1...4) else { return nil }
        let separator = symbol(j + 1)
        guard let separator, ["-", "/", "."].contains(separator), glued(j + 1), glued(j + 2),
            let second = number(j + 2, digits: 1...2)
        else { return nil }
        let hasThird = symbol(j + 3) == separator && glued(j + 3) && glued(j + 4)
        if tokens[j].text.count == 4 {
            guard separator == "-" else { return nil }
            if hasThird, let third = number(j + 4, digits: 1...2) {
                return day(third, month: second, year: first, end: j + 5, text: raw(j, j + 5))
            }
            // "2024-25" is a fiscal year, read by year(at:); "2025-03" is March 2025.
            guard !hasThird, tokens[j + 2].text.count == 2, (1...12).contains(second),
                second != (first + 1) % 100, (1900...2100).contains(first)
            else { return nil }
            return item(.month(second), first, end: j + 3)
        }
        guard tokens[j].text.count <= 2, hasThird, let third = number(j + 4, digits: 2...4),
            tokens[j + 4].text.count != 3
        else { return nil }
        let year = third < 100 ? 2000 + third : third
        return day(first, month: second, year: year, end: j + 5, text: raw(j, j + 5))
    }

    /// A day of a month, or the reason it is none.
    func day(_ day: Int, month: Int, year: Int?, end: Int, text: String? = nil) -> Parsed<Point> {
        // Without a year, 29 February is still a date (of the latest leap year).
        let longest = CalendarMath.daysIn(month: month, year: year ?? 2000)
        let valid = (1...12).contains(month) && day >= 1 && day <= longest
        guard valid else {
            if let text { return Parsed(value: .problem("\(text) is not a date"), end: end) }
            return Parsed(value: .problem(notADate(Item(kind: .day(day, month: month), year: year))), end: end)
        }
        return item(.day(day, month: month), year, end: end)
    }

    /// "FY 2024-25", "FY24-25", "FY 2024/25", "FY25", "FY 2025", "FY'25", "fiscal year 2024-25";
    /// then optionally "Q1" for a fiscal quarter ("FY25 Q1").
    func fiscalYear(at j: Int) -> Parsed<Point>? {
        guard let prefixEnd = longestMatch([["fy"], ["fiscal"], ["fiscal", "year"], ["financial", "year"]], at: j)
        else { return nil }
        var k = prefixEnd
        if symbol(k) == "'" { k += 1 }
        guard let found = fiscalYearNumbers(at: k, start: j) else { return nil }
        guard case .item(let item) = found.value, let year = item.year,
            let quarter = quarterNumber(at: found.end)
        else { return found }
        guard (1...4).contains(quarter.value) else { return notAQuarter(quarter.end - 2, quarter.end) }
        return self.item(.fiscalQuarter(quarter.value), year, end: quarter.end)
    }

    /// The numbers of a fiscal year at `k`: "2024-25", "24-25", "2024/25", "25", "2025".
    func fiscalYearNumbers(at k: Int, start: Int) -> Parsed<Point>? {
        guard let first = number(k, digits: 2...4), tokens[k].text.count != 3 else { return nil }
        let firstYear = first < 100 ? 2000 + first : first
        guard (1900...2100).contains(firstYear) else { return nil }
        if let separator = symbol(k + 1), ["-", "/"].contains(separator), let second = number(k + 2, digits: 2...4),
            tokens[k + 2].text.count != 3
        {
            var secondYear = second < 100 ? firstYear / 100 * 100 + second : second
            if second < 100 && secondYear < firstYear { secondYear += 100 }  // FY 2099-00
            guard secondYear == firstYear + 1 else {
                return Parsed(value: .problem("\(raw(start, k + 3)) is not a fiscal year"), end: k + 3)
            }
            return item(.fiscalYear, secondYear, end: k + 3)
        }
        return item(.fiscalYear, firstYear, end: k + 1)
    }

    /// "Q2" (the number, its end).
    func quarterNumber(at k: Int) -> Parsed<Int>? {
        guard isWord(k, ["q"]), glued(k + 1), let value = number(k + 1, digits: 1...1) else { return nil }
        return Parsed(value: value, end: k + 2)
    }

    func notAQuarter(_ start: Int, _ end: Int) -> Parsed<Point> {
        Parsed(value: .problem("\(raw(start, end)) is not a quarter"), end: end)
    }

    /// "Q2", "Q2 2025", "Q2'25", "2025 Q2", "second quarter of 2024", "quarter 3", "Q1 FY25".
    func quarter(at j: Int) -> Parsed<Point>? {
        var quarter: Parsed<Int>?
        if let q = quarterNumber(at: j) {
            quarter = q
        } else if let n = ordinal(at: j), isWord(n.end, ["quarter"]) {
            quarter = Parsed(value: n.value, end: n.end + 1)
        } else if isWord(j, ["quarter"]), let n = number(j + 1, digits: 1...1) {
            quarter = Parsed(value: n, end: j + 2)
        } else if let year = number(j, digits: 4...4), (1900...2100).contains(year) {
            // "2025 Q2", "2025-Q2"
            var k = j + 1
            if symbol(k) == "-" { k += 1 }
            guard let q = quarterNumber(at: k) else { return nil }
            guard (1...4).contains(q.value) else { return notAQuarter(k, q.end) }
            return item(.quarter(q.value), year, end: q.end)
        }
        guard let quarter else { return nil }
        guard (1...4).contains(quarter.value) else {
            // "Q5 2025" is one wrong phrase, not a wrong quarter and a year.
            return notAQuarter(j, yearSuffix(at: quarter.end, dashTwoDigits: true)?.end ?? quarter.end)
        }
        var k = quarter.end
        if isWord(k, ["of"]) || symbol(k) == "-" { k += 1 }
        if isWord(k, ["the"]) { k += 1 }
        if let fiscal = fiscalYear(at: k), case .item(let fy) = fiscal.value, case .fiscalYear = fy.kind {
            return item(.fiscalQuarter(quarter.value), fy.year, end: fiscal.end)
        }
        if let year = yearSuffix(at: quarter.end, dashTwoDigits: true) {
            return item(.quarter(quarter.value), year.value, end: year.end)
        }
        return item(.quarter(quarter.value), nil, end: quarter.end)
    }

    /// "H1", "H2 2024", "first half of 2025", "second half".
    func half(at j: Int) -> Parsed<Point>? {
        var half: Parsed<Int>?
        if isWord(j, ["h"]), glued(j + 1), let n = number(j + 1, digits: 1...1), (1...2).contains(n) {
            half = Parsed(value: n, end: j + 2)
        } else if let n = ordinal(at: j), (1...2).contains(n.value), isWord(n.end, ["half"]) {
            half = Parsed(value: n.value, end: n.end + 1)
        }
        guard let half else { return nil }
        if let year = yearSuffix(at: half.end, dashTwoDigits: true) {
            return item(.half(half.value), year.value, end: year.end)
        }
        return item(.half(half.value), nil, end: half.end)
    }

    /// "first", "second", or with digits "1st", "2nd".
    func ordinal(at j: Int) -> Parsed<Int>? {
        if let word = word(j), let n = Self.ordinals[word] { return Parsed(value: n, end: j + 1) }
        guard let n = number(j, digits: 1...1), isWord(j + 1, ["st", "nd", "rd", "th"]), glued(j + 1) else {
            return nil
        }
        return Parsed(value: n, end: j + 2)
    }

    /// "15 May", "15th May 2025", "1st of February", "15 May'25".
    func dayFirst(at j: Int) -> Parsed<Point>? {
        guard let dayNumber = number(j, digits: 1...2), dayNumber <= 31 else { return nil }
        var k = j + 1
        if isWord(k, ["st", "nd", "rd", "th"]), glued(k) { k += 1 }
        if isWord(k, ["of"]) { k += 1 }
        if symbol(k) == "-" || symbol(k) == "/" { k += 1 }  // "15-May-2025"
        guard let month = monthNumber(at: k) else { return nil }
        k += 1
        if let year = yearSuffix(at: k, dashTwoDigits: false) {
            return day(dayNumber, month: month, year: year.value, end: year.end)
        }
        return day(dayNumber, month: month, year: nil, end: k)
    }

    /// "March", "March 2024", "Mar 25", "Mar'25", "March-2025", "Feb 1, 2025", "May 15th".
    func monthFirst(at j: Int) -> Parsed<Point>? {
        guard let month = monthNumber(at: j) else { return nil }
        let k = j + 1
        // "Feb 1, 2025", "Feb 1 2025"
        if let dayNumber = number(k, digits: 1...2) {
            var e = k + 1
            let ordinal = isWord(e, ["st", "nd", "rd", "th"]) && glued(e)
            if ordinal { e += 1 }
            var yearAt = e
            if symbol(yearAt) == "," { yearAt += 1 }
            if let year = number(yearAt, digits: 4...4), (1900...2100).contains(year) {
                return day(dayNumber, month: month, year: year, end: yearAt + 1)
            }
            if ordinal || tokens[k].text.count == 1 {
                return day(dayNumber, month: month, year: nil, end: e)
            }
        }
        if let year = yearSuffix(at: k, dashTwoDigits: true) { return item(.month(month), year.value, end: year.end) }
        // "Mar 25" is March 2025 when that year is the as-of year or one of the three before
        // it (and not "on Mar 25"); otherwise the 25th ("May 15" is 15 May).
        if let two = number(k, digits: 2...2), !tokens[k].glued {
            if (today.year - 3...today.year).contains(2000 + two) && !isWord(j - 1, ["on"]) {
                return item(.month(month), 2000 + two, end: k + 1)
            }
            if two <= 31 { return day(two, month: month, year: nil, end: k + 1) }
        }
        // "may" is usually the verb: a month only after a time word, before a number, or
        // opening the question ("May sales", but not "May I see…").
        if tokens[j].text == "may" && !isWord(j - 1, Self.yearContext.union(["last", "this", "early", "late", "mid"])) {
            let opensQuestion =
                j == 0 && !isWord(j + 1, ["i", "we", "you", "they", "he", "she", "it", "be", "have", "not"])
            if !opensQuestion { return nil }
        }
        return item(.month(month), nil, end: k)
    }

    func monthNumber(at k: Int) -> Int? { word(k).flatMap { Self.months[$0] } }

    /// A year after a month, quarter or day: "2025", "of 2025", ", 2025", "'25", "-2025", and
    /// when `dashTwoDigits` "-25".
    func yearSuffix(at k: Int, dashTwoDigits: Bool) -> Parsed<Int>? {
        var start = k
        if isWord(start, ["of"]) || symbol(start) == "," { start += 1 }
        if let year = number(start, digits: 4...4), (1900...2100).contains(year) {
            return Parsed(value: year, end: start + 1)
        }
        guard start == k, let mark = symbol(k), glued(k + 1) else { return nil }
        if mark == "'", let two = number(k + 1, digits: 2...2) { return Parsed(value: 2000 + two, end: k + 2) }
        if mark == "-" || mark == "/" {
            if let year = number(k + 1, digits: 4...4), (1900...2100).contains(year) {
                return Parsed(value: year, end: k + 2)
            }
            if dashTwoDigits, let two = number(k + 1, digits: 2...2) { return Parsed(value: 2000 + two, end: k + 2) }
        }
        return nil
    }

    /// "2024" as a year only where it clearly is one: after "in", "for", "year", "since"…,
    /// before "vs", or ending the question; "2024-25" likewise as a fiscal year. A number
    /// inside a product name ("Bingo 2024 pack", "top 5") is left alone.
    func year(at j: Int) -> Parsed<Point>? {
        var k = j
        var prefixed = false
        if let end = longestMatch([["year"], ["calendar", "year"], ["cy"]], at: k), number(end, digits: 4...4) != nil {
            k = end
            prefixed = true
        }
        guard let year = number(k, digits: 4...4), (1900...2100).contains(year) else { return nil }
        // Glued to a word ("X2024") it is part of a name, unless the word is "CY".
        if tokens[k].glued && !(prefixed && isWord(k - 1, ["cy"])) && k > 0 && tokens[k - 1].kind == .word {
            return nil
        }
        var end = k + 1
        var kind = Item.Kind.year
        var named = year
        if let separator = symbol(end), ["-", "/"].contains(separator), glued(end), glued(end + 1),
            let next = number(end + 1, digits: 2...2), next == (year + 1) % 100
        {
            end += 2
            kind = .fiscalYear
            named = year + 1
        }
        // "vs. 2024": the full stop of an abbreviation does not hide the word.
        let before = symbol(j - 1) == "." ? j - 2 : j - 1
        let clear =
            prefixed || isWord(before, Self.yearContext) || isWord(end, ["vs", "versus", "compared", "against"])
            || tokens[end...].allSatisfy { $0.kind == .symbol }
        guard clear else { return nil }
        return item(kind, named, end: end)
    }

    // MARK: - Tokens

    func word(_ i: Int) -> String? { i >= 0 && i < tokens.count && tokens[i].kind == .word ? tokens[i].text : nil }

    func isWord(_ i: Int, _ words: Set<String>) -> Bool { word(i).map(words.contains) ?? false }

    func symbol(_ i: Int) -> String? { i >= 0 && i < tokens.count && tokens[i].kind == .symbol ? tokens[i].text : nil }

    func isSymbol(_ i: Int, _ symbols: Set<String>) -> Bool { symbol(i).map(symbols.contains) ?? false }

    /// The value of a number token with a digit count in `digits`.
    func number(_ i: Int, digits: ClosedRange<Int>) -> Int? {
        guard i >= 0, i < tokens.count, tokens[i].kind == .number, digits.contains(tokens[i].text.count) else {
            return nil
        }
        return tokens[i].value
    }

    /// True when token `i` exists and touches the one before it.
    func glued(_ i: Int) -> Bool { i < tokens.count && tokens[i].glued }

    /// The end of `words` matched at `i`; a hyphen may join them ("year-to-date", "y-o-y").
    func match(_ words: [String], at i: Int) -> Int? {
        var k = i
        for (n, expected) in words.enumerated() {
            if n > 0, expected != "-", symbol(k) == "-" { k += 1 }
            guard k < tokens.count, tokens[k].text == expected else { return nil }
            k += 1
        }
        return k
    }

    func longestMatch(_ phrases: [[String]], at i: Int) -> Int? {
        phrases.compactMap { match($0, at: i) }.max()
    }

    /// The question's text from token `a` to token `b` (exclusive).
    func span(_ a: Int, _ b: Int) -> Range<String.Index> { tokens[a].range.lowerBound..<tokens[b - 1].range.upperBound }

    func raw(_ a: Int, _ b: Int) -> String { String(question[span(a, b)]) }
}
