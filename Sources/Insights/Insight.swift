public import Semantic
public import Visualization

/// One thing a person should know today, found in their territory's data: what happened,
/// in one sentence with the numbers, how much it matters, and the query that shows it.
public struct Insight: Codable, Sendable, Hashable, Identifiable {
    /// Stable across runs for the same finding (type, subject and the day or period it is
    /// about), so that an alert already pushed is recognised and not pushed again.
    public var id: String
    /// What kind of finding it is.
    public var type: InsightType
    /// A short headline: "Net sales up 12% week over week".
    public var title: String
    /// One sentence with the numbers.
    public var text: String
    /// Good news, bad news, neither, or something to act on.
    public var tone: InsightTone
    /// Higher is more important; insights are ranked by it (0…100).
    public var priority: Double
    /// What the finding is about: `State:Gujarat`, `Brand:Sunfeast`, `Outlet:Metro Wholesale…`,
    /// `Distributor:Gupta Enterprises`, or the recipient's territory.
    public var subject: String
    /// The first and last day the finding covers (ISO dates).
    public var periodStart: String
    /// The last day the finding covers.
    public var periodEnd: String
    /// The Cube query (already narrowed to the recipient's territory) and the values read.
    public var evidence: InsightEvidence
    /// A chart of the evidence.
    public var chart: ChartConfiguration
    /// A question to continue in the chat: "Which brands drove the drop in Gujarat last week?"
    public var followUpQuestion: String

    /// Makes an insight.
    public init(
        id: String, type: InsightType, title: String, text: String, tone: InsightTone, priority: Double,
        subject: String, periodStart: String, periodEnd: String, evidence: InsightEvidence, chart: ChartConfiguration,
        followUpQuestion: String
    ) {
        self.id = id
        self.type = type
        self.title = title
        self.text = text
        self.tone = tone
        self.priority = priority
        self.subject = subject
        self.periodStart = periodStart
        self.periodEnd = periodEnd
        self.evidence = evidence
        self.chart = chart
        self.followUpQuestion = followUpQuestion
    }
}

/// The kinds of finding the generator looks for.
public enum InsightType: String, Codable, Sendable, Hashable, CaseIterable {
    /// Week over week or month over month change of net sales, volume or unique outlets.
    case periodChange = "period_change"
    /// The brands, states or distributors that moved a period's change most.
    case changeDrivers = "change_drivers"
    /// The best and worst growing territories under the recipient's.
    case leadersAndLaggards = "leaders_and_laggards"
    /// A day far off its usual level.
    case unusualDay = "unusual_day"
    /// A series that started growing or shrinking steadily.
    case trendChange = "trend_change"
    /// The highest or lowest week on record.
    case record
    /// Outlets buying for the first time.
    case newOutlets = "new_outlets"
    /// Regular outlets that stopped buying.
    case lapsedOutlets = "lapsed_outlets"
    /// A few outlets or distributors carrying most of a territory's sales.
    case concentrationRisk = "concentration_risk"
    /// A distributor invoiced far more than it sells on (primary ahead of secondary).
    case stockBuildUp = "stock_build_up"
    /// Where the month closes at the current pace.
    case monthEndProjection = "month_end_projection"
}

/// How a finding reads for the business.
public enum InsightTone: String, Codable, Sendable, Hashable, CaseIterable {
    /// Good news.
    case positive
    /// Bad news.
    case negative
    /// Neither.
    case neutral
    /// Needs action before it becomes bad news.
    case warning
}

/// The numbers behind an insight and the query that reproduces them.
public struct InsightEvidence: Codable, Sendable, Hashable {
    /// One named number.
    public struct Value: Codable, Sendable, Hashable {
        /// What it is: "net sales, week to 2026-12-06".
        public var name: String
        /// The number.
        public var value: Double
        /// The id of the outlet or distributor it is about (names repeat: two shops of one
        /// name in one city); the evidence query returns that id beside the name.
        public var key: String?

        /// Makes a value.
        public init(name: String, value: Double, key: String? = nil) {
            self.name = name
            self.value = value
            self.key = key
        }
    }

    /// The Cube query, narrowed to the recipient's territory; run through `/cubejs-api/v1/load`
    /// by the same user it returns the numbers below.
    public var query: CubeQuery
    /// The numbers the sentence quotes.
    public var values: [Value]

    /// Makes evidence.
    public init(query: CubeQuery, values: [Value]) {
        self.query = query
        self.values = values
    }
}
