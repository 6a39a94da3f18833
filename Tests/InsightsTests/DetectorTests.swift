@testable import Insights
import Semantic
import Testing
import Visualization
import Warehouse

/// Detectors and the ranker on small hand-made datasets: two cities of one state, a spike,
/// an outlet that stops buying, findings to merge and cut.
@Suite("Detectors on synthetic data")
struct DetectorTests {
    static let asOf = SQLDate(iso: "2026-06-30")!

    /// A day's wobble around a level, the same every run: -5…+5.
    static func wobble(_ day: Int) -> Double { Double((day * 37) % 11) - 5 }

    /// Cities A (about 100 a day) and B (about 50 a day) in state S of zone West; outlets
    /// added by the caller.
    static func dataset(spikeInA: Double? = nil) -> InsightDataset {
        let history = DayWindow(days: 120, endingOn: asOf)
        var data = InsightDataset(
            asOf: asOf,
            windows: .init(
                history: history, recent: DayWindow(days: 63, endingOn: asOf), outlets: DayWindow(days: 250, endingOn: asOf),
                accounts: DayWindow(days: 56, endingOn: asOf)))
        data.cities = [.init(name: "A", state: "S", zone: "West"), .init(name: "B", state: "S", zone: "West")]
        data.cityIndex = ["A": 0, "B": 1]
        var a = (0..<history.count).map { 100 + wobble($0) }
        if let spikeInA { a[history.count - 1] = spikeInA }
        data.cityNetSales = [a, (0..<history.count).map { 50 + wobble($0 + 3) }]
        data.cityQuantity = [[Double](repeating: 0, count: history.count), [Double](repeating: 0, count: history.count)]
        data.cityBrandNetSales = [[], []]
        data.cityAccountNetSales = [[:], [:]]
        data.purchases = []
        return data
    }

    /// Adds an outlet of `city` buying 10 on each of `days` (indexes of the outlets window).
    static func addOutlet(_ name: String, city: Int, days: some Sequence<Int>, to data: inout InsightDataset) {
        data.outlets.append(.init(id: Int64(data.outlets.count + 1), name: name, channel: "Kirana", city: city, onboarded: nil))
        data.purchases.append(days.map { .init(day: $0, netSales: 10) })
    }

    /// A context whose restriction adds a recognisable filter, so tests see it was applied.
    static func context(
        _ data: InsightDataset, territory: RecipientTerritory?, settings: InsightSettings = InsightSettings()
    ) -> DetectionContext {
        DetectionContext(
            view: ScopeView(data: data, territory: territory), settings: settings, asOf: asOf, tenantName: "Test Co",
            restrict: { query in
                guard let territory else { return query }
                var restricted = query
                restricted.filters.append(.member("Customers.city", .equals, [territory.name]))
                return restricted
            },
            upIsGood: { _ in true })
    }

    @Test("a day four times the usual is an unusual spike; its sister city's ordinary day is not")
    func unusualSpike() throws {
        let data = Self.dataset(spikeInA: 400)
        let inA = PatternDetectors(context: Self.context(data, territory: .init(level: "City", name: "A"))).unusualDays()
        let spike = try #require(inA.first { $0.insight.subject == "City:A" })
        #expect(spike.insight.type == .unusualDay && spike.insight.tone == .positive)
        #expect(spike.insight.evidence.values.first?.value == 400)
        #expect(try #require(spike.insight.evidence.values.first { $0.name == "deviations" }).value > 10)
        #expect(spike.signals == [DetectedSignal(type: .unusualDay, kind: "City", name: "A", date: "2026-06-30", direction: 1)])
        #expect(spike.insight.evidence.query.filters.contains(.member("Customers.city", .equals, ["A"])))
        #expect(spike.insight.chart.data.labels.count == 28)
        let inB = PatternDetectors(context: Self.context(data, territory: .init(level: "City", name: "B"))).unusualDays()
        #expect(inB.isEmpty)
        // The state sees the spike through its city A (one level down) too.
        let inState = PatternDetectors(context: Self.context(data, territory: .init(level: "State", name: "S"))).unusualDays()
        #expect(inState.contains { $0.insight.subject == "City:A" })
        #expect(!inState.contains { $0.insight.subject == "City:B" })
    }

    @Test("an ordinary day is not unusual under either baseline")
    func ordinaryDay() {
        let data = Self.dataset()
        for baseline in [InsightSettings.Baseline.robust, .meanStandardDeviation] {
            let found = PatternDetectors(
                context: Self.context(data, territory: nil, settings: InsightSettings(unusualDayBaseline: baseline))
            ).unusualDays()
            #expect(found.isEmpty, "\(baseline)")
        }
    }

    @Test("period change sums the territory's days exactly")
    func periodChangeSums() throws {
        let data = Self.dataset()
        let changes = ChangeDetectors(context: Self.context(data, territory: .init(level: "City", name: "B"))).periodChanges()
        let wow = try #require(changes.first { $0.insight.id == "period_change:City:B:Transactions.netSales:wow:2026-06-30" })
        let b = data.cityNetSales[1]
        let last = b.count - 1
        let current = b[(last - 6)...last].reduce(0, +)
        let previous = b[(last - 13)...(last - 7)].reduce(0, +)
        #expect(wow.insight.evidence.values.map(\.value) == [current, previous, (current - previous) / previous * 100])
        #expect(wow.insight.periodStart == "2026-06-17" && wow.insight.periodEnd == "2026-06-30")
        // No volume was sold: no volume change to report.
        #expect(!changes.contains { $0.insight.evidence.query.measures == ["Transactions.totalQuantity"] })
    }

