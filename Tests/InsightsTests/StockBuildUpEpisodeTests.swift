@testable import Insights
import Semantic
import Testing
import Warehouse

/// A stock build-up that lasts is one episode: the same insight id (so the same alert key
/// in the delivery log) on every day it lasts, shown in every day's digest; a new episode
/// after the ratio fell back under the threshold has a new id.
@Suite("Stock build-up episodes")
struct StockBuildUpEpisodeTests {
    /// The first day distributor 17 is invoiced heavily.
    static let loadStart = SQLDate(iso: "2026-05-01")!
    static let settings = InsightSettings()

    /// Distributor 17 of city A sells on 10 a day and is invoiced 10 a day, or 40 on the
    /// days `loaded` picks, as a digest of `asOf` reads it (its own windows).
    static func dataset(asOf: SQLDate, loaded: (Int) -> Bool) -> InsightDataset {
        var data = InsightDataset(asOf: asOf, windows: .digest(asOf: asOf, settings: settings))
        let history = data.windows.history.count
        data.cities = [.init(name: "A", state: "S", zone: "West")]
        data.cityIndex = ["S|A": 0]
        data.cityNetSales = [[Double](repeating: 0, count: history)]
        data.cityQuantity = [[Double](repeating: 0, count: history)]
        data.cityBrandNetSales = [[]]
        data.cityAccountNetSales = [[:]]
        data.accounts = [.init(id: 17, name: "Gupta Enterprises", city: "A", state: "S", zone: "West")]
        data.accountIndex = [17: 0]
        data.accountCities = [[0]]
        let days = data.windows.accounts
        data.primaryQuantity = [
            (0..<days.count).map { index in
                loaded(Int(days.date(at: index).daysSinceEpoch - loadStart.daysSinceEpoch)) ? 40 : 10
            }
        ]
        data.secondaryQuantity = [[Double](repeating: 10, count: days.count)]
        return data
    }

    /// The ranked insights (what the digest carries) and, of them, the alerts of `asOf`.
    static func digest(asOf: SQLDate, loaded: (Int) -> Bool) -> (buildUps: [Insight], alerts: [Insight]) {
        let context = DetectionContext(
            view: ScopeView(data: dataset(asOf: asOf, loaded: loaded), territory: nil), settings: settings, asOf: asOf,
            tenantName: "Test Co", restrict: { $0 }, upIsGood: { _ in true })
        let ranked = InsightRanker.rank(OutletDetectors(context: context).stockBuildUps(), settings: settings)
        return (
            ranked.filter { $0.type == .stockBuildUp },
            ranked.filter { InsightGenerator.isAlert($0, asOf: asOf, minimumPriority: 56) }
        )
    }

    static func id(since day: Int) -> String {
        "stock_build_up:Tenant:17:\(loadStart.adding(days: day))"
    }

