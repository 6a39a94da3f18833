import Foundation
import Semantic
import Visualization
import Warehouse

/// Days off the norm, trends starting or ending, record weeks.
struct PatternDetectors {
    let context: DetectionContext

    /// A daily series to judge: the territory's total, a territory one level down, or a brand.
    struct Series {
        var kind: String
        var name: String
        /// The member and value that narrow a query to it (none for the territory itself).
        var filter: (member: String, value: String)?
        var values: [Double]
        var window: DayWindow
    }

    func dailySeries(includeBrands: Bool = true) -> [Series] {
        let view = context.view
        var series = [
            Series(kind: view.territory?.level ?? "Tenant", name: context.scopeName, filter: nil, values: view.netSales, window: view.history)
        ]
        for (child, values) in Array(zip(view.children, view.childNetSales)) + Array(zip(view.states, view.stateNetSales)) {
            series.append(
                Series(kind: child.level, name: child.name, filter: (DetectionContext.member(forLevel: child.level), child.name),
                    values: values, window: view.history))
        }
        guard includeBrands else { return series }
        // Brands over the `recent` window, which holds what their days and trends are judged
        // on (records are the territory's own): the whole tenant's sum every city's.
        for brand in view.brandNetSalesRecent {
            series.append(
                Series(kind: "Brand", name: brand.name, filter: ("Products.brand", brand.name), values: brand.values,
                    window: view.recent))
        }
        return series
    }

    private func subject(_ series: Series) -> String {
        series.filter == nil ? context.scopeSubject : "\(series.kind):\(series.name)"
    }

    // MARK: Unusual day

    /// How far the as-of day lies from its baseline, in (robust) standard deviations, with
    /// the level expected for its weekday.
    func deviation(of series: Series) -> (z: Double, expected: Double, actual: Double)? {
        let settings = context.settings
        guard let index = series.window.index(of: context.asOf), index >= settings.unusualDayBaselineDays else { return nil }
        let baselineRange = (index - settings.unusualDayBaselineDays)..<index
        let baseline = Array(series.values[baselineRange])
        let weekdays = baselineRange.map { series.window.date(at: $0).isoWeekday - 1 }
        let factors =
            settings.weekdaySeasonality
            ? SeriesStatistics.weekdayFactors(values: baseline, weekdays: weekdays) : [Double](repeating: 1, count: 7)
        let adjusted = zip(baseline, weekdays).map { $0 / factors[$1] }
        let center: Double
        let scale: Double
        switch settings.unusualDayBaseline {
        case .robust:
            center = SeriesStatistics.median(adjusted)
            scale = SeriesStatistics.scaledMAD(adjusted)
        case .meanStandardDeviation:
            center = SeriesStatistics.mean(adjusted)
            scale = SeriesStatistics.standardDeviation(adjusted)
        }
        // A series that is nearly always zero has no scale to judge by.
        guard center > 0, scale > 0.02 * center else { return nil }
        let factor = factors[context.asOf.isoWeekday - 1]
        let actual = series.values[index]
        return ((actual / factor - center) / scale, center * factor, actual)
    }

