import Warehouse

/// Builds a tenant's ``World`` from its catalogue, the geography and the seed.
struct WorldBuilder {
    /// Outlets at scale 1.0, sized so that 730 days give about 1,000,000 secondary lines.
    static let outletsAtScaleOne = 2_200.0
    /// Every city keeps an outlet, and the planted lapses need regular buyers to choose from.
    static let minimumOutlets = 60

    let options: SeedOptions

    func build() -> World {
        var rng = SeededRandom(seed: options.seed, .world)
        let catalogue = Catalogue.of(options.tenant)
        let days = options.days
        let start = options.startDate
        let dates = (0..<days).map { start.adding(days: $0) }

        let (brands, products) = makeCatalogue(catalogue, days: days, start: start, rng: &rng)
        let zones = Geography.zones
        var states: [World.State] = []
        var cities: [World.City] = []
        for spec in Geography.states {
            let zone = zones.firstIndex(of: spec.zone) ?? 0
            var cityIndices: [Int] = []
            for city in spec.cities {
                cityIndices.append(cities.count)
                cities.append(
                    World.City(name: city.name, state: states.count, zone: zone, weight: city.weight, isMetro: city.isMetro))
            }
            states.append(World.State(name: spec.name, code: spec.code, zone: zone, cities: cityIndices))
        }
        let warehouses = zones.map { zone in
            let spec = catalogue.warehouses.first { $0.zone == zone } ?? catalogue.warehouses[0]
            return World.Warehouse(code: spec.code, name: spec.name)
        }

        var outlets = makeOutlets(cities: cities, states: states, days: days, start: start, rng: &rng)
        let distributors = assignDistributors(
            outlets: &outlets, cities: cities, states: states, days: days, start: start, rng: &rng)
        let employees = makeSalesForce(
            outlets: &outlets, cities: cities, states: states, zones: zones, domain: catalogue.emailDomain, rng: &rng)
        let affinity = brands.map { _ in zones.map { _ in 0.7 + 0.6 * rng.uniform() } }

        let plan = SignalPlan.draw(
            start: start, days: days, brands: brands, products: products, outlets: outlets, distributors: distributors,
            seed: options.seed)
        for lapse in plan.lapses {
            outlets[lapse.outlet].lapseDay = lapse.day
            // A lapse means something only for an outlet that bought every few days.
            outlets[lapse.outlet].rate = max(outlets[lapse.outlet].rate, 0.25)
            // The salesman signs up another outlet on the beat within two weeks, so that the
            // business as a whole does not shrink with the lapses (which would bend every
            // brand's trend at small scales, where twenty outlets are a large share).
            var replacement = outlets[lapse.outlet]
            let number = outlets.count + 1
            let city = cities[replacement.city]
            replacement.id = 10_000 + number
            replacement.code = "OT\(states[city.state].code)\(pad(number, 5))"
            replacement.name = outletName(replacement.channel, city: city, rng: &rng)
            replacement.onboardDay = min(days - 1, lapse.day + rng.int(in: 0...14))
            replacement.onboardedOn = start.adding(days: replacement.onboardDay)
            replacement.lapseDay = Int.max
            outlets.append(replacement)
        }
        var pricedProducts = products
        for change in plan.priceChanges {
            for index in brands[change.brand].products {
                let now = pricedProducts[index].pricePaise / 100
                // Whole rupees before and after, as printed MRPs are.
                let before = max(1, Int64((Double(now) / (1 + Double(change.percent) / 100)).rounded()))
                pricedProducts[index].earlierPricePaise = before * 100
                pricedProducts[index].priceChangeDay = change.day
            }
        }

        return World(
            options: options, catalogue: catalogue, dates: dates, zones: zones, states: states, cities: cities,
            brands: brands, products: pricedProducts, warehouses: warehouses, distributors: distributors,
            outlets: outlets, employees: employees, brandAffinity: affinity, plan: plan)
    }

