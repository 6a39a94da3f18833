import Warehouse

/// A one-day anomaly sized against the baseline: SALE lines worth `extraPaise` added to a
/// state's or brand's day.
///
/// Every anomaly is a spike. A one-day drop cannot be planted so that it lies more than
/// three standard deviations below the plain daily mean (the contract planted.json is
/// checked against): Sunday sales are under half a weekday's, so the daily series varies
/// by a quarter of its mean or more even before noise, and a day at zero is less than four
/// deviations below it.
struct PlannedAnomaly: Sendable {
    enum Scope: Sendable, Hashable {
        case state(Int)
        case brand(Int)
    }

    /// Names the anomaly's own random stream.
    var index: Int
    var scope: Scope
    var day: Int
    /// The planned day total over the scope's mean daily net sales.
    var factor: Double
    var extraPaise: Int64

    /// Sizes six spikes (three states, three brands) from the baseline series: each day
    /// reaches the larger of 2.5–4 times the scope's mean and the mean plus eight
    /// baseline standard deviations, so it stays far out at every scale.
    static func plan(world: World, baseline: DailySeries, seed: UInt64) throws -> [PlannedAnomaly] {
        var rng = SeededRandom(seed: seed, .anomalyPlan)
        let days = world.days
        let trendBrands = Set(world.plan.trends.map(\.brand))

        func ranked(_ scopes: [Scope]) -> [Scope] {
            let means = scopes.map { DailySeries.statistics(baseline.series($0)).mean }
            let order = scopes.indices.filter { means[$0] > 0 }.sorted { (means[$0], -$0) > (means[$1], -$1) }
            return order.map { scopes[$0] }
        }
        let states = ranked(world.states.indices.map { .state($0) })
        // Trend brands move all the time; an anomaly there would be muddled by the trend.
        let brands = ranked(world.brands.indices.filter { !trendBrands.contains($0) }.map { .brand($0) })
        guard states.count >= 3, brands.count >= 3 else {
            throw SampleDataError(.plantingFailed, "too few states or brands with sales to plant anomalies in")
        }
        let scopes =
            rng.shuffled(Array(states.prefix(max(3, states.count / 2)))).prefix(3)
            + rng.shuffled(Array(brands.prefix(max(3, brands.count / 2)))).prefix(3)

        var planned: [PlannedAnomaly] = []
        for scope in scopes {
            let series = baseline.series(scope)
            let (mean, stdDev) = DailySeries.statistics(series)
            func usable(_ day: Int) -> Bool {
                guard world.dates[day].isoWeekday != 7 else { return false }
                guard !planned.contains(where: { abs($0.day - day) < 3 }) else { return false }
                if case .brand(let b) = scope {
                    return !world.plan.promotions.contains { $0.brand == b && day >= $0.startDay - 1 && day <= $0.endDay + 1 }
                }
                return true
            }
            var day = rng.int(in: 7...(days - 8))
            for _ in 0..<400 where !usable(day) { day = rng.int(in: 7...(days - 8)) }
            let nominal = [2.5, 3.0, 3.5, 4.0][rng.int(below: 4)]
            let target = max(nominal * mean, mean + 8 * stdDev)
            planned.append(
                PlannedAnomaly(
                    index: planned.count + 1, scope: scope, day: day, factor: target / mean,
                    extraPaise: Int64(target - Double(series[series.startIndex + day]))))
        }
        return planned.sorted { $0.day < $1.day }
    }
}
