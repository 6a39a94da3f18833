/// How the generator looks for insights; every threshold can be set per deployment
/// (`insights.generator` in the configuration).
public struct InsightSettings: Codable, Sendable, Hashable {
    /// How a day's level is judged unusual.
    public enum Baseline: String, Codable, Sendable, Hashable {
        /// Mean and standard deviation of the baseline days.
        case meanStandardDeviation = "mean_sd"
        /// Median and scaled median absolute deviation: one wild day in the baseline does not
        /// hide the next one.
        case robust
    }

    /// Insights kept per recipient (after ranking and merging).
    public var topN: Int
    /// At most this many insights of one type in a digest, so that five lapsed-outlet notes
    /// do not crowd out everything else.
    public var maximumPerType: Int
    /// A day is unusual past this many (robust) standard deviations.
    public var unusualDaySigma: Double
    /// Mean/SD or median/MAD.
    public var unusualDayBaseline: Baseline
    /// Days before the day judged that form its baseline.
    public var unusualDayBaselineDays: Int
    /// Judge each day against the same weekday (Sunday sales are a third of a Monday's).
    public var weekdaySeasonality: Bool
    /// A period-over-period change smaller than this (percent) is not news, except for net
    /// sales, which is always reported (with a low priority when small).
    public var minimumChangePercent: Double
    /// Weeks of each of the two windows a trend change compares.
    public var trendWeeks: Int
    /// A steady weekly change (percent a week) that counts as a trend.
    public var trendWeeklyPercent: Double
    /// How well the weekly line must fit (R², 0…1) to call it steady.
    public var trendMinimumFit: Double
    /// Weeks of history a record must beat.
    public var recordWeeks: Int
    /// An outlet is regular with at least this many buying days in the 8 weeks before its
    /// last purchase.
    public var lapseMinimumPurchaseDays: Int
    /// …and lapsed after this many days without a purchase, or three of its usual gaps, or
    /// two and a half times its longest gap of the four months before, whichever is longest (outlets pause for
    /// weeks now and then; a lapse is a silence longer than any before).
    public var lapseDays: Int
    /// Concentration risk: the top five outlets carrying at least this share (0…1) of a
    /// territory's net sales over four weeks…
    public var outletConcentrationShare: Double
    /// …or the largest distributor carrying at least this share, where three or more serve.
    public var distributorConcentrationShare: Double
    /// Stock build-up: primary quantity over this many weeks at least `stockBuildUpRatio`
    /// times the secondary quantity.
    public var stockBuildUpWeeks: Int
    /// See `stockBuildUpWeeks`.
    public var stockBuildUpRatio: Double

    /// The defaults: five insights, 2 sigma (median/MAD) with weekday seasonality, 3 % change,
    /// trends of 3 % a week over six weeks fitting R² ≥ 0.85, outlets with 8 buying days in
    /// 8 weeks lapsed after 21 days (or longer gaps), top-five outlets over 35 %, a distributor
    /// over 60 %, primary 2× secondary over four weeks.
    public init(
        topN: Int = 5, maximumPerType: Int = 2, unusualDaySigma: Double = 2, unusualDayBaseline: Baseline = .robust,
        unusualDayBaselineDays: Int = 56, weekdaySeasonality: Bool = true, minimumChangePercent: Double = 3,
        trendWeeks: Int = 6, trendWeeklyPercent: Double = 3, trendMinimumFit: Double = 0.85, recordWeeks: Int = 52,
        lapseMinimumPurchaseDays: Int = 8, lapseDays: Int = 21, outletConcentrationShare: Double = 0.35,
        distributorConcentrationShare: Double = 0.6, stockBuildUpWeeks: Int = 4, stockBuildUpRatio: Double = 2.0
    ) {
        self.topN = topN
        self.maximumPerType = maximumPerType
        self.unusualDaySigma = unusualDaySigma
        self.unusualDayBaseline = unusualDayBaseline
        self.unusualDayBaselineDays = unusualDayBaselineDays
        self.weekdaySeasonality = weekdaySeasonality
        self.minimumChangePercent = minimumChangePercent
        self.trendWeeks = trendWeeks
        self.trendWeeklyPercent = trendWeeklyPercent
        self.trendMinimumFit = trendMinimumFit
        self.recordWeeks = recordWeeks
        self.lapseMinimumPurchaseDays = lapseMinimumPurchaseDays
        self.lapseDays = lapseDays
        self.outletConcentrationShare = outletConcentrationShare
        self.distributorConcentrationShare = distributorConcentrationShare
        self.stockBuildUpWeeks = stockBuildUpWeeks
        self.stockBuildUpRatio = stockBuildUpRatio
    }