    private func makeCatalogue(_ catalogue: Catalogue, days: Int, start: SQLDate, rng: inout SeededRandom)
        -> ([World.Brand], [World.Product])
    {
        var brands = catalogue.brands.map { World.Brand(name: $0.name, code: $0.code, share: $0.share, products: []) }
        var products: [World.Product] = []
        for (index, spec) in catalogue.products.enumerated() {
            guard let brand = brands.firstIndex(where: { $0.name == spec.brand }) else {
                preconditionFailure("catalogue \(catalogue.prefix): \(spec.name) names an unknown brand \(spec.brand)")
            }
            brands[brand].products.append(index)
            let number = brands[brand].products.count
            var launchDay = -rng.int(in: 400...4000)
            var endDay = Int.max
            switch spec.lifecycle {
            case .established: break
            case .newLaunch: launchDay = max(14, days * 35 / 100)
            case .discontinued: endDay = days * 65 / 100
            }
            let price = Int64(spec.rupees) * 100
            products.append(
                World.Product(
                    id: 1001 + index, sku: "\(catalogue.prefix)-\(brands[brand].code)-\(pad3(number))", name: spec.name,
                    brand: brand, category: spec.category, subCategory: spec.subCategory, uom: spec.uom,
                    grams: spec.grams, millilitres: spec.millilitres, pricePaise: price, earlierPricePaise: price,
                    priceChangeDay: Int.max, season: spec.season, launchDate: start.adding(days: launchDay),
                    launchDay: launchDay, endDay: endDay, caseSize: Self.caseSize(rupees: spec.rupees), popularity: 0))
        }
        precondition(products.count <= ProductMask.capacity, "a catalogue holds at most \(ProductMask.capacity) SKUs")
        // Cheaper packs sell in more lines: within a brand, popularity ∝ 1/√price.
        for brand in brands {
            let inverse = brand.products.map { 1 / Double(products[$0].pricePaise).squareRoot() }
            let total = inverse.reduce(0, +)
            for (i, index) in brand.products.enumerated() { products[index].popularity = brand.share * inverse[i] / total }
        }
        return (brands, products)
    }

    static func caseSize(rupees: Int) -> Int {
        switch rupees {
        case ..<15: return 96
        case ..<50: return 48
        case ..<150: return 24
        case ..<400: return 12
        default: return 6
        }
    }

    /// Outlets per city by weight (every city gets one), each with its channel and habits.
    private func makeOutlets(cities: [World.City], states: [World.State], days: Int, start: SQLDate, rng: inout SeededRandom)
        -> [World.Outlet]
    {
        let total = max(Self.minimumOutlets, Int((Self.outletsAtScaleOne * options.scale).rounded()), cities.count)
        let counts = Self.apportion(total, weights: cities.map(\.weight))
        var outlets: [World.Outlet] = []
        for (cityIndex, city) in cities.enumerated() {
            for _ in 0..<counts[cityIndex] {
                let channel = drawChannel(metro: city.isMetro, rng: &rng)
                let habits = Self.habits(channel, rng: &rng)
                let isNew = rng.chance(0.22) && days > 60
                let onboardDay = isNew ? rng.int(in: 7...(days - 21)) : -rng.int(in: 60...3000)
                let number = outlets.count + 1
                outlets.append(
                    World.Outlet(
                        id: 10_000 + number, code: "OT\(states[city.state].code)\(pad(number, 5))",
                        name: outletName(channel, city: city, rng: &rng), channel: channel, city: cityIndex,
                        state: city.state, zone: city.zone, distributor: 0, salesman: 0, rate: habits.rate,
                        linesMean: habits.lines, lineRupees: habits.rupees, discountBp: habits.discountBp,
                        onboardDay: onboardDay, onboardedOn: start.adding(days: onboardDay), lapseDay: Int.max))
            }
        }
        return outlets
    }