    func unusualDays() -> [Finding] {
        let settings = context.settings
        return dailySeries().compactMap { series in
            guard let (z, expected, actual) = deviation(of: series), abs(z) >= settings.unusualDaySigma else { return nil }
            let spike = z > 0
            let weekday = weekdayNames[context.asOf.isoWeekday - 1]
            let of = series.filter == nil ? "in \(series.name)" : "of \(series.name)"
            let multiple = expected > 0 ? actual / expected : 0
            let size =
                multiple >= 1.5 ? "\(context.format.ratio(multiple)) a usual \(weekday)"
                : "\(context.format.percent((actual - expected) / max(expected, 1) * 100).dropFirst()) \(spike ? "above" : "below") a usual \(weekday)"
            let method = settings.unusualDayBaseline == .robust ? "robust standard deviations" : "standard deviations"
            let from = context.asOf.adding(days: -27)
            var filters: [(String, String)] = []
            if let filter = series.filter { filters.append((filter.member, filter.value)) }
            let start = max(0, series.window.index(of: from) ?? 0)
            let end = series.window.index(of: context.asOf)!
            let own = series.filter == nil
            return Finding(
                insight: Insight(
                    context: context, type: .unusualDay, idParts: [series.kind, series.name, context.asOf.description],
                    subject: subject(series),
                    title: "Unusual \(spike ? "spike" : "drop") \(of) on \(InsightFormat.day(context.asOf))",
                    text:
                        "Net sales \(of) on \(weekday) \(InsightFormat.day(context.asOf)) were \(context.format.money(actual)), \(size) (\(context.format.money(expected))): \(InsightFormat.decimal(abs(z), places: 1)) \(method) \(spike ? "above" : "below") normal.",
                    tone: spike ? .positive : .negative,
                    priority: 40 + 8 * min(abs(z) - settings.unusualDaySigma, 5) + (own ? 5 : 0), from: context.asOf,
                    to: context.asOf,
                    query: context.dailyQuery(measures: ["Transactions.netSales"], from: from, to: context.asOf, filters: filters),
                    values: [
                        .init(name: "net sales on \(context.asOf)", value: actual),
                        .init(name: "expected for a \(weekday)", value: expected), .init(name: "deviations", value: z),
                    ],
                    chart: ChartConfiguration(
                        type: .line, title: "Daily net sales \(of), last 4 weeks",
                        labels: (start...end).map { InsightFormat.day(series.window.date(at: $0)) },
                        datasets: [.init(label: "Net sales", data: (start...end).map { series.values[$0] })]),
                    followUp: series.filter.map { "net sales by day of \($0.value) last 4 weeks" } ?? "net sales by brand yesterday"),
                mergeKey: "day:\(subject(series))",
                clause: "an unusual \(spike ? "spike" : "drop") on \(InsightFormat.day(context.asOf))",
                signals: [
                    DetectedSignal(
                        type: .unusualDay, kind: series.kind, name: series.name, date: context.asOf.description,
                        direction: spike ? 1 : -1)
                ])
        }
    }

    // MARK: Trends and records

    /// Net sales of whole weeks ending on the as-of day, oldest first.
    func weeklyTotals(_ series: Series, weeks: Int) -> [Double]? {
        guard let end = series.window.index(of: context.asOf) else { return nil }
        return weeklyTotals(series, weeks: weeks, endingAt: end)
    }

    /// Net sales of whole weeks ending on the day at index `end` of the series, oldest first.
    func weeklyTotals(_ series: Series, weeks: Int, endingAt end: Int) -> [Double]? {
        guard end + 1 >= weeks * 7, end < series.values.count else { return nil }
        return (0..<weeks).reversed().map { back in
            let last = end - 7 * back
            return series.values[(last - 6)...last].reduce(0, +)
        }
    }

