import Semantic
import Visualization
import Warehouse

/// Outlets that started or stopped buying, sales resting on a few outlets or one
/// distributor, and distributors loaded with more stock than they sell on.
struct OutletDetectors {
    let context: DetectionContext

    private var outletWindow: DayWindow { context.view.data.windows.outlets }

    func lapsedOutlets() -> [Finding] {
        let data = context.view.data
        let settings = context.settings
        guard let today = outletWindow.index(of: context.asOf) else { return [] }
        var lapsed: [(outlet: Int, last: Int, atRisk: Double, buyingDays: Int)] = []
        for outlet in context.view.outlets {
            let purchases = data.purchases[outlet]
            guard let lastIndex = purchases.lastIndex(where: { $0.day <= today }) else { continue }
            let last = purchases[lastIndex].day
            // Regularity is judged on the 8 weeks before the last purchase, which must lie in the data read.
            guard last - 55 >= 0 else { continue }
            var firstIndex = lastIndex
            while firstIndex > 0, purchases[firstIndex - 1].day >= last - 55 { firstIndex -= 1 }
            let prior = purchases[firstIndex...lastIndex]
            guard prior.count >= settings.lapseMinimumPurchaseDays else { continue }
            let gaps = zip(prior.dropFirst(), prior).map { Double($0.day - $1.day) }
            var historyStart = firstIndex
            while historyStart > 0, purchases[historyStart - 1].day >= last - 120 { historyStart -= 1 }
            let history = purchases[historyStart...lastIndex]
            let longest = zip(history.dropFirst(), history).map { Double($0.day - $1.day) }.max() ?? 0
            // An outlet that has gone quiet this long before is not lapsed yet.
            let threshold = max(
                settings.lapseDays, Int((3 * SeriesStatistics.median(gaps)).rounded(.up)), Int((2.5 * longest).rounded(.up)))
            let silent = today - last
            // News only in the week it crossed the line: a digest does not repeat it daily for ever.
            guard silent >= threshold, silent - threshold < 7 else { continue }
            lapsed.append((outlet, last, prior.reduce(0) { $0 + $1.netSales }, prior.count))
        }
        guard !lapsed.isEmpty else { return [] }
        lapsed.sort { $0.atRisk > $1.atRisk }
        let atRisk = lapsed.reduce(0) { $0 + $1.atRisk }
        let names = lapsed.prefix(3).map { item in
            "\(data.outlets[item.outlet].name) (\(data.cities[data.outlets[item.outlet].city].name), last order \(InsightFormat.day(outletWindow.date(at: item.last))))"
        }
        let more = lapsed.count > 3 ? " and \(lapsed.count - 3) more" : ""
        let count = lapsed.count
        let text =
            "\(count) regular outlet\(count == 1 ? "" : "s") in \(context.scopeName) stopped buying: \(names.joined(separator: ", "))\(more); \(count == 1 ? "it" : "they") bought \(context.format.money(atRisk)) in the 8 weeks before."
        let from = outletWindow.date(at: lapsed.map(\.last).min()! - 55)
        let shown = Array(lapsed.prefix(8))
        return [
            Finding(
                insight: Insight(
                    context: context, type: .lapsedOutlets, idParts: [context.asOf.description],
                    title: "\(count) regular outlet\(count == 1 ? "" : "s") stopped buying", text: text, tone: .warning,
                    priority: 42 + min(33, 4 * Double(count) + atRisk / max(1, totalNetSales(days: 56)) * 200),
                    from: from, to: context.asOf,
                    query: context.restrict(
                        CubeQuery(
                            measures: ["Transactions.netSales"],
                            dimensions: ["Customers.customerName", "Customers.customerId", "Customers.city"],
                            // By day: each outlet's eight weeks end on its own last order.
                            timeDimensions: [
                                .init(dimension: "Transactions.transactionDate", granularity: .day,
                                    dateRange: .absolute(from.description, context.asOf.description))
                            ],
                            // By id: outlets' names repeat, even within a city.
                            filters: [.member("Customers.customerId", .equals, lapsed.map { String(data.outlets[$0.outlet].id) })],
                            limit: QueryCompiler.maximumLimit)),
                    values: lapsed.map {
                        .init(
                            name: "\(data.outlets[$0.outlet].name), net sales in the 8 weeks before", value: $0.atRisk,
                            key: String(data.outlets[$0.outlet].id))
                    },
                    chart: ChartConfiguration(
                        type: .bar, title: "Net sales in the 8 weeks before they stopped",
                        labels: shown.map { data.outlets[$0.outlet].name }, datasets: [.init(label: "Net sales", data: shown.map(\.atRisk))]),
                    followUp: "net sales by outlet last 8 weeks"),
                mergeKey: nil, clause: "\(count) outlets stopped buying",
                signals: lapsed.map { item in
                    DetectedSignal(
                        type: .lapsedOutlets, kind: "Outlet", name: data.outlets[item.outlet].name,
                        place: data.cities[data.outlets[item.outlet].city].name,
                        date: outletWindow.date(at: item.last).description, direction: -1)
                })
        ]
    }

