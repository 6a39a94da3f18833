/// Simulates a day of distributor → outlet sales: which outlets order, how many lines, which
/// SKUs and quantities, with free goods, returns and damages.
///
/// A day depends only on the world, the demand model, the seed and the day index (each day
/// has its own random stream), so the baseline pass and the writing pass see the same lines.
struct SecondarySimulator: Sendable {
    /// What the simulation needs of an outlet, without its strings (the hot loop copies it).
    struct Profile: Sendable {
        var state: Int
        var zone: Int
        var channel: World.Channel
        var rate: Double
        var linesMean: Double
        var lineRupees: Double
        var discountBp: Int
        var onboardDay: Int
        var lapseDay: Int
    }

    let world: World
    let model: DemandModel
    let seed: UInt64
    let profiles: [Profile]

    init(world: World, model: DemandModel, seed: UInt64) {
        self.world = world
        self.model = model
        self.seed = seed
        profiles = world.outlets.map {
            Profile(
                state: $0.state, zone: $0.zone, channel: $0.channel, rate: $0.rate, linesMean: $0.linesMean,
                lineRupees: $0.lineRupees, discountBp: $0.discountBp, onboardDay: $0.onboardDay, lapseDay: $0.lapseDay)
        }
    }

    func simulate<Sink: SecondaryLineSink>(day: Int, weights: DemandModel.DayWeights, into sink: inout Sink) {
        var rng = SeededRandom(seed: seed, .secondaryDay, index: day)
        let intensity = model.dayIntensity[day]
        for index in profiles.indices {
            let outlet = profiles[index]
            guard outlet.onboardDay <= day, day < outlet.lapseDay else { continue }
            var p = outlet.rate * intensity
            // New outlets take a few weeks to order at their full rhythm.
            if day - outlet.onboardDay < 28 { p *= 0.6 }
            guard rng.uniform() < p else { continue }
            sink.beginBill(outlet: index, day: day)
            let extra = (outlet.linesMean - 1) * weights.lineFactor[outlet.zone] * rng.skewed()
            let lines = min(model.productCount, 1 + Int(extra + rng.uniform()))
            var chosen = ProductMask()
            for _ in 0..<lines {
                var product = weights.pick(zone: outlet.zone, rng.uniform())
                var tries = 0
                while chosen.contains(product), tries < 4 {
                    product = weights.pick(zone: outlet.zone, rng.uniform())
                    tries += 1
                }
                guard !chosen.contains(product) else { continue }
                chosen.insert(product)
                writeLines(outlet: outlet, product: product, day: day, boost: 1, rng: &rng, into: &sink)
            }
        }
    }

    /// A SALE line and the FREE, RETURN and DAMAGE lines that sometimes come with it.
    private func writeLines<Sink: SecondaryLineSink>(
        outlet: Profile, product: Int, day: Int, boost: Double, rng: inout SeededRandom, into sink: inout Sink
    ) {
        let brand = world.products[product].brand
        let price = model.pricePaise(product, day: day)
        let quantity = self.quantity(outlet: outlet, price: price, boost: boost, rng: &rng)
        let discountBp = outlet.discountBp + model.promotionBp[brand * model.days + day]
        sink.line(SecondaryLine(product: product, kind: .sale, quantity: quantity, ratePaise: price, discountBp: discountBp))
        let freeChance = model.promotionFreeGoods[brand * model.days + day] ? 0.5 : 0.03
        if quantity >= 6, rng.chance(freeChance) {
            sink.line(
                SecondaryLine(product: product, kind: .free, quantity: max(1, quantity / 12), ratePaise: price, discountBp: 0))
        }
        if rng.chance(0.04) {
            let returned = max(1, Int(Double(quantity) * rng.uniform(0.2, 1.2)))
            sink.line(
                SecondaryLine(product: product, kind: .salesReturn, quantity: returned, ratePaise: price, discountBp: discountBp))
        }
        if rng.chance(0.006) {
            let damaged = max(1, Int(Double(quantity) * rng.uniform(0.05, 0.25)))
            sink.line(SecondaryLine(product: product, kind: .damage, quantity: damaged, ratePaise: price, discountBp: 0))
        }
    }

    private func quantity(outlet: Profile, price: Int64, boost: Double, rng: inout SeededRandom) -> Int {
        let units = outlet.lineRupees * 100 * boost * rng.skewed() / Double(price)
        var quantity = max(1, Int(units + rng.uniform()))
        // Cheap packs go out in strings and outers of six.
        if quantity >= 24 { quantity = (quantity + 3) / 6 * 6 }
        return quantity
    }

    /// Extra SALE lines for a planted spike, until their net value reaches the planned extra:
    /// a scheme-driven loading day in a state, or bulk orders of one brand.
    /// Returns the net value added.
    @discardableResult
    func writeSpike<Sink: SecondaryLineSink>(
        _ anomaly: PlannedAnomaly, weights: DemandModel.DayWeights, into sink: inout Sink
    ) -> Int64 {
        var rng = SeededRandom(seed: seed, .anomalyLines, index: anomaly.index)
        let day = anomaly.day
        let candidates = profiles.indices.filter { i in
            let o = profiles[i]
            guard o.onboardDay <= day, day < o.lapseDay else { return false }
            switch anomaly.scope {
            case .state(let state): return o.state == state
            case .brand: return o.channel != .ecommerce
            }
        }
        guard !candidates.isEmpty else { return 0 }
        var added: Int64 = 0
        var bills = 0
        while added < anomaly.extraPaise, bills < 1_000_000 {
            bills += 1
            let index = rng.pick(candidates)
            let outlet = profiles[index]
            sink.beginBill(outlet: index, day: day)
            var products: [Int]
            switch anomaly.scope {
            case .state:
                var chosen = ProductMask()
                products = []
                for _ in 0..<(1 + rng.int(below: 6)) {
                    let p = weights.pick(zone: outlet.zone, rng.uniform())
                    if !chosen.contains(p) {
                        chosen.insert(p)
                        products.append(p)
                    }
                }
            case .brand(let brand):
                let available = world.brands[brand].products.filter { model.availability($0, day: day) > 0 }
                products = Array(rng.shuffled(available).prefix(1 + rng.int(below: 3)))
            }
            for product in products {
                let price = model.pricePaise(product, day: day)
                let quantity = self.quantity(outlet: outlet, price: price, boost: rng.uniform(1.5, 3), rng: &rng)
                let brand = world.products[product].brand
                let line = SecondaryLine(
                    product: product, kind: .sale, quantity: quantity, ratePaise: price,
                    discountBp: outlet.discountBp + model.promotionBp[brand * model.days + day])
                sink.line(line)
                added += line.signedNetPaise
            }
        }
        return added
    }
}
