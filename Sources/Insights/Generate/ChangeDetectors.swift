import Foundation
import Semantic
import Visualization
import Warehouse

/// Two periods compared: the week to the day against the week before, or the month to
/// date against the same days of last month.
struct ComparedPeriods: Sendable {
    var key: String
    /// "week over week".
    var phrase: String
    /// "the week to 6 Dec".
    var currentName: String
    var previousName: String
    var current: (from: SQLDate, to: SQLDate)
    var previous: (from: SQLDate, to: SQLDate)

    static func all(asOf: SQLDate) -> [ComparedPeriods] {
        let (year, month, day) = asOf.components
        let monthStart = SQLDate(year: year, month: month, day: 1)!
        let previousMonthStart = month == 1 ? SQLDate(year: year - 1, month: 12, day: 1)! : SQLDate(year: year, month: month - 1, day: 1)!
        let previousComponents = previousMonthStart.components
        let previousLength = SQLDate.daysIn(month: previousComponents.month, year: previousComponents.year)
        let previousDays = min(day, previousLength)
        let previousName =
            previousDays == day
            ? "the same days of \(InsightFormat.monthName(previousComponents.month))"
            : "all \(previousDays) days of \(InsightFormat.monthName(previousComponents.month))"
        return [
            ComparedPeriods(
                key: "wow", phrase: "week over week", currentName: "the week to \(InsightFormat.day(asOf))",
                previousName: "the week before", current: (asOf.adding(days: -6), asOf),
                previous: (asOf.adding(days: -13), asOf.adding(days: -7))),
            ComparedPeriods(
                key: "mom", phrase: "month over month",
                currentName: "\(InsightFormat.monthName(month)) to the \(day)\(ordinalSuffix(day))",
                previousName: previousName,
                current: (monthStart, asOf),
                previous: (previousMonthStart, previousMonthStart.adding(days: min(day, previousLength) - 1))),
        ]
    }

    static func ordinalSuffix(_ day: Int) -> String {
        if (11...13).contains(day % 100) { return "th" }
        switch day % 10 {
        case 1: return "st"
        case 2: return "nd"
        case 3: return "rd"
        default: return "th"
        }
    }
}

/// Period-over-period change of net sales, volume and buying outlets; what drove it; who
/// leads and lags; where the month closes.
struct ChangeDetectors {
    let context: DetectionContext

    private struct Metric {
        var measure: String
        var name: String
        var format: (Double) -> String
        var values: (DayWindow, SQLDate, SQLDate) -> Double
    }

    private func metrics() -> [Metric] {
        let view = context.view
        return [
            Metric(measure: "Transactions.netSales", name: "net sales", format: context.format.money) { window, from, to in
                ScopeView.total(view.netSales, in: window, from: from, to: to)
            },
            Metric(measure: "Transactions.totalQuantity", name: "volume", format: context.format.units) { window, from, to in
                ScopeView.total(view.quantity, in: window, from: from, to: to)
            },
            Metric(measure: "Transactions.uniqueCustomers", name: "buying outlets", format: context.format.count) { _, from, to in
                Double(buyingOutlets(from: from, to: to))
            },
        ]
    }

    func buyingOutlets(from: SQLDate, to: SQLDate) -> Int {
        let data = context.view.data
        let window = data.windows.outlets
        guard let first = window.index(of: max(from, window.start)), let last = window.index(of: min(to, window.end)) else {
            return 0
        }
        return context.view.outlets.reduce(0) { count, outlet in
            let purchases = data.purchases[outlet]
            // Purchases are in day order: find the first on or after `first`.
            var low = 0
            var high = purchases.count
            while low < high {
                let middle = (low + high) / 2
                if purchases[middle].day < first { low = middle + 1 } else { high = middle }
            }
            return count + (low < purchases.count && purchases[low].day <= last ? 1 : 0)
        }
    }