    func trendChanges() -> [Finding] {
        let settings = context.settings
        let weeks = settings.trendWeeks
        let threshold = settings.trendWeeklyPercent / 100
        return dailySeries().compactMap { series -> Finding? in
            guard let totals = weeklyTotals(series, weeks: 2 * weeks), totals.allSatisfy({ $0 > 0 }) else { return nil }
            let logs = totals.map { Foundation.log($0) }
            let recent = SeriesStatistics.linearFit(Array(logs[weeks...]))
            let prior = SeriesStatistics.linearFit(Array(logs[..<weeks]))
            let rate = exp(recent.slope) - 1
            let priorRate = exp(prior.slope) - 1
            // A trend whose start falls inside the earlier window leaves it half as steep: a change
            // of half the threshold already tells a new trend from one that has run all along.
            let started = abs(rate) >= threshold && recent.rSquared >= settings.trendMinimumFit && abs(rate - priorRate) >= threshold / 2
            let ended =
                !started && abs(priorRate) >= threshold && prior.rSquared >= settings.trendMinimumFit
                && abs(rate) < threshold / 2 && abs(rate - priorRate) >= threshold
            guard started || ended else { return nil }
            let of = series.filter == nil ? "Net sales in \(series.name)" : "\(series.name)"
            let first = totals[weeks]
            let last = totals[totals.count - 1]
            let text: String
            let title: String
            if started {
                title = "\(series.name) \(rate > 0 ? "growing" : "shrinking") \(context.format.percent(abs(rate) * 100).dropFirst()) a week"
                text =
                    "\(of) has been \(rate > 0 ? "growing" : "shrinking") \(context.format.percent(abs(rate) * 100).dropFirst()) a week for \(weeks) weeks (\(context.format.money(first)) to \(context.format.money(last)) a week), after \(abs(priorRate) < threshold ? "a flat run" : "\(context.format.percent(priorRate * 100)) a week") before."
            } else {
                title = "\(series.name) has levelled off"
                text =
                    "\(of) has levelled off at \(context.format.money(last)) a week (\(context.format.percent(rate * 100)) a week over \(weeks) weeks) after \(weeks) weeks of \(context.format.percent(priorRate * 100)) a week."
            }
            var filters: [(String, String)] = []
            if let filter = series.filter { filters.append((filter.member, filter.value)) }
            let from = context.asOf.adding(days: -(14 * weeks) + 1)
            let direction = started ? (rate > 0 ? 1 : -1) : (priorRate > 0 ? -1 : 1)
            return Finding(
                insight: Insight(
                    context: context, type: .trendChange, idParts: [series.kind, series.name, started ? "started" : "ended", context.asOf.description],
                    subject: subject(series), title: title, text: text,
                    tone: started ? (rate > 0 ? .positive : .negative) : .neutral,
                    priority: started ? 48 + min(32, 5 * abs(rate) * 100) : 38, from: from, to: context.asOf,
                    // By day: the weeks end on the as-of day, not on ISO weeks' Sundays.
                    query: context.dailyQuery(measures: ["Transactions.netSales"], from: from, to: context.asOf, filters: filters),
                    values: [
                        .init(name: "weekly change, last \(weeks) weeks (percent)", value: rate * 100),
                        .init(name: "weekly change, \(weeks) weeks before (percent)", value: priorRate * 100),
                        .init(name: "net sales, latest week", value: last),
                    ],
                    chart: ChartConfiguration(
                        type: .line, title: "Weekly net sales of \(series.name)",
                        labels: (0..<totals.count).reversed().map { "to \(InsightFormat.day(context.asOf.adding(days: -7 * $0)))" },
                        datasets: [.init(label: "Net sales", data: totals)]),
                    followUp: series.filter.map { "weekly net sales of \($0.value) last 12 weeks" } ?? "net sales by week last 12 weeks"),
                mergeKey: "trend:\(subject(series))",
                clause: started ? "a trend of \(context.format.percent(rate * 100)) a week" : "a levelled-off trend",
                signals: [
                    DetectedSignal(type: .trendChange, kind: series.kind, name: series.name, date: context.asOf.description, direction: direction)
                ])
        }
    }

    /// A record on the week ending at `end` (a day index of `series`): the latest week
    /// above every earlier one of `weeks` (up to `recordWeeks`, as many as the data holds
    /// when `nil`), or below every one (and not zero).
    private func record(_ series: Series, endingAt end: Int, weeks: Int? = nil)
        -> (high: Bool, available: Int, totals: [Double], latest: Double, previous: Double)?
    {
        let available = weeks ?? min(context.settings.recordWeeks, (end + 1) / 7)
        // Half a year at least, or "best week" means little.
        guard available >= 26, let totals = weeklyTotals(series, weeks: available, endingAt: end) else { return nil }
        let latest = totals[totals.count - 1]
        let earlier = totals.dropLast()
        guard let best = earlier.max(), let worst = earlier.min(), best > 0, worst > 0, latest > best || (latest < worst && latest > 0)
        else { return nil }
        return (latest > best, available, totals, latest, latest > best ? best : worst)
    }

