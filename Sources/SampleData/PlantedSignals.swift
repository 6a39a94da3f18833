/// The signals a seed planted in its data, with their dates, scope, size and measured
/// effect: the known truth that insight detection is tested against.
///
/// Money is in rupees. "Net sales" is the measure named in ``measure``: the signed net
/// value of the secondary-sales lines, each `line_id` counted once. Codes are in their
/// clean form (upper case, trimmed), as staging produces them.
public struct PlantedSignals: Codable, Sendable, Hashable {
    /// What a planted signal applies to.
    public struct Scope: Codable, Sendable, Hashable {
        /// The kind of thing a scope names.
        public enum Kind: String, Codable, Sendable, Hashable {
            /// A state, by name (`Maharashtra`).
            case state
            /// A brand, by name (`Sunfeast`).
            case brand
            /// An outlet, by `outlet_code`.
            case outlet
            /// A distributor, by `dist_code`.
            case distributor
        }

        /// The kind.
        public var kind: Kind
        /// The state or brand name, or the outlet or distributor code.
        public var value: String

        /// Makes a scope.
        public init(kind: Kind, value: String) {
            self.kind = kind
            self.value = value
        }
    }

    /// One day whose net sales for a state or brand are far off the norm.
    public struct Anomaly: Codable, Sendable, Hashable {
        /// Which way the day is off.
        ///
        /// Seeds plant spikes only: with Sunday sales under half a weekday's, even a day
        /// without any sales is less than four standard deviations below the plain daily
        /// mean, so a drop could not meet the "more than three deviations off" contract.
        public enum Direction: String, Codable, Sendable, Hashable {
            /// Far above the norm.
            case spike
            /// Far below the norm.
            case drop
        }

        /// A stable id, `anomaly-1`…
        public var id: String
        /// The day.
        public var date: String
        /// Spike or drop.
        public var direction: Direction
        /// The state or brand.
        public var scope: Scope
        /// The planned size: the day's net sales over the scope's mean daily net sales.
        public var factor: Double
        /// The day's net sales as written.
        public var netSales: Double
        /// The scope's mean daily net sales over the whole period (this day included).
        public var meanDailyNetSales: Double
        /// The sample standard deviation of the scope's daily net sales over the period.
        public var stdDevDailyNetSales: Double
        /// (netSales − mean) / standard deviation.
        public var zScore: Double
        /// The expected effect, in words.
        public var effect: String
    }

    /// A brand growing or shrinking by a steady weekly rate.
    public struct Trend: Codable, Sendable, Hashable {
        /// A stable id, `trend-1`…
        public var id: String
        /// The brand.
        public var scope: Scope
        /// The first day of the trend.
        public var startDate: String
        /// The last day of the trend; the brand stays at the level reached afterwards.
        public var endDate: String
        /// Whole weeks of the trend.
        public var weeks: Int
        /// The change per week, e.g. 0.03 for +3 % a week.
        public var weeklyChange: Double
        /// The demand multiplier reached at the end, (1 + weeklyChange)^(weeks − 1).
        public var totalFactor: Double
        /// Net sales of the brand in the trend's first week.
        public var firstWeekNetSales: Double
        /// Net sales of the brand in the trend's last week.
        public var lastWeekNetSales: Double
        /// The expected effect, in words.
        public var effect: String
    }

    /// An outlet that bought regularly and then stopped.
    public struct LapsedOutlet: Codable, Sendable, Hashable {
        /// The outlet.
        public var scope: Scope
        /// Its name.
        public var outletName: String
        /// Its channel (`General Trade`…).
        public var channel: String
        /// Its city.
        public var city: String
        /// Its state.
        public var state: String
        /// The distributor that served it.
        public var distributorCode: String
        /// The first day without purchases: no line has this bill date or a later one.
        public var lapseDate: String
        /// Its last bill date.
        public var lastPurchaseDate: String
        /// Days with a bill in the 8 weeks before the lapse date.
        public var purchaseDaysInPrior8Weeks: Int
        /// The expected effect, in words.
        public var effect: String
    }

    /// A distributor loaded with stock: primary invoices well ahead of its secondary sales.
    public struct StockBuildUp: Codable, Sendable, Hashable {
        /// The distributor.
        public var scope: Scope
        /// Its name.
        public var distributorName: String
        /// Its state.
        public var state: String
        /// The first day of the build-up.
        public var startDate: String
        /// The last day of the build-up.
        public var endDate: String
        /// The planned ratio of primary to secondary quantity over the window.
        public var factor: Double
        /// Units invoiced to the distributor (primary) over the window.
        public var primaryQuantity: Int
        /// Units the distributor sold to outlets (secondary SALE and FREE lines) over the window.
        public var secondaryQuantity: Int
        /// Net value of the primary invoices over the window.
        public var primaryNetValue: Double
        /// Net sales of the distributor's secondary lines over the window.
        public var secondaryNetSales: Double
        /// The expected effect, in words.
        public var effect: String
    }

    /// A brand-period promotion: extra discount, more volume, sometimes free goods.
    public struct Promotion: Codable, Sendable, Hashable {
        /// The brand.
        public var scope: Scope
        /// The first day.
        public var startDate: String
        /// The last day.
        public var endDate: String
        /// The extra discount, in percent of gross value.
        public var discountPercent: Double
        /// The demand multiplier while it runs.
        public var volumeFactor: Double
        /// Whether FREE lines (buy 12, get 1) come with it.
        public var freeGoods: Bool
    }

    /// A brand-wide list-price increase.
    public struct PriceChange: Codable, Sendable, Hashable {
        /// The brand.
        public var scope: Scope
        /// The first day at the new price.
        public var effectiveDate: String
        /// The planned increase in percent (each SKU's new price is rounded to whole rupees).
        public var percent: Double
    }

    /// The tenant.
    public var tenant: String
    /// The seed.
    public var seed: UInt64
    /// The first day with data.
    public var startDate: String
    /// The last day with data.
    public var endDate: String
    /// Days of history.
    public var days: Int
    /// The volume multiplier.
    public var scale: Double
    /// How the effects below are measured.
    public var measure: String
    /// Days far off the norm for a state or brand.
    public var anomalies: [Anomaly]
    /// Brands growing or shrinking steadily.
    public var trends: [Trend]
    /// Outlets that stopped buying.
    public var lapsedOutlets: [LapsedOutlet]
    /// Distributors loaded with stock.
    public var stockBuildUps: [StockBuildUp]
    /// Brand promotions (part of the normal pattern, listed so detectors can tell them apart).
    public var promotions: [Promotion]
    /// Price increases (part of the normal pattern, listed likewise).
    public var priceChanges: [PriceChange]

    /// Makes a record.
    public init(
        tenant: String, seed: UInt64, startDate: String, endDate: String, days: Int, scale: Double, measure: String,
        anomalies: [Anomaly], trends: [Trend], lapsedOutlets: [LapsedOutlet], stockBuildUps: [StockBuildUp],
        promotions: [Promotion], priceChanges: [PriceChange]
    ) {
        self.tenant = tenant
        self.seed = seed
        self.startDate = startDate
        self.endDate = endDate
        self.days = days
        self.scale = scale
        self.measure = measure
        self.anomalies = anomalies
        self.trends = trends
        self.lapsedOutlets = lapsedOutlets
        self.stockBuildUps = stockBuildUps
        self.promotions = promotions
        self.priceChanges = priceChanges
    }
}