    func periodChanges() -> [Finding] {
        var findings: [Finding] = []
        let history = context.view.history
        for periods in ComparedPeriods.all(asOf: context.asOf) {
            guard history.index(of: periods.previous.from) != nil else { continue }
            for metric in metrics() {
                let current = metric.values(history, periods.current.from, periods.current.to)
                let previous = metric.values(history, periods.previous.from, periods.previous.to)
                guard previous > 0 else { continue }
                let change = (current - previous) / previous * 100
                let isNetSales = metric.measure == "Transactions.netSales"
                guard isNetSales || abs(change) >= context.settings.minimumChangePercent else { continue }
                let verb = change >= 0 ? "rose" : "fell"
                let headline = "\(metric.name.prefix(1).uppercased())\(metric.name.dropFirst()) \(change >= 0 ? "up" : "down") \(context.format.percent(change).dropFirst()) \(periods.phrase)"
                let text =
                    "\(metric.name.prefix(1).uppercased())\(metric.name.dropFirst()) in \(context.scopeName) \(verb) \(context.format.percent(abs(change)).dropFirst()) to \(metric.format(current)) in \(periods.currentName), from \(metric.format(previous)) in \(periods.previousName)."
                let weeks = periods.key == "wow" ? weeklyTotals(metric: metric, weeks: 8) : []
                let chart: ChartConfiguration =
                    periods.key == "wow"
                    ? ChartConfiguration(
                        type: .bar, title: "\(metric.name.capitalized), last 8 weeks", labels: weeks.map(\.label),
                        datasets: [.init(label: metric.name.capitalized, data: weeks.map(\.value))])
                    : ChartConfiguration(
                        type: .bar, title: "\(metric.name.capitalized), \(periods.phrase)",
                        labels: [periods.previousName, periods.currentName],
                        datasets: [.init(label: metric.name.capitalized, data: [previous, current])])
                // By day: ISO weeks and calendar months do not line up with the compared
                // periods (the week to a Tuesday, the same days of a longer month), so only
                // daily rows add up to the two totals quoted.
                let query = context.dailyQuery(
                    measures: [metric.measure], from: periods.previous.from, to: periods.current.to, granularity: .day)
                findings.append(
                    Finding(
                        insight: Insight(
                            context: context, type: .periodChange, idParts: [metric.measure, periods.key, context.asOf.description],
                            title: headline, text: text, tone: context.tone(change: change, measure: metric.measure),
                            priority: (isNetSales ? 22 : 18) + min(48, 2.4 * abs(change)), from: periods.previous.from,
                            to: periods.current.to, query: query,
                            values: [
                                .init(name: "\(metric.name), \(periods.currentName)", value: current),
                                .init(name: "\(metric.name), \(periods.previousName)", value: previous),
                                .init(name: "change, percent", value: change),
                            ],
                            chart: chart,
                            followUp: "\(metric.measure == "Transactions.totalQuantity" ? "quantity" : "net sales") by brand \(periods.key == "wow" ? "last 7 days" : "this month")"),
                        mergeKey: "change:\(periods.key)",
                        clause: "\(metric.name) \(verb) \(context.format.percent(abs(change)).dropFirst())",
                        signals: []))
            }
        }
        return findings
    }

    private func weeklyTotals(metric: Metric, weeks: Int) -> [(label: String, value: Double?)] {
        let history = context.view.history
        return (0..<weeks).reversed().compactMap { back in
            let to = context.asOf.adding(days: -7 * back)
            let from = to.adding(days: -6)
            guard history.index(of: from) != nil else { return nil }
            return ("to \(InsightFormat.day(to))", metric.values(history, from, to))
        }
    }

