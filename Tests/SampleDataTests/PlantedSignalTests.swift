import SampleData
import Testing
import Warehouse

/// planted.json is the known truth insight detection is tested against: each entry must be
/// visible in the raw data, measured the way `measure` says.
@Suite("Planted signals")
struct PlantedSignalTests {
    var seeded: Seeded {
        get async throws { try await Fixtures.itc.value }
    }

    @Test("at least 5 anomalies, 3 trends of 8+ weeks, 20 lapsed outlets and 1 stock build-up")
    func minimumCounts() async throws {
        let planted = try await seeded.planted
        #expect(planted.anomalies.count >= 5)
        #expect(Set(planted.anomalies.map(\.scope.kind)) == [.state, .brand])
        #expect(Set(planted.anomalies.map(\.scope)).count == planted.anomalies.count, "one anomaly per scope")
        #expect(planted.trends.count >= 3)
        #expect(planted.trends.allSatisfy { $0.weeks >= 8 && abs($0.weeklyChange) >= 0.02 })
        #expect(planted.trends.contains { $0.weeklyChange > 0 } && planted.trends.contains { $0.weeklyChange < 0 })
        #expect(planted.lapsedOutlets.count >= 20)
        #expect(Set(planted.lapsedOutlets.map(\.scope.value)).count == planted.lapsedOutlets.count)
        #expect(planted.stockBuildUps.count >= 1)
        #expect(planted.promotions.count >= 2 && planted.priceChanges.count >= 1)
        #expect(planted.startDate == "2024-05-27" && planted.endDate == "2025-06-30" && planted.days == 400)
    }

    /// The scope's daily net sales over every day of the period, with the anomaly day's value.
    func dailyStatistics(_ anomaly: PlantedSignals.Anomaly, planted: PlantedSignals) async throws
        -> (value: Double, mean: Double, stdDev: Double)
    {
        let filter =
            anomaly.scope.kind == .state
            ? "signed.outlet IN (SELECT code FROM outlets WHERE state = ?)"
            : "signed.sku IN (SELECT sku FROM products WHERE brand = ?)"
        let result = try await seeded.database.query(
            """
            WITH \(cleanLines),
            days AS (SELECT CAST(generate_series AS DATE) AS d FROM generate_series(CAST(? AS DATE), CAST(? AS DATE), INTERVAL 1 DAY)),
            scoped AS (SELECT bill_date, sum(net) AS v FROM signed WHERE \(filter) GROUP BY 1),
            series AS (SELECT d, coalesce(v, 0) AS v FROM days LEFT JOIN scoped ON scoped.bill_date = days.d)
            SELECT (SELECT v FROM series WHERE d = CAST(? AS DATE)), avg(v), stddev_samp(v), count(*) FROM series
            """,
            [.string(planted.startDate), .string(planted.endDate), .string(anomaly.scope.value), .string(anomaly.date)])
        let row = result.rows[0]
        #expect(row[3] == .int(Int64(planted.days)))
        return (row[0].doubleValue ?? .nan, row[1].doubleValue ?? .nan, row[2].doubleValue ?? .nan)
    }

    @Test("each anomaly day is more than 3 standard deviations off its scope's daily mean, as recorded")
    func anomalies() async throws {
        let planted = try await seeded.planted
        for anomaly in planted.anomalies {
            let (value, mean, stdDev) = try await dailyStatistics(anomaly, planted: planted)
            let z = (value - mean) / stdDev
            #expect(abs(z) > 3, "\(anomaly.id) \(anomaly.scope.value) on \(anomaly.date): z = \(z)")
            #expect(anomaly.direction == .spike ? z > 0 : z < 0)
            #expect(abs(value - anomaly.netSales) < 0.005, "\(anomaly.id): SQL \(value) vs planted \(anomaly.netSales)")
            #expect(abs(mean - anomaly.meanDailyNetSales) < 0.01)
            #expect(abs(stdDev - anomaly.stdDevDailyNetSales) < 0.01)
            #expect(abs(z - anomaly.zScore) < 0.01)
            #expect(anomaly.factor >= 2.5)
        }
    }

    @Test("each lapsed outlet bought regularly and has no line on or after its lapse date")
    func lapsedOutlets() async throws {
        let planted = try await seeded.planted
        for lapse in planted.lapsedOutlets {
            // Any row at all, including re-exports and returns, counts as activity.
            let after = try await seeded.database.int(
                "SELECT count(*) FROM raw_secondary_sales WHERE upper(trim(outlet_code)) = ? AND bill_date >= CAST(? AS DATE)",
                [.string(lapse.scope.value), .string(lapse.lapseDate)])
            #expect(after == 0, "\(lapse.scope.value) has \(after) lines on or after \(lapse.lapseDate)")
            let before = try await seeded.database.query(
                """
                SELECT count(DISTINCT bill_date), max(bill_date) FROM raw_secondary_sales
                WHERE upper(trim(outlet_code)) = ? AND bill_date >= CAST(? AS DATE) - INTERVAL 56 DAY
                """, [.string(lapse.scope.value), .string(lapse.lapseDate)])
            let days = Int(before.rows[0][0].intValue ?? 0)
            #expect(days >= 3, "\(lapse.scope.value) bought on only \(days) days in the 8 weeks before lapsing")
            #expect(days == lapse.purchaseDaysInPrior8Weeks)
            let last = try await seeded.database.query(
                "SELECT max(bill_date) FROM raw_secondary_sales WHERE upper(trim(outlet_code)) = ?",
                [.string(lapse.scope.value)])
            #expect(last.scalar?.description == lapse.lastPurchaseDate)
        }
    }

