import Semantic
import Visualization
import Warehouse

/// A detector's result before ranking: the insight, the key under which findings about the
/// same thing are merged, the clause a merged sentence borrows from it, and the signal in
/// plain terms for backtests.
struct Finding: Sendable {
    /// The id part of an episode (a build-up, a run of record weeks) that began before the
    /// first day the data read can judge: it cannot be told from yesterday's, so it is never
    /// alerted, only shown in digests.
    static let episodeOfUnknownStart = "ongoing"

    var insight: Insight
    /// Findings with the same key (within one recipient) say one thing; they become one insight.
    var mergeKey: String?
    /// A short clause, "volume rose 10.1%", for a merged sentence.
    var clause: String
    /// What was found, for comparison with known truth (planted signals).
    var signals: [DetectedSignal]
}

/// One thing a detector found, in terms a backtest can match: a day off the norm for a
/// state or brand, a brand's trend, an outlet that lapsed, a distributor's stock build-up.
public struct DetectedSignal: Codable, Sendable, Hashable {
    /// `unusual_day`, `trend_change`, `lapsed_outlets`, `stock_build_up`, …
    public var type: InsightType
    /// `State`, `Brand`, `Outlet`, `Distributor`, `Zone`, `City` or `Tenant`.
    public var kind: String
    /// The state, brand, outlet or distributor name.
    public var name: String
    /// Extra identification: the outlet's city, the distributor's state.
    public var place: String?
    /// The day the signal is about (the unusual day, a lapsed outlet's last purchase, the
    /// last day of a trend or build-up window).
    public var date: String
    /// Up or down.
    public var direction: Int

    /// Makes a signal.
    public init(type: InsightType, kind: String, name: String, place: String? = nil, date: String, direction: Int) {
        self.type = type
        self.kind = kind
        self.name = name
        self.place = place
        self.date = date
        self.direction = direction
    }
}

/// What every detector needs: the territory's data, the settings, the day, how to narrow
/// evidence queries to the recipient, and which way is good for each measure.
struct DetectionContext: Sendable {
    let view: ScopeView
    let settings: InsightSettings
    let asOf: SQLDate
    let tenantName: String
    /// Narrows a Cube query to the recipient's territory (row-level security's own rewrite).
    let restrict: @Sendable (CubeQuery) -> CubeQuery
    /// `true` when a rise of the measure is good news (`meta.up_is_good`, default true).
    let upIsGood: @Sendable (String) -> Bool
    /// How sentences write numbers: the tenant's locale.
    var format = InsightFormat(numbers: .india)

    /// "Mumbai", "the West zone", "ITC Limited".
    var scopeName: String {
        guard let territory = view.territory else { return tenantName }
        return territory.level == "Zone" ? "the \(territory.name) zone" : territory.name
    }

    /// `City:Mumbai` or `Tenant`.
    var scopeSubject: String {
        view.territory.map { "\($0.level):\($0.name)" } ?? "Tenant"
    }

    /// The member holding a level's names.
    static func member(forLevel level: String) -> String {
        switch level {
        case "Zone": "Customers.zone"
        case "State": "Customers.state"
        default: "Customers.city"
        }
    }

    func tone(change: Double, measure: String) -> InsightTone {
        if abs(change) < settings.minimumChangePercent { return .neutral }
        return (change > 0) == upIsGood(measure) ? .positive : .negative
    }

    /// A Cube query on the recipient's territory: measures by day over a date range, with
    /// optional equality filters.
    func dailyQuery(
        measures: [String], dimensions: [String] = [], from: SQLDate, to: SQLDate,
        day: String = "Transactions.transactionDate", granularity: CubeQuery.Granularity? = .day,
        filters: [(String, String)] = []
    ) -> CubeQuery {
        restrict(
            CubeQuery(
                measures: measures, dimensions: dimensions,
                timeDimensions: [
                    .init(dimension: day, granularity: granularity, dateRange: .absolute(from.description, to.description))
                ],
                filters: filters.map { .member($0.0, .equals, [$0.1]) }))
    }

    func id(_ type: InsightType, _ parts: String...) -> String {
        ([type.rawValue, scopeSubject] + parts).joined(separator: ":")
    }
}

extension Insight {
    /// An insight about the recipient's territory over `from`…`to`.
    init(
        context: DetectionContext, type: InsightType, idParts: [String], subject: String? = nil, title: String,
        text: String, tone: InsightTone, priority: Double, from: SQLDate, to: SQLDate, query: CubeQuery,
        values: [InsightEvidence.Value], chart: ChartConfiguration, followUp: String
    ) {
        self.init(
            id: ([type.rawValue, context.scopeSubject] + idParts).joined(separator: ":"), type: type, title: title,
            text: text, tone: tone, priority: min(100, max(0, priority)), subject: subject ?? context.scopeSubject,
            periodStart: from.description, periodEnd: to.description,
            evidence: InsightEvidence(query: query, values: values), chart: chart, followUpQuestion: followUp)
    }
}