    /// The brands, territories and distributors that moved net sales most, for each compared
    /// period whose change is news.
    func drivers() -> [Finding] {
        var findings: [Finding] = []
        let view = context.view
        let recent = view.recent
        let brandSeries = view.brandNetSalesRecent
        let accountSeries = view.accountNetSalesRecent
        for periods in ComparedPeriods.all(asOf: context.asOf) {
            guard recent.index(of: periods.previous.from) != nil else { continue }
            let current = ScopeView.total(view.netSales, in: view.history, from: periods.current.from, to: periods.current.to)
            let previous = ScopeView.total(view.netSales, in: view.history, from: periods.previous.from, to: periods.previous.to)
            guard previous > 0 else { continue }
            let change = (current - previous) / previous * 100
            guard abs(change) >= context.settings.minimumChangePercent else { continue }
            let delta = current - previous
            func deltas(_ series: [(String, [Double], DayWindow, String?)]) -> [(name: String, delta: Double, key: String?)] {
                series.map { name, values, window, key in
                    (name, ScopeView.total(values, in: window, from: periods.current.from, to: periods.current.to)
                        - ScopeView.total(values, in: window, from: periods.previous.from, to: periods.previous.to), key)
                }
                .sorted { delta >= 0 ? $0.delta > $1.delta : $0.delta < $1.delta }
            }
            let groups: [(kind: String, member: String, items: [(name: String, delta: Double, key: String?)])] = [
                ("brand", "Products.brand", deltas(brandSeries.map { ($0.name, $0.values, recent, nil) })),
                (view.children.first?.level.lowercased() ?? "", view.children.first.map { DetectionContext.member(forLevel: $0.level) } ?? "",
                    view.children.count > 1 ? deltas(view.children.map { ($0.name, view.netSales(of: $0), view.history, nil) }) : []),
                ("distributor", "Accounts.accountName",
                    accountSeries.count > 1
                        ? deltas(accountSeries.map { (view.data.accounts[$0.key].name, $0.value, recent, String(view.data.accounts[$0.key].id)) })
                        : []),
            ]
            for group in groups where !group.items.isEmpty {
                let top = group.items.prefix(2).filter { ($0.delta >= 0) == (delta >= 0) && $0.delta != 0 }
                guard let leader = top.first else { continue }
                let share = delta == 0 ? 0 : leader.delta / delta
                let names = top.map { "\($0.name) (\(context.format.money($0.delta)))" }.joined(separator: " and ")
                let against = group.items.last.flatMap { ($0.delta >= 0) != (delta >= 0) && $0.delta != 0 ? $0 : nil }
                var text =
                    "Behind the \(context.format.percent(change)) \(periods.phrase) change in \(context.scopeName)'s net sales: \(names) by \(group.kind)"
                if let against { text += "; \(against.name) moved the other way (\(context.format.money(against.delta)))" }
                text += "."
                // By day, as the period change's query (a month of days by distributor for a
                // whole tenant passes Cube's default 10,000 rows: ask for its maximum).
                // Distributors by id as well: names repeat across cities.
                var query = context.dailyQuery(
                    measures: ["Transactions.netSales"],
                    dimensions: [group.member] + (group.member == "Accounts.accountName" ? ["Accounts.accountId"] : []),
                    from: periods.previous.from, to: periods.current.to)
                query.limit = QueryCompiler.maximumLimit
                let shown = Array(group.items.prefix(5)) + (group.items.count > 5 ? [group.items[group.items.count - 1]] : [])
                findings.append(
                    Finding(
                        insight: Insight(
                            context: context, type: .changeDrivers, idParts: [group.kind, periods.key, context.asOf.description],
                            title: "\(leader.name) drove the \(periods.phrase) \(delta >= 0 ? "rise" : "fall")", text: text,
                            tone: context.tone(change: change, measure: "Transactions.netSales"),
                            priority: 26 + min(30, abs(change) * 1.5) + min(10, abs(share) * 10),
                            from: periods.previous.from, to: periods.current.to, query: query,
                            values: top.map { .init(name: "\($0.name), change in net sales", value: $0.delta, key: $0.key) }
                                + [.init(name: "total change in net sales", value: delta)],
                            chart: ChartConfiguration(
                                type: .bar, title: "Change in net sales by \(group.kind), \(periods.phrase)",
                                labels: shown.map(\.name), datasets: [.init(label: "Change in net sales", data: shown.map(\.delta))]),
                            followUp: "net sales by \(group.kind == "distributor" ? "distributor" : group.kind) \(periods.key == "wow" ? "last 7 days" : "this month")"),
                        // The drivers explain the change: one insight, not two.
                        mergeKey: "change:\(periods.key)",
                        clause: "by \(group.kind), \(names)\(against.map { "; \($0.name) the other way (\(context.format.money($0.delta)))" } ?? "")",
                        signals: []))
            }
        }
        return findings
    }

    /// The fastest and slowest growing territories one level down, month to date.
    func leadersAndLaggards() -> [Finding] {
        let view = context.view
        guard view.children.count >= 2,
            let periods = ComparedPeriods.all(asOf: context.asOf).first(where: { $0.key == "mom" }),
            view.history.index(of: periods.previous.from) != nil
        else { return [] }
        let scopeTotal = ScopeView.total(view.netSales, in: view.history, from: periods.previous.from, to: periods.previous.to)
        let growth: [(name: String, change: Double, current: Double)] = view.children.compactMap { child in
            let values = view.netSales(of: child)
            let current = ScopeView.total(values, in: view.history, from: periods.current.from, to: periods.current.to)
            let previous = ScopeView.total(values, in: view.history, from: periods.previous.from, to: periods.previous.to)
            // Tiny territories swing wildly; rank only those with at least 2 % of the sales.
            guard previous > 0, previous >= 0.02 * scopeTotal else { return nil }
            return (child.name, (current - previous) / previous * 100, current)
        }
        .sorted { $0.change > $1.change }
        guard growth.count >= 2, let leader = growth.first, let laggard = growth.last else { return [] }
        let level = view.children[0].level
        let spread = leader.change - laggard.change
        guard spread >= context.settings.minimumChangePercent else { return [] }
        let member = DetectionContext.member(forLevel: level)
        return [
            Finding(
                insight: Insight(
                    context: context, type: .leadersAndLaggards, idParts: [context.asOf.description],
                    title: "\(leader.name) leads, \(laggard.name) lags",
                    text:
                        "Month to date, \(leader.name) leads \(context.scopeName)'s \(level == "City" ? "cities" : "\(level.lowercased())s") at \(context.format.percent(leader.change)) on last month's same days, while \(laggard.name) lags at \(context.format.percent(laggard.change)).",
                    tone: laggard.change <= -context.settings.minimumChangePercent ? .warning : .neutral,
                    priority: 24 + min(36, spread * 0.8), from: periods.previous.from, to: periods.current.to,
                    query: context.dailyQuery(
                        measures: ["Transactions.netSales"], dimensions: [member], from: periods.previous.from,
                        to: periods.current.to),
                    values: [
                        .init(name: "\(leader.name), change percent", value: leader.change),
                        .init(name: "\(laggard.name), change percent", value: laggard.change),
                    ],
                    chart: ChartConfiguration(
                        type: .bar, title: "Net sales growth by \(level.lowercased()), month to date (%)",
                        labels: growth.map(\.name), datasets: [.init(label: "Change, %", data: growth.map(\.change))]),
                    followUp: "net sales by \(level.lowercased()) this month"),
                mergeKey: nil, clause: "\(leader.name) leads and \(laggard.name) lags", signals: [])
        ]
    }