    private func totalNetSales(days: Int) -> Double {
        ScopeView.total(context.view.netSales, in: context.view.history, from: context.asOf.adding(days: -(days - 1)), to: context.asOf)
    }

    func newOutlets() -> [Finding] {
        let data = context.view.data
        guard let today = outletWindow.index(of: context.asOf), today >= 62 else { return [] }
        let weekStart = today - 6
        var found: [(outlet: Int, first: Int, netSales: Double)] = []
        for outlet in context.view.outlets {
            guard let first = data.purchases[outlet].first(where: { $0.day >= 0 }), first.day >= weekStart, first.day <= today else {
                continue
            }
            let sales = data.purchases[outlet].filter { $0.day >= weekStart && $0.day <= today }.reduce(0) { $0 + $1.netSales }
            found.append((outlet, first.day, sales))
        }
        guard !found.isEmpty else { return [] }
        found.sort { $0.netSales > $1.netSales }
        let names = found.prefix(3).map { "\(data.outlets[$0.outlet].name) (\(data.cities[data.outlets[$0.outlet].city].name))" }
        let more = found.count > 3 ? " and \(found.count - 3) more" : ""
        let total = found.reduce(0) { $0 + $1.netSales }
        let from = context.asOf.adding(days: -6)
        return [
            Finding(
                insight: Insight(
                    context: context, type: .newOutlets, idParts: [context.asOf.description],
                    title: "\(found.count) new outlet\(found.count == 1 ? "" : "s") this week",
                    text:
                        "\(found.count) outlet\(found.count == 1 ? "" : "s") in \(context.scopeName) bought for the first time this week: \(names.joined(separator: ", "))\(more), for \(context.format.money(total)).",
                    tone: .positive, priority: 20 + min(25, 3 * Double(found.count)), from: from, to: context.asOf,
                    query: context.dailyQuery(
                        measures: ["Transactions.netSales"], dimensions: ["Customers.customerName", "Customers.customerId"], from: from,
                        to: context.asOf, granularity: nil),
                    values: found.map {
                        .init(
                            name: "\(data.outlets[$0.outlet].name), net sales this week", value: $0.netSales,
                            key: String(data.outlets[$0.outlet].id))
                    },
                    chart: ChartConfiguration(
                        type: .bar, title: "New outlets' first week", labels: found.prefix(8).map { data.outlets[$0.outlet].name },
                        datasets: [.init(label: "Net sales", data: found.prefix(8).map(\.netSales))]),
                    followUp: "net sales by outlet last 7 days"),
                mergeKey: nil, clause: "\(found.count) new outlets", signals: [])
        ]
    }

