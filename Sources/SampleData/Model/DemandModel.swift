import Warehouse

/// Per-day demand, precomputed once: how likely an outlet orders on a day, and how its
/// order lines spread over SKUs in its zone (season, promotions, trends, launches).
struct DemandModel: Sendable {
    /// The product pick table of one day: cumulative weights per zone.
    struct DayWeights {
        let productCount: Int
        /// zones × products, cumulative within a zone.
        var cumulative: [Double]
        /// Lines per order relative to the base mix (season and promotions add lines, not just shift them).
        var lineFactor: [Double]

        @inline(__always)
        func pick(zone: Int, _ u: Double) -> Int {
            let base = zone * productCount
            let target = u * cumulative[base + productCount - 1]
            var low = 0
            var high = productCount - 1
            while low < high {
                let mid = (low + high) / 2
                if cumulative[base + mid] > target { high = mid } else { low = mid + 1 }
            }
            return low
        }
    }

    let days: Int
    let productCount: Int
    let zoneCount: Int
    /// Weekday × season × growth.
    let dayIntensity: [Double]
    /// brand × day multipliers from trends and promotions.
    let brandVolume: [Double]
    /// brand × day extra discount in basis points.
    let promotionBp: [Int]
    /// brand × day: free goods on offer.
    let promotionFreeGoods: [Bool]
    /// season × day.
    let seasonFactor: [Double]
    /// zone × product base weights (popularity × regional taste).
    let baseWeight: [Double]
    let baseTotal: [Double]
    let products: [World.Product]

    init(world: World) {
        let days = world.days
        let brands = world.brands.count
        self.days = days
        self.products = world.products
        productCount = world.products.count
        zoneCount = world.zones.count

        dayIntensity = world.dates.enumerated().map { d, date in
            let growth = 1 + 0.06 * Double(d - days / 2) / 365
            return FestiveCalendar.weekday[date.isoWeekday - 1] * FestiveCalendar.overall(date) * growth
        }
        var seasons = [Double](repeating: 1, count: Seasonality.allCases.count * days)
        for season in Seasonality.allCases {
            for d in 0..<days { seasons[season.rawValue * days + d] = FestiveCalendar.factor(season, on: world.dates[d]) }
        }
        seasonFactor = seasons

        var volume = [Double](repeating: 1, count: brands * days)
        var bp = [Int](repeating: 0, count: brands * days)
        var free = [Bool](repeating: false, count: brands * days)
        for trend in world.plan.trends {
            for d in 0..<days { volume[trend.brand * days + d] *= trend.factor(on: d) }
        }
        for promotion in world.plan.promotions {
            for d in max(0, promotion.startDay)...min(days - 1, promotion.endDay) {
                volume[promotion.brand * days + d] *= promotion.volumeFactor
                bp[promotion.brand * days + d] = promotion.discountBp
                free[promotion.brand * days + d] = promotion.freeGoods
            }
        }
        brandVolume = volume
        promotionBp = bp
        promotionFreeGoods = free

        var weights = [Double](repeating: 0, count: zoneCount * productCount)
        var totals = [Double](repeating: 0, count: zoneCount)
        for zone in 0..<zoneCount {
            for (p, product) in world.products.enumerated() {
                let w = product.popularity * world.brandAffinity[product.brand][zone]
                weights[zone * productCount + p] = w
                totals[zone] += w
            }
        }
        baseWeight = weights
        baseTotal = totals
    }

    /// The list price of a product on a day.
    @inline(__always)
    func pricePaise(_ product: Int, day: Int) -> Int64 {
        let p = products[product]
        return day >= p.priceChangeDay ? p.pricePaise : p.earlierPricePaise
    }

    /// 0 before launch and after discontinuation, ramping up over a new SKU's first four weeks.
    func availability(_ product: Int, day: Int) -> Double {
        let p = products[product]
        guard day >= p.launchDay, day < p.endDay else { return 0 }
        return min(1, Double(day - p.launchDay + 1) / 28)
    }

    func weights(day: Int) -> DayWeights {
        var cumulative = [Double](repeating: 0, count: zoneCount * productCount)
        var factors = [Double](repeating: 1, count: zoneCount)
        var dayFactor = [Double](repeating: 0, count: productCount)
        for (p, product) in products.enumerated() {
            dayFactor[p] =
                seasonFactor[product.season.rawValue * days + day] * brandVolume[product.brand * days + day]
                * availability(p, day: day)
        }
        for zone in 0..<zoneCount {
            var total = 0.0
            for p in 0..<productCount {
                total += baseWeight[zone * productCount + p] * dayFactor[p]
                cumulative[zone * productCount + p] = total
            }
            factors[zone] = total / baseTotal[zone]
        }
        return DayWeights(productCount: productCount, cumulative: cumulative, lineFactor: factors)
    }
}