    private enum CodingKeys: String, CodingKey {
        case topN = "top_n", maximumPerType = "maximum_per_type", unusualDaySigma = "unusual_day_sigma"
        case unusualDayBaseline = "unusual_day_baseline", unusualDayBaselineDays = "unusual_day_baseline_days"
        case weekdaySeasonality = "weekday_seasonality", minimumChangePercent = "minimum_change_percent"
        case trendWeeks = "trend_weeks", trendWeeklyPercent = "trend_weekly_percent"
        case trendMinimumFit = "trend_minimum_fit", recordWeeks = "record_weeks"
        case lapseMinimumPurchaseDays = "lapse_minimum_purchase_days", lapseDays = "lapse_days"
        case outletConcentrationShare = "outlet_concentration_share"
        case distributorConcentrationShare = "distributor_concentration_share"
        case stockBuildUpWeeks = "stock_build_up_weeks", stockBuildUpRatio = "stock_build_up_ratio"
    }

    /// Reads the keys present and keeps the defaults for the others.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = InsightSettings()
        topN = try c.decodeIfPresent(Int.self, forKey: .topN) ?? d.topN
        maximumPerType = try c.decodeIfPresent(Int.self, forKey: .maximumPerType) ?? d.maximumPerType
        unusualDaySigma = try c.decodeIfPresent(Double.self, forKey: .unusualDaySigma) ?? d.unusualDaySigma
        unusualDayBaseline = try c.decodeIfPresent(Baseline.self, forKey: .unusualDayBaseline) ?? d.unusualDayBaseline
        unusualDayBaselineDays = try c.decodeIfPresent(Int.self, forKey: .unusualDayBaselineDays) ?? d.unusualDayBaselineDays
        weekdaySeasonality = try c.decodeIfPresent(Bool.self, forKey: .weekdaySeasonality) ?? d.weekdaySeasonality
        minimumChangePercent = try c.decodeIfPresent(Double.self, forKey: .minimumChangePercent) ?? d.minimumChangePercent
        trendWeeks = try c.decodeIfPresent(Int.self, forKey: .trendWeeks) ?? d.trendWeeks
        trendWeeklyPercent = try c.decodeIfPresent(Double.self, forKey: .trendWeeklyPercent) ?? d.trendWeeklyPercent
        trendMinimumFit = try c.decodeIfPresent(Double.self, forKey: .trendMinimumFit) ?? d.trendMinimumFit
        recordWeeks = try c.decodeIfPresent(Int.self, forKey: .recordWeeks) ?? d.recordWeeks
        lapseMinimumPurchaseDays =
            try c.decodeIfPresent(Int.self, forKey: .lapseMinimumPurchaseDays) ?? d.lapseMinimumPurchaseDays
        lapseDays = try c.decodeIfPresent(Int.self, forKey: .lapseDays) ?? d.lapseDays
        outletConcentrationShare =
            try c.decodeIfPresent(Double.self, forKey: .outletConcentrationShare) ?? d.outletConcentrationShare
        distributorConcentrationShare =
            try c.decodeIfPresent(Double.self, forKey: .distributorConcentrationShare) ?? d.distributorConcentrationShare
        stockBuildUpWeeks = try c.decodeIfPresent(Int.self, forKey: .stockBuildUpWeeks) ?? d.stockBuildUpWeeks
        stockBuildUpRatio = try c.decodeIfPresent(Double.self, forKey: .stockBuildUpRatio) ?? d.stockBuildUpRatio
        let share = { (value: Double) in value > 0 && value <= 1 }
        guard topN > 0, maximumPerType > 0, unusualDaySigma > 0, unusualDayBaselineDays >= 14, trendWeeks >= 3,
            trendWeeklyPercent > 0, (0...1).contains(trendMinimumFit), recordWeeks > 0, minimumChangePercent >= 0,
            lapseMinimumPurchaseDays > 0, lapseDays > 0, share(outletConcentrationShare),
            share(distributorConcentrationShare), stockBuildUpWeeks > 0, stockBuildUpRatio > 1
        else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription:
                    "insights.generator: top_n, maximum_per_type, unusual_day_sigma, trend_weekly_percent, record_weeks, lapse_minimum_purchase_days, lapse_days and stock_build_up_weeks must be positive, minimum_change_percent not negative, trend_minimum_fit within 0…1, the concentration shares above 0 and at most 1, unusual_day_baseline_days at least 14, trend_weeks at least 3, stock_build_up_ratio above 1"))
        }
    }
}