    private func drawChannel(metro: Bool, rng: inout SeededRandom) -> World.Channel {
        let r = rng.uniform()
        if metro {
            switch r {
            case ..<0.66: return .generalTrade
            case ..<0.76: return .modernTrade
            case ..<0.82: return .wholesale
            case ..<0.94: return .horeca
            default: return .ecommerce
            }
        }
        switch r {
        case ..<0.76: return .generalTrade
        case ..<0.81: return .modernTrade
        case ..<0.89: return .wholesale
        default: return .horeca
        }
    }

    private static func habits(_ channel: World.Channel, rng: inout SeededRandom)
        -> (rate: Double, lines: Double, rupees: Double, discountBp: Int)
    {
        let size = 0.6 + rng.uniform()
        // A Modern Trade store or a wholesaler buys several times what a kirana does, but
        // kiranas are so many that General Trade still carries the largest share.
        switch channel {
        case .generalTrade: return (rng.uniform(0.08, 0.24), 3.5, 450 * size, rng.int(in: 1...2) * 100)
        case .modernTrade: return (rng.uniform(0.18, 0.32), 6, 650 * size, rng.int(in: 5...8) * 100)
        case .wholesale: return (rng.uniform(0.1, 0.2), 5, 1700 * size, rng.int(in: 3...4) * 100)
        case .horeca: return (rng.uniform(0.08, 0.16), 2.5, 500 * size, rng.int(in: 0...1) * 100)
        case .ecommerce: return (rng.uniform(0.4, 0.6), 5, 600 * size, rng.int(in: 7...10) * 100)
        }
    }

    private func outletName(_ channel: World.Channel, city: World.City, rng: inout SeededRandom) -> String {
        let local = rng.chance(0.6) ? rng.pick(NamePools.shopWords[city.zone]) : rng.pick(NamePools.commonShopWords)
        switch channel {
        case .generalTrade: return "\(local) \(rng.pick(NamePools.kiranaSuffixes))"
        case .modernTrade: return "\(rng.pick(NamePools.modernTradeChains)) \(city.name) \(rng.pick(NamePools.areas))"
        case .wholesale: return "\(rng.pick(NamePools.surnames[city.zone])) \(rng.pick(NamePools.wholesaleSuffixes))"
        case .horeca:
            let form = rng.pick(NamePools.horecaForms)
            return form == "Hotel" ? "Hotel \(local)" : "\(local) \(form)"
        case .ecommerce: return "\(rng.pick(NamePools.ecommerceOutlets)) \(city.name)"
        }
    }

    /// A super stockist per state (serving its Wholesale outlets) and distributors per city,
    /// about one per 45 outlets, serving the city's other outlets.
    private func assignDistributors(
        outlets: inout [World.Outlet], cities: [World.City], states: [World.State], days: Int, start: SQLDate,
        rng: inout SeededRandom
    ) -> [World.Distributor] {
        var distributors: [World.Distributor] = []
        for (stateIndex, state) in states.enumerated() {
            let capital = state.cities[0]
            let superStockist = distributors.count
            distributors.append(
                makeDistributor(
                    id: 201 + distributors.count, superStockist: true, number: 1, city: capital, state: stateIndex,
                    cities: cities, states: states, start: start, rng: &rng))
            var number = 0
            for cityIndex in state.cities {
                let cityOutlets = outlets.indices.filter { outlets[$0].city == cityIndex }
                let retail = cityOutlets.filter { outlets[$0].channel != .wholesale }
                for index in cityOutlets where outlets[index].channel == .wholesale {
                    outlets[index].distributor = superStockist
                }
                let count = max(1, Int((Double(retail.count) / 45).rounded()))
                let first = distributors.count
                for _ in 0..<count {
                    number += 1
                    distributors.append(
                        makeDistributor(
                            id: 201 + distributors.count, superStockist: false, number: number, city: cityIndex,
                            state: stateIndex, cities: cities, states: states, start: start, rng: &rng))
                }
                for (k, index) in retail.enumerated() { outlets[index].distributor = first + k % count }
            }
        }
        return distributors
    }

