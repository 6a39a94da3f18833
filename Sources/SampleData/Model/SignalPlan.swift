import Warehouse

/// The events fixed before simulation: trends, promotions, price increases, lapsing
/// outlets and the stock build-up. (Anomalies are sized later from a baseline run.)
struct SignalPlan: Sendable {
    struct Trend: Sendable {
        var brand: Int
        var startDay: Int
        var weeks: Int
        var weeklyChange: Double

        var endDay: Int { startDay + weeks * 7 - 1 }

        /// The demand multiplier on day `d`: steps once a week, holds after the end.
        func factor(on day: Int) -> Double {
            guard day >= startDay else { return 1 }
            let steps = min((day - startDay) / 7, weeks - 1)
            var f = 1.0
            for _ in 0..<steps { f *= 1 + weeklyChange }
            return f
        }
    }

    struct Promotion: Sendable {
        var brand: Int
        var startDay: Int
        var endDay: Int
        var discountBp: Int
        var volumeFactor: Double
        var freeGoods: Bool
    }

    struct PriceChange: Sendable {
        var brand: Int
        var day: Int
        var percent: Int
    }

    struct Lapse: Sendable {
        var outlet: Int
        var day: Int
    }

    struct BuildUp: Sendable {
        var distributor: Int
        var startWeek: Int
        var weeks: Int
        /// Extra weeks of stock ordered in each week of the window.
        var extraCoverPerWeek: Double

        var startDay: Int { startWeek * 7 }
        var endDay: Int { (startWeek + weeks) * 7 - 1 }
        var factor: Double { 1 + extraCoverPerWeek }
    }

    var trends: [Trend]
    var promotions: [Promotion]
    var priceChanges: [PriceChange]
    var lapses: [Lapse]
    var buildUp: BuildUp

    /// Draws the plan. Outlets and distributors are final; the plan only picks among them.
    static func draw(
        start: SQLDate, days: Int, brands: [World.Brand], products: [World.Product], outlets: [World.Outlet],
        distributors: [World.Distributor], seed: UInt64
    ) -> SignalPlan {
        var rng = SeededRandom(seed: seed, .plan)
        let weeks = days / 7

        // The festive season moves every brand; a trend inside it would be hard to see.
        let first = start.components.year
        let festive = (first...(first + days / 365 + 1)).map { year in
            let diwali = FestiveCalendar.diwaliDay(year: year) - Int(start.daysSinceEpoch)
            return (diwali - 50)...(diwali + 30)
        }

        // Trends on well-selling brands without a strong season of their own, so that the
        // change stands out of the noise and is not mistaken for summer or Diwali.
        let seasonal = brands.map { brand in
            let total = brand.products.reduce(0.0) { $0 + products[$1].popularity }
            let strong = brand.products.filter { [.summer, .winter, .festive, .school].contains(products[$0].season) }
            return strong.reduce(0.0) { $0 + products[$1].popularity } / total
        }
        let byShare = brands.indices.sorted {
            (seasonal[$0] < 0.25 ? 1 : 0, brands[$0].share, -$0) > (seasonal[$1] < 0.25 ? 1 : 0, brands[$1].share, -$1)
        }
        let trendPool = rng.shuffled(Array(byShare.prefix(4)))
        let trendRates = [0.04, -0.04, 0.05]
        let trendWeeks = max(8, min(12, weeks - 4))
        var trends: [Trend] = []
        for (i, brand) in trendPool.prefix(3).enumerated() {
            var trend = Trend(brand: brand, startDay: 0, weeks: trendWeeks, weeklyChange: trendRates[i])
            for _ in 0..<50 {
                trend.startDay = rng.int(in: 1...max(1, weeks - trendWeeks - 2)) * 7
                if !festive.contains(where: { $0.overlaps(trend.startDay...trend.endDay) }) { break }
            }
            trends.append(trend)
        }
        let trendBrands = Set(trends.map(\.brand))

        // Promotions: a few a quarter, never on a brand while its trend runs, never two at once on a brand.
        var promotions: [Promotion] = []
        for _ in 0..<max(2, days / 50) {
            for _ in 0..<30 {
                let brand = rng.int(below: brands.count)
                let length = rng.int(in: 14...21)
                let start = rng.int(in: 7...(days - length - 7))
                let end = start + length - 1
                let clashesWithTrend = trends.contains {
                    $0.brand == brand && start <= $0.endDay + 14 && end >= $0.startDay - 7
                }
                let clashesWithPromotion = promotions.contains {
                    $0.brand == brand && start <= $0.endDay + 14 && end >= $0.startDay - 14
                }
                guard !clashesWithTrend, !clashesWithPromotion else { continue }
                promotions.append(
                    Promotion(
                        brand: brand, startDay: start, endDay: end, discountBp: rng.int(in: 8...15) * 100,
                        volumeFactor: 1.25 + 0.05 * Double(rng.int(in: 0...7)), freeGoods: rng.chance(0.4)))
                break
            }
        }
        promotions.sort { ($0.startDay, $0.brand) < ($1.startDay, $1.brand) }

        // Two brand-wide price increases, about 40 % and 70 % into the period.
        let priceBrands = rng.shuffled(brands.indices.filter { !trendBrands.contains($0) })
        let priceChanges = [0.42, 0.68].enumerated().map { i, at in
            PriceChange(brand: priceBrands[i], day: Int(Double(days) * at), percent: rng.int(in: 5...9))
        }

        // Lapses: the most regular buyers that existed before the period, stopping between
        // about a third of the way in and four weeks before the end (so the silence is
        // visible), with eight weeks of buying before it.
        let lapseCount = max(20, (outlets.count + 25) / 50)
        let eligible = outlets.indices.filter { outlets[$0].onboardDay <= -28 && outlets[$0].channel != .ecommerce }
            .sorted { (outlets[$0].rate, -$0) > (outlets[$1].rate, -$1) }
        let pool = rng.shuffled(Array(eligible.prefix(lapseCount * 2)))
        let earliest = min(days - 28, max(56, days * 35 / 100))
        let lapses = pool.prefix(lapseCount).map { Lapse(outlet: $0, day: rng.int(in: earliest...(days - 28))) }
            .sorted { $0.outlet < $1.outlet }

        // The stock build-up: the busiest distributor, loaded for four to six weeks.
        var outletsPerDistributor = [Int](repeating: 0, count: distributors.count)
        for outlet in outlets { outletsPerDistributor[outlet.distributor] += 1 }
        let busiest = distributors.indices.filter { !distributors[$0].isSuperStockist }
            .max { (outletsPerDistributor[$0], -$0) < (outletsPerDistributor[$1], -$1) } ?? 0
        let buildWeeks = weeks >= 26 ? 6 : 4
        let buildUp = BuildUp(
            distributor: busiest, startWeek: rng.int(in: 2...max(2, weeks - buildWeeks - 5)), weeks: buildWeeks,
            extraCoverPerWeek: 1.3)

        return SignalPlan(
            trends: trends, promotions: promotions, priceChanges: priceChanges, lapses: lapses, buildUp: buildUp)
    }
}
