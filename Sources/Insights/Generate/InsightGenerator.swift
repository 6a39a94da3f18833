import Foundation
public import Semantic
public import Visualization
public import Warehouse

/// Finds the few things each person should know today in their territory's data.
///
/// One run reads the tenant's data once through the semantic layer (``InsightDataset``)
/// and judges every recipient's territory from it in memory: national, zone, state, city.
/// Each insight's evidence is the Cube query, narrowed by row-level security to the
/// recipient's territory, that returns its numbers.
public struct InsightGenerator: Sendable {
    /// The tenant's model.
    public let model: DataModel
    /// The tenant's database.
    public let database: any Database
    /// The company's name, used in sentences about the whole tenant.
    public let tenantName: String
    /// The rules that narrow evidence queries to a territory.
    public let rowLevelSecurity: RowLevelSecurity
    /// Thresholds and limits.
    public let settings: InsightSettings
    /// How sentences write numbers (the tenant's `locale`).
    public let numberFormat: NumberFormat

    /// Makes a generator.
    public init(
        model: DataModel, database: any Database, tenantName: String,
        rowLevelSecurity: RowLevelSecurity = .salesTerritories, settings: InsightSettings = InsightSettings(),
        numberFormat: NumberFormat = .india
    ) {
        self.numberFormat = numberFormat
        self.model = model
        self.database = database
        self.tenantName = tenantName
        self.rowLevelSecurity = rowLevelSecurity
        self.settings = settings
    }

    /// Each recipient's ranked insights (by ``Recipient/id``) with data up to `asOf`.
    public func insights(for recipients: [Recipient], asOf: SQLDate) async throws -> [String: [Insight]] {
        try await run(for: recipients, asOf: asOf).insights
    }

    /// One run's insights and where its time went.
    public struct Run: Sendable {
        /// Each recipient's ranked insights, by ``Recipient/id``.
        public var insights: [String: [Insight]]
        /// Reading the data.
        public var readTime: Duration
        /// Judging every territory.
        public var detectTime: Duration
        /// Distinct territories judged.
        public var territories: Int
    }

    /// ``insights(for:asOf:)`` with timings.
    public func run(for recipients: [Recipient], asOf: SQLDate) async throws -> Run {
        let judged = try await judge(recipients, asOf: asOf)
        return Run(
            insights: judged.ranked.mapValues { $0.map(\.insight) }, readTime: judged.readTime, detectTime: judged.detectTime,
            territories: judged.territories)
    }