    /// Where the month closes at the current pace, each remaining day weighted by its
    /// weekday's usual share, against last month's total.
    func monthEndProjection() -> [Finding] {
        let view = context.view
        let history = view.history
        let (year, month, day) = context.asOf.components
        let length = SQLDate.daysIn(month: month, year: year)
        guard day >= 7, day < length else { return [] }
        let monthStart = SQLDate(year: year, month: month, day: 1)!
        let previousStart = month == 1 ? SQLDate(year: year - 1, month: 12, day: 1)! : SQLDate(year: year, month: month - 1, day: 1)!
        guard history.index(of: previousStart) != nil, let asOfIndex = history.index(of: context.asOf) else { return [] }
        let baselineStart = max(0, asOfIndex - 55)
        let baseline = Array(view.netSales[baselineStart...asOfIndex])
        let weekdays = (baselineStart...asOfIndex).map { history.date(at: $0).isoWeekday - 1 }
        let factors =
            context.settings.weekdaySeasonality
            ? SeriesStatistics.weekdayFactors(values: baseline, weekdays: weekdays) : [Double](repeating: 1, count: 7)
        let monthToDate = ScopeView.total(view.netSales, in: history, from: monthStart, to: context.asOf)
        let elapsedWeight = (0..<day).reduce(0.0) { $0 + factors[monthStart.adding(days: $1).isoWeekday - 1] }
        guard elapsedWeight > 0, monthToDate > 0 else { return [] }
        let level = monthToDate / elapsedWeight
        let remainingWeight = (day..<length).reduce(0.0) { $0 + factors[monthStart.adding(days: $1).isoWeekday - 1] }
        let projected = monthToDate + level * remainingWeight
        let previous = ScopeView.total(view.netSales, in: history, from: previousStart, to: monthStart.adding(days: -1))
        guard previous > 0 else { return [] }
        let change = (projected - previous) / previous * 100
        let monthName = InsightFormat.monthName(month)
        let previousName = InsightFormat.monthName(previousStart.components.month)
        let direction =
            abs(change) < 0.5 ? "level with" : change > 0 ? "\(context.format.percent(change).dropFirst()) above" : "\(context.format.percent(change).dropFirst()) below"
        return [
            Finding(
                insight: Insight(
                    context: context, type: .monthEndProjection, idParts: [context.asOf.description],
                    title: "\(monthName) heading for \(context.format.money(projected))",
                    text:
                        "At this pace \(monthName) closes \(direction) \(previousName) in \(context.scopeName): \(context.format.money(projected)) against \(context.format.money(previous)), with \(context.format.money(monthToDate)) booked in \(day) of \(length) days.",
                    tone: context.tone(change: change, measure: "Transactions.netSales"),
                    priority: 24 + min(36, abs(change) * 1.5), from: monthStart, to: context.asOf,
                    query: context.dailyQuery(measures: ["Transactions.netSales"], from: previousStart, to: context.asOf),
                    values: [
                        .init(name: "net sales, \(monthName) to date", value: monthToDate),
                        .init(name: "projected net sales, \(monthName)", value: projected),
                        .init(name: "net sales, \(previousName)", value: previous),
                    ],
                    chart: ChartConfiguration(
                        type: .bar, title: "Net sales: \(previousName) against \(monthName) projected",
                        labels: [previousName, "\(monthName) to date", "\(monthName) projected"],
                        datasets: [.init(label: "Net sales", data: [previous, monthToDate, projected])]),
                    followUp: "net sales by day this month"),
                mergeKey: nil, clause: "\(monthName) heads for \(context.format.money(projected))", signals: [])
        ]
    }
}