    @Test("a regular outlet silent past its threshold lapses, in its own city only")
    func lapsedOutlet() throws {
        var data = Self.dataset()
        // Every third day from day 120 to day 225; the window ends on day 249: 24 days silent.
        Self.addOutlet("Regular Store", city: 0, days: stride(from: 120, through: 225, by: 3), to: &data)
        Self.addOutlet("Other Store", city: 1, days: stride(from: 120, through: 225, by: 3), to: &data)
        // Still buying: not lapsed.
        Self.addOutlet("Busy Store", city: 0, days: stride(from: 120, through: 249, by: 3), to: &data)
        let found = OutletDetectors(context: Self.context(data, territory: .init(level: "City", name: "A"))).lapsedOutlets()
        let lapsed = try #require(found.first)
        #expect(found.count == 1)
        // Days 171…225 lie within 55 days of the last purchase: 19 purchases of 10.
        #expect(lapsed.insight.evidence.values == [.init(name: "Regular Store, net sales in the 8 weeks before", value: 190, key: "1")])
        #expect(lapsed.signals.map(\.name) == ["Regular Store"] && lapsed.signals.map(\.place) == ["A"])
        #expect(lapsed.insight.evidence.query.filters.contains(.member("Customers.city", .equals, ["A"])))
        // A week later it is old news.
        var later = Self.dataset()
        Self.addOutlet("Regular Store", city: 0, days: stride(from: 113, through: 218, by: 3), to: &later)
        #expect(OutletDetectors(context: Self.context(later, territory: .init(level: "City", name: "A"))).lapsedOutlets().isEmpty)
    }

    // MARK: Ranking

    static func finding(
        _ id: String, _ type: InsightType, priority: Double, mergeKey: String? = nil,
        query: CubeQuery = CubeQuery(measures: ["Transactions.netSales"])
    ) -> Finding {
        Finding(
            insight: Insight(
                id: id, type: type, title: id, text: "\(id) happened.", tone: .neutral, priority: priority, subject: "Tenant",
                periodStart: "2026-06-30", periodEnd: "2026-06-30",
                evidence: InsightEvidence(query: query, values: [.init(name: id, value: priority)]),
                chart: ChartConfiguration(type: .bar, title: id, labels: [id], datasets: [.init(label: id, data: [priority])]),
                followUpQuestion: "why \(id)"),
            mergeKey: mergeKey, clause: "\(id) clause", signals: [])
    }

    @Test("the ranker keeps the top N by priority, at most maximumPerType of a type")
    func rank() {
        let findings = [
            Self.finding("a", .unusualDay, priority: 90), Self.finding("b", .unusualDay, priority: 80),
            Self.finding("c", .unusualDay, priority: 70), Self.finding("d", .record, priority: 60),
            Self.finding("e", .newOutlets, priority: 50), Self.finding("f", .lapsedOutlets, priority: 40),
            Self.finding("g", .trendChange, priority: 30),
        ]
        let ranked = InsightRanker.rank(findings, settings: InsightSettings(topN: 5, maximumPerType: 2))
        #expect(ranked.map(\.id) == ["a", "b", "d", "e", "f"])
        #expect(InsightRanker.rank(findings, settings: InsightSettings(topN: 2)).map(\.id) == ["a", "b"])
        #expect(InsightRanker.rank(findings, settings: InsightSettings(topN: 3, maximumPerType: 1)).map(\.id) == ["a", "d", "e"])
        // Equal priorities: by id.
        let tied = [Self.finding("y", .record, priority: 50), Self.finding("x", .trendChange, priority: 50)]
        #expect(InsightRanker.rank(tied, settings: InsightSettings()).map(\.id) == ["x", "y"])
    }

    @Test("findings with one merge key become one insight: the strongest, with the others' clauses and values")
    func merge() {
        let merged = InsightRanker.merge([
            Self.finding("low", .periodChange, priority: 30, mergeKey: "change:wow"),
            Self.finding("alone", .record, priority: 99),
            Self.finding("high", .periodChange, priority: 40, mergeKey: "change:wow"),
        ]).map(\.insight)
        #expect(merged.map(\.id) == ["high", "alone"])
        let change = merged[0]
        #expect(change.text == "high happened; low clause.")
        #expect(change.priority == 43)
        #expect(change.evidence.values.map(\.name) == ["high", "low"])
    }

    @Test("a merged insight's query gains the measures of queries that differ only in measures, and no others")
    func mergeMeasures() {
        func daily(_ measure: String, filter: String = "Pune") -> CubeQuery {
            CubeQuery(
                measures: [measure],
                timeDimensions: [.init(dimension: "Transactions.transactionDate", granularity: .day, dateRange: .absolute("2026-06-17", "2026-06-30"))],
                filters: [.member("Customers.city", .equals, [filter])])
        }
        let merged = InsightRanker.merge([
            Self.finding("sales", .periodChange, priority: 50, mergeKey: "change:wow", query: daily("Transactions.netSales")),
            Self.finding("volume", .periodChange, priority: 40, mergeKey: "change:wow", query: daily("Transactions.totalQuantity")),
            Self.finding("elsewhere", .periodChange, priority: 30, mergeKey: "change:wow", query: daily("Transactions.uniqueCustomers", filter: "Nagpur")),
            Self.finding("again", .periodChange, priority: 20, mergeKey: "change:wow", query: daily("Transactions.netSales")),
        ]).map(\.insight)
        #expect(merged.count == 1)
        var expected = daily("Transactions.netSales")
        expected.measures = ["Transactions.netSales", "Transactions.totalQuantity"]
        #expect(merged.first?.evidence.query == expected)
    }
}