    /// Each recipient's digest with the parts merged into each insight, and timings.
    func judge(_ recipients: [Recipient], asOf: SQLDate) async throws
        -> (ranked: [String: [InsightRanker.Ranked]], readTime: Duration, detectTime: Duration, territories: Int)
    {
        let clock = ContinuousClock()
        let started = clock.now
        for recipient in recipients { try validate(recipient.territory) }
        let data = try await InsightDataset.fetch(
            model: model, database: database, asOf: asOf, windows: .digest(asOf: asOf, settings: settings))
        let read = clock.now
        // Territories are judged side by side: each reads the shared dataset only. Workers
        // yield between territories, so that a server's requests are not held up meanwhile.
        var distinct: [RecipientTerritory?] = []
        var seen: Set<RecipientTerritory?> = []
        for recipient in recipients where seen.insert(recipient.territory).inserted { distinct.append(recipient.territory) }
        let territories = distinct
        let workers = max(1, min(ProcessInfo.processInfo.activeProcessorCount, territories.count))
        let byTerritory = await withTaskGroup(of: [(RecipientTerritory?, [InsightRanker.Ranked])].self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var slice: [(RecipientTerritory?, [InsightRanker.Ranked])] = []
                    for index in stride(from: worker, to: territories.count, by: workers) {
                        let view = ScopeView(data: data, territory: territories[index])
                        slice.append((territories[index], InsightRanker.rankKeepingParts(findings(in: view, asOf: asOf), settings: settings)))
                        await Task.yield()
                    }
                    return slice
                }
            }
            var judged: [RecipientTerritory?: [InsightRanker.Ranked]] = [:]
            for await slice in group { for (territory, ranked) in slice { judged[territory] = ranked } }
            return judged
        }
        var result: [String: [InsightRanker.Ranked]] = [:]
        for recipient in recipients { result[recipient.id] = byTerritory[recipient.territory] ?? [] }
        return (result, read - started, clock.now - read, byTerritory.count)
    }

    /// The ranked insights of one territory (`nil`: the whole tenant).
    public func insights(for territory: RecipientTerritory?, asOf: SQLDate) async throws -> [Insight] {
        let probe = Recipient(id: "", name: "", email: nil, role: "executive", hierarchyRole: nil, territory: territory)
        return try await insights(for: [probe], asOf: asOf)[""] ?? []
    }

    /// Urgent insights about the latest data: unusual days well past the threshold, stock
    /// build-ups and record lows, per recipient.
    ///
    /// An alert is identified by its insight's id. A stock build-up's id names the first day
    /// of its episode, so one that lasts weeks is one alert, pushed the first day it is seen;
    /// one whose start lies before the data read (over four weeks ago) is left to the digests.
    /// A record week's id names the first day of its run of record weeks in the same way; a
    /// record merged into the week's change in the digest is alerted as itself.
    public func alerts(for recipients: [Recipient], asOf: SQLDate, minimumPriority: Double = 56) async throws -> [String: [Insight]] {
        try await judge(recipients, asOf: asOf).ranked.mapValues { Self.alerts(in: $0, asOf: asOf, minimumPriority: minimumPriority) }
    }

    /// The alerts among a digest's insights and the findings merged into them.
    static func alerts(in digest: [InsightRanker.Ranked], asOf: SQLDate, minimumPriority: Double) -> [Insight] {
        digest.flatMap { ranked -> [Insight] in
            if isAlert(ranked.insight, asOf: asOf, minimumPriority: minimumPriority) { return [ranked.insight] }
            // A record week merged into the week's change is pushed as itself: its id names
            // its episode, the change's id only the day.
            return ranked.parts.dropFirst().filter { isAlert($0, asOf: asOf, minimumPriority: minimumPriority) }
        }
    }

    /// Whether a digest insight of `asOf` is also an alert.
    static func isAlert(_ insight: Insight, asOf: SQLDate, minimumPriority: Double) -> Bool {
        // An episode whose start lies before the data read cannot be told from yesterday's.
        if [.stockBuildUp, .record].contains(insight.type), insight.id.hasSuffix(":" + Finding.episodeOfUnknownStart) { return false }
        return insight.priority >= minimumPriority && insight.periodEnd == asOf.description
            && [.unusualDay, .stockBuildUp, .record].contains(insight.type) && insight.tone != .positive
            || insight.type == .unusualDay && insight.priority >= minimumPriority + 10
    }

    /// Runs every detector for one territory on each day `from`…`to` with data read once
    /// for the whole span: what a digest would have found each day. For checking detection
    /// against known truth.
    public func backtest(from: SQLDate, to: SQLDate, historyStart: SQLDate, territory: RecipientTerritory? = nil) async throws -> Backtest {
        try validate(territory)
        let data = try await InsightDataset.fetch(
            model: model, database: database, asOf: to, windows: .all(from: historyStart, to: to))
        var days: [Backtest.Day] = []
        var day = from
        let view = ScopeView(data: data, territory: territory)
        while day <= to {
            let found = findings(in: view, asOf: day)
            days.append(
                Backtest.Day(
                    date: day.description, signals: found.flatMap(\.signals),
                    ranked: InsightRanker.rank(found, settings: settings).map(\.id)))
            day = day.adding(days: 1)
        }
        return Backtest(days: days)
    }

    /// Refuses a territory the detectors or row-level security cannot narrow to: a bounded
    /// recipient is never shown the whole tenant by mistake.
    func validate(_ territory: RecipientTerritory?) throws {
        guard let territory else { return }
        guard RecipientTerritory.levels.contains(territory.level) else {
            throw InsightError(
                .invalidTerritory, "territory level '\(territory.level)' is not one of \(RecipientTerritory.levels.joined(separator: ", "))")
        }
        for cube in ["Transactions", "PrimarySales"] {
            let probe = CubeQuery(measures: ["\(cube).count"])
            do {
                _ = try rowLevelSecurity.restrict(probe, to: territory.territory, in: model)
            } catch {
                throw InsightError(.invalidTerritory, "row-level security cannot narrow \(cube) to \(territory): \(error)")
            }
        }
    }

    func findings(in view: ScopeView, asOf: SQLDate) -> [Finding] {
        let territory = view.territory
        let rules = rowLevelSecurity
        let model = model
        let context = DetectionContext(
            view: view, settings: settings, asOf: asOf, tenantName: tenantName,
            restrict: { query in
                guard let territory else { return query }
                // validate(_:) proved the rules narrow every cube read here; should one still
                // fail, the evidence names the territory's own filter rather than none.
                return (try? rules.restrict(query, to: territory.territory, in: model))
                    ?? CubeQuery(
                        measures: query.measures, dimensions: query.dimensions, timeDimensions: query.timeDimensions,
                        filters: query.filters + [.member(DetectionContext.member(forLevel: territory.level), .equals, [territory.name])])
            },
            upIsGood: { measure in
                let parts = measure.split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2, case .bool(let good)? = model.cubes[parts[0]]?.measure(parts[1])?.meta?["up_is_good"]
                else { return true }
                return good
            }, format: InsightFormat(numbers: numberFormat))
        let changes = ChangeDetectors(context: context)
        let patterns = PatternDetectors(context: context)
        let outlets = OutletDetectors(context: context)
        return changes.periodChanges() + changes.drivers() + changes.leadersAndLaggards() + changes.monthEndProjection()
            + patterns.unusualDays() + patterns.trendChanges() + patterns.records() + outlets.lapsedOutlets()
            + outlets.newOutlets() + outlets.concentrationRisks() + outlets.stockBuildUps()
    }
}

/// What the detectors found on each day of a span.
public struct Backtest: Codable, Sendable, Hashable {
    /// One day's findings.
    public struct Day: Codable, Sendable, Hashable {
        /// The as-of day.
        public var date: String
        /// Every signal found (before ranking).
        public var signals: [DetectedSignal]
        /// The ids of the insights a digest would have carried.
        public var ranked: [String]
    }

    /// The days, in order.
    public var days: [Day]
}