    func concentrationRisks() -> [Finding] {
        let data = context.view.data
        let settings = context.settings
        var findings: [Finding] = []
        let from = context.asOf.adding(days: -27)
        if let today = outletWindow.index(of: context.asOf), let start = outletWindow.index(of: from) {
            let sales = context.view.outlets.map { outlet in
                (outlet, data.purchases[outlet].reversed().lazy.drop { $0.day > today }.prefix { $0.day >= start }.reduce(0) { $0 + $1.netSales })
            }
            .filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
            let total = sales.reduce(0) { $0 + $1.1 }
            if sales.count >= 15, total > 0 {
                let top = Array(sales.prefix(5))
                let share = top.reduce(0) { $0 + $1.1 } / total
                if share >= settings.outletConcentrationShare {
                    findings.append(
                        finding(
                            kind: "outlets", title: "Five outlets carry \(context.format.share(share)) of sales",
                            text:
                                "Five of \(sales.count) buying outlets carry \(context.format.share(share)) of \(context.scopeName)'s net sales over 4 weeks, led by \(data.outlets[top[0].0].name) at \(context.format.share(top[0].1 / total)): losing one would hurt.",
                            share: share, threshold: settings.outletConcentrationShare, from: from,
                            member: "Customers.customerName", idMember: "Customers.customerId",
                            items: top.map { (data.outlets[$0.0].name, $0.1 / total, String(data.outlets[$0.0].id)) },
                            followUp: "net sales by outlet last 28 days"))
                }
            }
        }
        let accounts = context.view.accountNetSalesRecent.map { account, values in
            (data.accounts[account].name, ScopeView.total(values, in: context.view.recent, from: from, to: context.asOf),
                String(data.accounts[account].id))
        }
        .filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
        let total = accounts.reduce(0) { $0 + $1.1 }
        if accounts.count >= 3, total > 0, accounts[0].1 / total >= settings.distributorConcentrationShare {
            let share = accounts[0].1 / total
            findings.append(
                finding(
                    kind: "distributor", title: "\(accounts[0].0) serves \(context.format.share(share)) of sales",
                    text:
                        "\(accounts[0].0) serves \(context.format.share(share)) of \(context.scopeName)'s net sales over 4 weeks, against \(accounts.count - 1) other distributors: a single point of failure.",
                    share: share, threshold: settings.distributorConcentrationShare, from: from, member: "Accounts.accountName",
                    idMember: "Accounts.accountId", items: accounts.prefix(6).map { ($0.0, $0.1 / total, $0.2) },
                    followUp: "net sales by distributor last 28 days"))
        }
        return findings
    }

    private func finding(
        kind: String, title: String, text: String, share: Double, threshold: Double, from: SQLDate, member: String,
        idMember: String, items: [(String, Double, String)], followUp: String
    ) -> Finding {
        Finding(
            insight: Insight(
                context: context, type: .concentrationRisk, idParts: [kind, context.asOf.description], title: title, text: text,
                tone: .warning, priority: 30 + min(25, (share - threshold) * 60), from: from, to: context.asOf,
                query: context.dailyQuery(
                    measures: ["Transactions.netSales"], dimensions: [member, idMember], from: from, to: context.asOf, granularity: nil),
                values: items.map { .init(name: "\($0.0), share of net sales", value: $0.1, key: $0.2) },
                chart: ChartConfiguration(
                    type: .bar, title: "Share of net sales, last 4 weeks (%)", labels: items.map(\.0),
                    datasets: [.init(label: "Share, %", data: items.map { $0.1 * 100 })]),
                followUp: followUp),
            mergeKey: "concentration", clause: title.prefix(1).lowercased() + title.dropFirst(), signals: [])
    }

    /// Whether primary against secondary quantity over `stockBuildUpWeeks` is a build-up.
    private func isBuildUp(primary: Double, secondary: Double) -> Bool {
        secondary > 0 && primary >= context.settings.stockBuildUpRatio * secondary && primary - secondary >= 20
    }

    /// The first as-of day of the build-up episode running on the as-of day: walking back
    /// while the weeks ending each day before were a build-up too. `nil` when the episode
    /// reaches back past the earliest day whose weeks the `accounts` window holds.
    private func buildUpStart(_ account: Int, primary: Double, secondary: Double) -> SQLDate? {
        let data = context.view.data
        let window = data.windows.accounts
        let days = 7 * context.settings.stockBuildUpWeeks
        let primaryDays = data.primaryQuantity[account]
        let secondaryDays = data.secondaryQuantity[account]
        guard var end = window.index(of: context.asOf) else { return nil }
        var primary = primary
        var secondary = secondary
        // Slides the weeks back one day at a time: the day that enters at the front, the
        // as-of end leaves (whole quantities: the sums stay exact).
        while end - days >= 0 {
            primary += primaryDays[end - days] - primaryDays[end]
            secondary += secondaryDays[end - days] - secondaryDays[end]
            end -= 1
            if !isBuildUp(primary: primary, secondary: secondary) { return window.date(at: end + 1) }
        }
        return nil
    }

