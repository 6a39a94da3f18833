import Foundation
import Insights
import Testing

/// `insights.generator` keys: present keys read, absent ones defaulted, bad ones refused.
@Suite("InsightSettings decoding")
struct InsightSettingsTests {
    static func decode(_ json: String) throws -> InsightSettings {
        try JSONDecoder().decode(InsightSettings.self, from: Data(json.utf8))
    }

    @Test("an empty object is the defaults")
    func empty() throws {
        #expect(try Self.decode("{}") == InsightSettings())
        let defaults = InsightSettings()
        #expect(defaults.topN == 5 && defaults.unusualDaySigma == 2 && defaults.unusualDayBaseline == .robust)
    }

    @Test("keys given are read, the others keep their defaults")
    func partial() throws {
        let settings = try Self.decode(
            #"{"top_n": 3, "unusual_day_sigma": 2.5, "unusual_day_baseline": "mean_sd", "weekday_seasonality": false, "lapse_days": 28}"#)
        var expected = InsightSettings()
        expected.topN = 3
        expected.unusualDaySigma = 2.5
        expected.unusualDayBaseline = .meanStandardDeviation
        expected.weekdaySeasonality = false
        expected.lapseDays = 28
        #expect(settings == expected)
        #expect(try Self.decode(#"{"unusual_day_baseline": "robust"}"#).unusualDayBaseline == .robust)
    }

    @Test("every key is read")
    func everyKey() throws {
        let settings = try Self.decode(
            """
            {"top_n": 7, "maximum_per_type": 3, "unusual_day_sigma": 3, "unusual_day_baseline": "mean_sd",
             "unusual_day_baseline_days": 28, "weekday_seasonality": false, "minimum_change_percent": 5,
             "trend_weeks": 4, "trend_weekly_percent": 2, "trend_minimum_fit": 0.9, "record_weeks": 26,
             "lapse_minimum_purchase_days": 6, "lapse_days": 30, "outlet_concentration_share": 0.4,
             "distributor_concentration_share": 0.7, "stock_build_up_weeks": 6, "stock_build_up_ratio": 2.5}
            """)
        #expect(
            settings
                == InsightSettings(
                    topN: 7, maximumPerType: 3, unusualDaySigma: 3, unusualDayBaseline: .meanStandardDeviation,
                    unusualDayBaselineDays: 28, weekdaySeasonality: false, minimumChangePercent: 5, trendWeeks: 4,
                    trendWeeklyPercent: 2, trendMinimumFit: 0.9, recordWeeks: 26, lapseMinimumPurchaseDays: 6,
                    lapseDays: 30, outletConcentrationShare: 0.4, distributorConcentrationShare: 0.7,
                    stockBuildUpWeeks: 6, stockBuildUpRatio: 2.5))
    }

    @Test("settings survive encoding under the same keys")
    func roundTrip() throws {
        let settings = InsightSettings(topN: 4, unusualDayBaseline: .meanStandardDeviation, stockBuildUpRatio: 3)
        let data = try JSONEncoder().encode(settings)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["top_n"] as? Int == 4)
        #expect(object["unusual_day_baseline"] as? String == "mean_sd")
        #expect(try JSONDecoder().decode(InsightSettings.self, from: data) == settings)
    }

    @Test(
        "invalid values are errors",
        arguments: [
            #"{"top_n": 0}"#, #"{"top_n": -1}"#, #"{"unusual_day_baseline": "median"}"#, #"{"unusual_day_sigma": 0}"#,
            #"{"unusual_day_baseline_days": 7}"#, #"{"trend_weeks": 2}"#, #"{"lapse_days": 0}"#,
            #"{"stock_build_up_weeks": 0}"#, #"{"stock_build_up_ratio": 1}"#, #"{"top_n": "five"}"#,
            // Each of these silently empties digests or can never be met.
            #"{"maximum_per_type": 0}"#, #"{"trend_minimum_fit": 1.5}"#, #"{"outlet_concentration_share": 0}"#,
            #"{"distributor_concentration_share": 2}"#, #"{"minimum_change_percent": -1}"#, #"{"record_weeks": 0}"#,
            #"{"lapse_minimum_purchase_days": 0}"#, #"{"trend_weekly_percent": 0}"#,
        ])
    func invalid(json: String) {
        #expect(throws: DecodingError.self) { try Self.decode(json) }
    }
}
