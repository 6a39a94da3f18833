/// Daily signed net sales (paise) per state and per brand: the baseline pass fills it to
/// size the anomalies, the writing pass to report what was written.
struct DailySeries: SecondaryLineSink {
    let days: Int
    private let outletState: [Int]
    private let productBrand: [Int]
    private(set) var state: [Int64]
    private(set) var brand: [Int64]
    private var currentState = 0
    private var currentDay = 0

    init(world: World) {
        days = world.days
        outletState = world.outlets.map(\.state)
        productBrand = world.products.map(\.brand)
        state = [Int64](repeating: 0, count: world.states.count * days)
        brand = [Int64](repeating: 0, count: world.brands.count * days)
    }

    mutating func beginBill(outlet: Int, day: Int) {
        currentState = outletState[outlet]
        currentDay = day
    }

    mutating func line(_ line: SecondaryLine) {
        let value = line.signedNetPaise
        state[currentState * days + currentDay] += value
        brand[productBrand[line.product] * days + currentDay] += value
    }

    func series(_ scope: PlannedAnomaly.Scope) -> ArraySlice<Int64> {
        switch scope {
        case .state(let s): return state[(s * days)..<((s + 1) * days)]
        case .brand(let b): return brand[(b * days)..<((b + 1) * days)]
        }
    }

    /// Mean and sample standard deviation of a daily series, in paise.
    static func statistics(_ series: ArraySlice<Int64>) -> (mean: Double, stdDev: Double) {
        let n = Double(series.count)
        guard series.count > 1 else { return (series.first.map(Double.init) ?? 0, 0) }
        let mean = series.reduce(0.0) { $0 + Double($1) } / n
        let squares = series.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) }
        return (mean, (squares / (n - 1)).squareRoot())
    }
}
