@testable import Insights
import Semantic
import Testing
import Warehouse

/// A run of record weeks is one episode: a slump that keeps setting weekly lows for days is
/// one insight id (one alert key in the delivery log), not one a day; a later slump is
/// another.
@Suite("Record week episodes")
struct RecordEpisodeTests {
    static let settings = InsightSettings()
    /// The first day of the first slump.
    static let slumpStart = SQLDate(iso: "2026-03-02")!

    /// One city selling 100 a day, 60 a day in the first slump (days 0…29 from
    /// `slumpStart`) and 40 a day in the second (days 90…119), as a digest of `asOf` reads it.
    static func dataset(asOf: SQLDate) -> InsightDataset {
        var data = InsightDataset(asOf: asOf, windows: .digest(asOf: asOf, settings: settings))
        let history = data.windows.history
        data.cities = [.init(name: "A", state: "S", zone: "West")]
        data.cityIndex = ["S|A": 0]
        data.cityNetSales = [
            (0..<history.count).map { index in
                let day = Int(history.date(at: index).daysSinceEpoch - slumpStart.daysSinceEpoch)
                return (0...29).contains(day) ? 60 : (90...119).contains(day) ? 40 : 100
            }
        ]
        data.cityQuantity = [[Double](repeating: 1, count: history.count)]
        data.cityBrandNetSales = [[]]
        data.cityAccountNetSales = [[:]]
        return data
    }

    static func records(asOf: SQLDate) -> (records: [Insight], alerts: [Insight]) {
        let context = DetectionContext(
            view: ScopeView(data: dataset(asOf: asOf), territory: nil), settings: settings, asOf: asOf,
            tenantName: "Test Co", restrict: { $0 }, upIsGood: { _ in true })
        let found = PatternDetectors(context: context).records().map(\.insight)
        return (found, found.filter { InsightGenerator.isAlert($0, asOf: asOf, minimumPriority: 56) })
    }

    @Test("a slump setting weekly lows for days is one id and one alert key; a deeper slump later is another")
    func oneKeyPerSlump() {
        var idsByDay: [Int: [String]] = [:]
        var alertKeys: Set<String> = []
        for day in -5...130 {
            let asOf = Self.slumpStart.adding(days: day)
            let (records, alerts) = Self.records(asOf: asOf)
            idsByDay[day] = records.map(\.id)
            alertKeys.formUnion(alerts.map(\.id))
        }
        let first = "record:Tenant:low:\(Self.slumpStart)"
        // The second slump's week falls below the first slump's low (420) once five of its
        // days are in it (400): day 94.
        let second = "record:Tenant:low:\(Self.slumpStart.adding(days: 94))"
        // Each day of the first slump's first weeks is a weekly low (the week's total falls
        // below the weeks before it), and every one of them is the same episode.
        let firstDays = idsByDay.filter { (0...29).contains($0.key) && !$0.value.isEmpty }
        #expect(firstDays.count >= 7, "\(idsByDay.sorted { $0.key < $1.key })")
        #expect(Set(firstDays.values.flatMap { $0 }) == [first])
        let secondDays = idsByDay.filter { (90...119).contains($0.key) && !$0.value.isEmpty }
        #expect(secondDays.count >= 7)
        #expect(Set(secondDays.values.flatMap { $0 }) == [second])
        #expect(idsByDay.filter { !(0...29).contains($0.key) && !(90...119).contains($0.key) }.allSatisfy { $0.value.isEmpty })
        #expect(alertKeys == [first, second])
    }

    @Test("a record low merged into the week's change in the digest is still alerted, under its episode's id")
    func mergedRecordIsAlerted() throws {
        let asOf = Self.slumpStart.adding(days: 3)
        let context = DetectionContext(
            view: ScopeView(data: Self.dataset(asOf: asOf), territory: nil), settings: Self.settings, asOf: asOf,
            tenantName: "Test Co", restrict: { $0 }, upIsGood: { _ in true })
        let record = try #require(PatternDetectors(context: context).records().first)
        #expect(record.mergeKey == "change:wow")
        // The week's change, as the change detector reports it: it leads the merge.
        var changeInsight = record.insight
        changeInsight.id = "period_change:Tenant:wow:\(asOf)"
        changeInsight.type = .periodChange
        changeInsight.priority = 70
        let change = Finding(insight: changeInsight, mergeKey: "change:wow", clause: "net sales fell", signals: [])
        let ranked = InsightRanker.rankKeepingParts([change, record], settings: Self.settings)
        #expect(ranked.map(\.insight.id) == [changeInsight.id], "the record is merged into the change")
        let alerts = InsightGenerator.alerts(in: ranked, asOf: asOf, minimumPriority: 56)
        #expect(alerts.map(\.id) == ["record:Tenant:low:\(Self.slumpStart)"])
    }
}