    private func makeDistributor(
        id: Int, superStockist: Bool, number: Int, city: Int, state: Int, cities: [World.City], states: [World.State],
        start: SQLDate, rng: inout SeededRandom
    ) -> World.Distributor {
        let zone = cities[city].zone
        let code = superStockist ? "SS\(states[state].code)\(pad(number, 2))" : "D\(states[state].code)\(pad3(number))"
        let name =
            superStockist
            ? "\(rng.pick(NamePools.surnames[zone])) \(rng.pick(NamePools.superStockistSuffixes))"
            : "\(rng.chance(0.5) ? rng.pick(NamePools.shopWords[zone]) : rng.pick(NamePools.surnames[zone])) "
                + rng.pick(NamePools.distributorSuffixes)
        var offset = rng.int(in: 0...6)
        // Distributors do not order on Sundays.
        if start.adding(days: offset).isoWeekday == 7 { offset = (offset + 1) % 7 }
        return World.Distributor(
            id: id, code: code, name: name, isSuperStockist: superStockist, city: city,
            state: state, zone: zone,
            creditLimitRupees: (superStockist ? rng.int(in: 60...200) : rng.int(in: 10...80)) * 50_000,
            onboardedOn: start.adding(days: -rng.int(in: 200...4000)), orderOffset: offset, warehouse: zone)
    }

    /// One NSM, a ZSM per zone, an ASM per state and an SO per 120 outlets of a city (at least one).
    private func makeSalesForce(
        outlets: inout [World.Outlet], cities: [World.City], states: [World.State], zones: [String], domain: String,
        rng: inout SeededRandom
    ) -> [World.Employee] {
        var employees: [World.Employee] = []
        var emails = Set<String>()
        func hire(_ role: World.Role, territory: String, zone: Int, manager: Int?) -> Int {
            let first = rng.pick(NamePools.firstNames)
            let last = rng.pick(NamePools.surnames[zone])
            var email = "\(first).\(last)".lowercased()
            var suffix = 1
            while emails.contains(email) {
                suffix += 1
                email = "\(first).\(last)\(suffix)".lowercased()
            }
            emails.insert(email)
            let id = employees.count + 1
            employees.append(
                World.Employee(
                    id: id, code: "EMP\(pad(id, 5))", name: "\(first) \(last)", email: "\(email)@\(domain)", role: role,
                    territoryName: territory, manager: manager))
            return id - 1
        }
        let nsm = hire(.nsm, territory: "India", zone: rng.int(below: zones.count), manager: nil)
        let zsms = zones.indices.map { hire(.zsm, territory: zones[$0], zone: $0, manager: nsm) }
        for state in states {
            let asm = hire(.asm, territory: state.name, zone: state.zone, manager: zsms[state.zone])
            for cityIndex in state.cities {
                let cityOutlets = outlets.indices.filter { outlets[$0].city == cityIndex }
                let count = max(1, (cityOutlets.count + 119) / 120)
                let sos = (0..<count).map { _ in
                    hire(.so, territory: cities[cityIndex].name, zone: state.zone, manager: asm)
                }
                for (k, index) in cityOutlets.enumerated() { outlets[index].salesman = sos[k % count] }
            }
        }
        return employees
    }

    /// Splits `total` by weight, at least one each, remainders to the largest fractions.
    static func apportion(_ total: Int, weights: [Double]) -> [Int] {
        var counts = [Int](repeating: 1, count: weights.count)
        let rest = total - weights.count
        guard rest > 0 else { return counts }
        let sum = weights.reduce(0, +)
        let exact = weights.map { Double(rest) * $0 / sum }
        for i in counts.indices { counts[i] += Int(exact[i]) }
        let left = total - counts.reduce(0, +)
        let fraction = exact.map { $0 - $0.rounded(.down) }
        let order = weights.indices.sorted { (fraction[$0], -$0) > (fraction[$1], -$1) }
        for i in order.prefix(left) { counts[i] += 1 }
        return counts
    }
}

func pad(_ n: Int, _ width: Int) -> String {
    let digits = String(n)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

func pad3(_ n: Int) -> String { pad(n, 3) }