    /// Record days of one direction with up to this many days without a record between
    /// them still make one episode: a slump whose weekly total wobbles around its low is
    /// one alert, not one each time it dips.
    static let recordEpisodeGap = 3
    /// How far back a record's episode is looked for; one older is of unknown start. The
    /// digest's history reaches this far beyond a year, so that every day looked at is
    /// judged against as many weeks as the as-of day.
    static let recordEpisodeDays = 56

    /// The first day of the run of record weeks (of the same direction) that reaches the
    /// as-of day, each judged against `weeks` weeks; `nil` when it reaches back further than
    /// ``recordEpisodeDays`` or than the data.
    private func recordStart(_ series: Series, at index: Int, high: Bool, weeks: Int) -> SQLDate? {
        var start = index
        var day = index - 1
        while start - day <= Self.recordEpisodeGap + 1 {
            // A day whose weeks reach before the window cannot be judged: the start is unknown.
            guard day >= 0, day + 1 >= weeks * 7 else { return nil }
            if let found = record(series, endingAt: day, weeks: weeks), found.high == high {
                if index - day > Self.recordEpisodeDays { return nil }
                start = day
            }
            day -= 1
        }
        return series.window.date(at: start)
    }

    /// The territory's best or weakest week of the last `recordWeeks`. A run of record weeks
    /// is one finding: its id names the day the run began, so an alert for a slump is pushed
    /// once, not on every day it lasts.
    func records() -> [Finding] {
        let series = dailySeries(includeBrands: false)[0]
        guard let index = series.window.index(of: context.asOf), let found = record(series, endingAt: index) else { return [] }
        let (high, available, totals, latest, other) = found
        let earlier = totals.dropLast()
        let episode = recordStart(series, at: index, high: high, weeks: available)?.description ?? Finding.episodeOfUnknownStart
        let otherIndex = earlier.firstIndex(of: other)!
        let otherEnd = context.asOf.adding(days: -7 * (totals.count - 1 - otherIndex))
        let change = (latest - other) / other * 100
        let from = context.asOf.adding(days: -(7 * available) + 1)
        return [
            Finding(
                insight: Insight(
                    context: context, type: .record, idParts: [high ? "high" : "low", episode],
                    title: "\(high ? "Best" : "Weakest") week in \(available) weeks",
                    text:
                        "The week to \(InsightFormat.day(context.asOf)) was \(context.scopeName)'s \(high ? "best" : "weakest") in \(available) weeks: \(context.format.money(latest)) of net sales, \(context.format.percent(abs(change)).dropFirst()) \(high ? "above the previous best" : "below the previous low") (the week to \(InsightFormat.day(otherEnd)))."
                    ,
                    tone: high ? .positive : .negative, priority: high ? 55 : 58, from: from, to: context.asOf,
                    // By day: the weeks end on the as-of day, not on ISO weeks' Sundays.
                    query: context.dailyQuery(measures: ["Transactions.netSales"], from: from, to: context.asOf),
                    values: [.init(name: "net sales, latest week", value: latest), .init(name: high ? "previous best week" : "previous lowest week", value: other)],
                    chart: ChartConfiguration(
                        type: .line, title: "Weekly net sales, last \(available) weeks",
                        labels: (0..<totals.count).reversed().map { "to \(InsightFormat.day(context.asOf.adding(days: -7 * $0)))" },
                        datasets: [.init(label: "Net sales", data: totals)]),
                    followUp: "net sales by week last 12 weeks"),
                mergeKey: "change:wow", clause: "its \(high ? "best" : "weakest") week in \(available)", signals: [])
        ]
    }

    private let weekdayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
}