    @Test("a build-up over several days is one id and one alert key; a new episode after a dip is another")
    func oneKeyPerEpisode() throws {
        // Invoiced 40 a day on days 0…14 and 40…54: four weeks hold ten such days (560
        // against 280, ratio 2.0) from day 9 to day 32, and again from day 49.
        let loaded: (Int) -> Bool = { (0...14).contains($0) || (40...54).contains($0) }
        var alertIDs: [String: Int] = [:]
        for day in 0...60 {
            let asOf = Self.loadStart.adding(days: day)
            let (buildUps, alerts) = Self.digest(asOf: asOf, loaded: loaded)
            switch day {
            case 9...32:
                // In the digest every day, always as the same episode.
                #expect(buildUps.map(\.id) == [Self.id(since: 9)], "\(asOf)")
                if day > 9 { #expect(buildUps.first?.text.contains("since") == true, "\(asOf)") }
            case 49...60:
                #expect(buildUps.map(\.id) == [Self.id(since: 49)], "\(asOf)")
            default:
                #expect(buildUps.isEmpty, "\(asOf): \(buildUps.map(\.id))")
            }
            for alert in alerts where alertIDs[alert.id] == nil { alertIDs[alert.id] = day }
        }
        // Each episode is alerted under one key, from the first day its priority qualifies.
        #expect(Set(alertIDs.keys) == [Self.id(since: 9), Self.id(since: 49)])
        #expect(try #require(alertIDs[Self.id(since: 9)]) < 20)
    }

    @Test("a build-up that began before the four weeks the digest reads back stays in the digest and is not alerted")
    func olderThanTheLookBack() {
        let loaded: (Int) -> Bool = { $0 >= 0 }
        // Ten heavy days from day 9 on; the digest can judge 28 days back.
        let lastKnown = Self.digest(asOf: Self.loadStart.adding(days: 9 + 27), loaded: loaded)
        #expect(lastKnown.buildUps.map(\.id) == [Self.id(since: 9)])
        #expect(lastKnown.alerts.map(\.id) == [Self.id(since: 9)])
        let older = Self.digest(asOf: Self.loadStart.adding(days: 9 + 28), loaded: loaded)
        #expect(older.buildUps.map(\.id) == ["stock_build_up:Tenant:17:ongoing"])
        #expect(older.alerts.isEmpty)
    }

    @Test("seeded itc: a build-up lasting several days has one id each day in the digests and in the alerts")
    func seededEpisode() async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let generator = tenant.generator()
        let last = InsightTenant.asOf
        // Every day of the data's last 300 whose weeks the data holds, read once.
        let backtest = try await generator.backtest(from: last.adding(days: -300), to: last, historyStart: last.adding(days: -399))
        var runs: [(distributor: String, first: SQLDate, days: Int)] = []
        var open: [String: (first: SQLDate, days: Int)] = [:]
        for day in backtest.days {
            let date = try #require(SQLDate(iso: day.date))
            let today = Set(day.signals.filter { $0.type == .stockBuildUp }.map(\.name))
            for (name, run) in open where !today.contains(name) {
                runs.append((name, run.first, run.days))
                open[name] = nil
            }
            for name in today { open[name, default: (first: date, days: 0)].days += 1 }
        }
        runs += open.map { ($0.key, $0.value.first, $0.value.days) }
        // A run from the first day judged may have begun before it.
        let run = try #require(
            runs.filter { $0.days >= 4 && $0.first > last.adding(days: -300) }.max { $0.days < $1.days },
            "no build-up lasting 4 days: \(runs)")

        let nsm = try tenant.recipient("NSM")
        var ids: Set<String> = []
        var alertIDs: Set<String> = []
        for offset in 0..<min(run.days, 6) {
            let asOf = run.first.adding(days: offset)
            let digest = try await generator.insights(for: nil, asOf: asOf)
            let data = try await InsightDataset.fetch(
                model: tenant.model, database: tenant.database, asOf: asOf,
                windows: .digest(asOf: asOf, settings: generator.settings))
            let found = generator.findings(in: ScopeView(data: data, territory: nil), asOf: asOf).map(\.insight)
                .filter { $0.type == .stockBuildUp && $0.subject == "Distributor:\(run.distributor)" }
            #expect(found.count == 1, "\(asOf): \(found.map(\.id))")
            ids.formUnion(found.map(\.id))
            // Shown by the digest whenever it ranks among its top insights, under that id.
            for insight in digest where insight.subject == "Distributor:\(run.distributor)" { ids.insert(insight.id) }
            let alerts = try await generator.alerts(for: [nsm], asOf: asOf)[nsm.id] ?? []
            alertIDs.formUnion(alerts.filter { $0.subject == "Distributor:\(run.distributor)" }.map(\.id))
        }
        #expect(ids.count == 1, "\(ids)")
        #expect(ids.first?.hasSuffix(":\(run.first)") == true, "\(ids) for a run from \(run.first)")
        #expect(alertIDs.isSubset(of: ids), "\(alertIDs)")
    }
}