    @Test("the build-up distributor's primary is well ahead of its secondary over the window, unlike its peers")
    func stockBuildUp() async throws {
        let planted = try await seeded.planted
        let buildUp = try #require(planted.stockBuildUps.first)
        let window: [Value] = [.string(buildUp.startDate), .string(buildUp.endDate)]
        let result = try await seeded.database.query(
            """
            WITH \(cleanLines),
            p AS (SELECT upper(trim(dist_code)) AS dist, sum(qty) AS qty, sum(net_value) AS value FROM (
                    SELECT * FROM raw_primary_invoices
                    QUALIFY row_number() OVER (PARTITION BY upper(trim(invoice_no)), line_no ORDER BY exported_at DESC) = 1)
                  WHERE invoice_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) GROUP BY 1),
            s AS (SELECT dist, sum(CASE WHEN txn IN ('SALE', 'FREE') THEN qty END) AS qty, sum(net) AS value FROM signed
                  WHERE bill_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE) GROUP BY 1)
            SELECT s.dist, coalesce(p.qty, 0), s.qty, coalesce(p.value, 0), s.value FROM s LEFT JOIN p USING (dist)
            """, window + window)
        var peerRatios: [Double] = []
        var found = false
        for row in result.rows {
            let ratio = (row[1].doubleValue ?? 0) / max(1, row[2].doubleValue ?? 0)
            if row[0].description == buildUp.scope.value {
                found = true
                #expect(ratio > 1.8, "primary / secondary quantity = \(ratio)")
                #expect((row[3].doubleValue ?? 0) > (row[4].doubleValue ?? 0) * 1.3, "primary value \(row[3]) vs secondary \(row[4])")
                #expect(row[1].intValue == Int64(buildUp.primaryQuantity))
                #expect(row[2].intValue == Int64(buildUp.secondaryQuantity))
                #expect(abs((row[3].doubleValue ?? 0) - buildUp.primaryNetValue) < 0.005)
                #expect(abs((row[4].doubleValue ?? 0) - buildUp.secondaryNetSales) < 0.005)
            } else if (row[2].doubleValue ?? 0) > 200 {
                peerRatios.append(ratio)
            }
        }
        #expect(found, "\(buildUp.scope.value) has no secondary sales in its window")
        let median = peerRatios.sorted()[peerRatios.count / 2]
        #expect(median > 0.6 && median < 1.4, "peers' median primary / secondary = \(median)")
    }

    @Test("each trend moves its brand's weekly sales the planted way")
    func trends() async throws {
        let planted = try await seeded.planted
        for trend in planted.trends {
            // Trend windows keep clear of the festive season and of the brand's promotions, so
            // the slope of the brand's log weekly sales over the window measures the trend.
            let fit = try await seeded.database.query(
                """
                WITH \(cleanLines),
                weekly AS (
                    SELECT (bill_date - CAST(? AS DATE)) // 7 AS week, sum(net) AS v
                    FROM signed JOIN products p USING (sku)
                    WHERE p.brand = ? AND bill_date BETWEEN CAST(? AS DATE) AND CAST(? AS DATE)
                    GROUP BY 1
                )
                SELECT regr_slope(ln(v), week), count(*), (SELECT v FROM weekly WHERE week = 0) FROM weekly
                """,
                [.string(trend.startDate), .string(trend.scope.value), .string(trend.startDate), .string(trend.endDate)])
            let slope = fit.rows[0][0].doubleValue ?? .nan
            #expect(fit.rows[0][1] == .int(Int64(trend.weeks)))
            // log(1 + r) is about r; a third of it leaves room for noise at small scales.
            if trend.weeklyChange > 0 {
                #expect(slope > trend.weeklyChange / 3, "\(trend.scope.value) should grow: slope \(slope)")
            } else {
                #expect(slope < trend.weeklyChange / 3, "\(trend.scope.value) should shrink: slope \(slope)")
            }
            #expect(abs((fit.rows[0][2].doubleValue ?? 0) - trend.firstWeekNetSales) < 0.005)
            #expect(abs(trend.totalFactor - pow1(1 + trend.weeklyChange, trend.weeks - 1)) < 0.01)
        }
    }

    private func pow1(_ base: Double, _ n: Int) -> Double {
        (0..<n).reduce(1.0) { value, _ in value * base }
    }
}