    /// Distributors invoiced far more than they sold on over the last weeks. One build-up
    /// lasting days or weeks is one finding: its id names the first day of the episode
    /// (when the ratio crossed the threshold), not the as-of day, so that an alert pushed
    /// for it is not pushed again while it lasts; a new episode, after the ratio fell back
    /// under the threshold, has a new id. Digests show it every day it lasts.
    func stockBuildUps() -> [Finding] {
        let data = context.view.data
        let settings = context.settings
        let window = data.windows.accounts
        let from = context.asOf.adding(days: -(7 * settings.stockBuildUpWeeks) + 1)
        guard window.index(of: from) != nil, window.index(of: context.asOf) != nil else { return [] }
        return context.view.accounts.compactMap { account in
            let primary = ScopeView.total(data.primaryQuantity[account], in: window, from: from, to: context.asOf)
            let secondary = ScopeView.total(data.secondaryQuantity[account], in: window, from: from, to: context.asOf)
            guard isBuildUp(primary: primary, secondary: secondary) else { return nil }
            let start = buildUpStart(account, primary: primary, secondary: secondary)
            let since = start.flatMap { $0 < context.asOf ? ", over the threshold since \(InsightFormat.day($0))" : nil } ?? ""
            let ratio = primary / secondary
            let info = data.accounts[account]
            let weeks = settings.stockBuildUpWeeks
            let weekly: [(String, Double, Double)] = (0..<weeks).reversed().map { back in
                let to = context.asOf.adding(days: -7 * back)
                return ("to \(InsightFormat.day(to))",
                    ScopeView.total(data.primaryQuantity[account], in: window, from: to.adding(days: -6), to: to),
                    ScopeView.total(data.secondaryQuantity[account], in: window, from: to.adding(days: -6), to: to))
            }
            let query = context.restrict(
                CubeQuery(
                    measures: ["PrimarySales.totalQuantity"],
                    timeDimensions: [
                        .init(dimension: "PrimarySales.invoiceDate", granularity: .day, dateRange: .absolute(from.description, context.asOf.description))
                    ],
                    // By id: distributors' names repeat (two Gowda Enterprises).
                    filters: [.member("Accounts.accountId", .equals, [String(info.id)])]))
            return Finding(
                insight: Insight(
                    context: context, type: .stockBuildUp,
                    idParts: [String(info.id), start?.description ?? Finding.episodeOfUnknownStart],
                    subject: "Distributor:\(info.name)", title: "Stock building up at \(info.name)",
                    text:
                        "\(info.name) (\(info.city), \(info.state)) was invoiced \(context.format.units(primary)) in \(weeks) weeks but sold \(context.format.units(secondary)) on to outlets (\(context.format.ratio(ratio))\(since)): stock is building up at the distributor.",
                    tone: .warning, priority: 50 + min(35, (ratio - settings.stockBuildUpRatio) * 20), from: from, to: context.asOf,
                    query: query,
                    values: [
                        .init(name: "primary quantity, \(weeks) weeks", value: primary),
                        .init(name: "secondary quantity, \(weeks) weeks", value: secondary),
                        .init(name: "ratio", value: ratio),
                    ],
                    chart: ChartConfiguration(
                        type: .bar, title: "\(info.name): invoiced against sold on, by week", labels: weekly.map(\.0),
                        datasets: [
                            .init(label: "Primary (invoiced)", data: weekly.map(\.1)),
                            .init(label: "Secondary (sold on)", data: weekly.map(\.2)),
                        ]),
                    followUp: "primary quantity by distributor by week last 8 weeks"),
                mergeKey: "stock:\(info.id)", clause: "stock building up at \(info.name)",
                signals: [
                    DetectedSignal(type: .stockBuildUp, kind: "Distributor", name: info.name, place: info.state, date: context.asOf.description, direction: 1)
                ])
        }
    }
}
