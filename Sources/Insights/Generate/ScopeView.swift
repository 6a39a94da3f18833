import Warehouse

/// One territory's slice of the dataset: its cities, their summed series, the territories
/// one level down, its distributors and outlets. Built once per distinct territory and shared
/// by every recipient of that territory.
struct ScopeView: Sendable {
    struct Child: Sendable {
        var level: String
        var name: String
        var cities: [Int]
    }

    let data: InsightDataset
    let territory: RecipientTerritory?
    let cities: [Int]
    /// Net sales and quantity per `history` day.
    let netSales: [Double]
    let quantity: [Double]
    let children: [Child]
    /// Distributors located in the territory (for primary against secondary).
    var accounts: [Int]
    let outlets: [Int]
    /// Net sales per `history` day of each child territory (same order as `children`), and
    /// for the whole tenant of each state too: a state's day off the norm is news nationally.
    let childNetSales: [[Double]]
    let states: [Child]
    let stateNetSales: [[Double]]
    /// Net sales per brand per `recent` day in the territory.
    let brandNetSalesRecent: [(name: String, values: [Double])]
    /// Net sales per distributor per `recent` day: sales to the territory's outlets, by the
    /// distributor that served them.
    let accountNetSalesRecent: [Int: [Double]]

    init(data: InsightDataset, territory: RecipientTerritory?) {
        self.data = data
        self.territory = territory
        let cities = data.cities.indices.filter { index in
            guard let territory else { return true }
            let city = data.cities[index]
            switch territory.level {
            case "City": return city.name == territory.name
            case "State": return city.state == territory.name
            case "Zone": return city.zone == territory.name
            default: return false
            }
        }
        self.cities = cities
        netSales = Self.sum(cities.map { data.cityNetSales[$0] }, count: data.windows.history.count)
        quantity = Self.sum(cities.map { data.cityQuantity[$0] }, count: data.windows.history.count)
        let childLevel: String? =
            switch territory?.level {
            case nil: "Zone"
            case "Zone": "State"
            case "State": "City"
            default: nil
            }
        var children: [Child] = []
        if let childLevel {
            var byName: [String: Int] = [:]
            for city in cities {
                let info = data.cities[city]
                let name = childLevel == "Zone" ? info.zone : childLevel == "State" ? info.state : info.name
                if let index = byName[name] {
                    children[index].cities.append(city)
                } else {
                    byName[name] = children.count
                    children.append(Child(level: childLevel, name: name, cities: [city]))
                }
            }
        }
        self.children = children.sorted { $0.name < $1.name }
        accounts = data.accounts.indices.filter { index in
            guard let territory else { return true }
            let account = data.accounts[index]
            switch territory.level {
            case "City": return account.city == territory.name
            case "State": return account.state == territory.name
            case "Zone": return account.zone == territory.name
            default: return false
            }
        }
        let citySet = Set(cities)
        if territory != nil {
            // A distributor that also sells outside the territory has secondary sales the
            // recipient may not see: its stock is judged one level up, not here.
            accounts = accounts.filter { data.accountCities[$0].isSubset(of: citySet) }
        }
        outlets = data.outlets.indices.filter { citySet.contains(data.outlets[$0].city) }
        let historyCount = data.windows.history.count
        childNetSales = self.children.map { child in Self.sum(child.cities.map { data.cityNetSales[$0] }, count: historyCount) }
        if territory == nil {
            var byState: [String: [Int]] = [:]
            for city in cities { byState[data.cities[city].state, default: []].append(city) }
            states = byState.keys.sorted().map { Child(level: "State", name: $0, cities: byState[$0]!) }
        } else {
            states = []
        }
        stateNetSales = states.map { state in Self.sum(state.cities.map { data.cityNetSales[$0] }, count: historyCount) }
        let recentCount = data.windows.recent.count
        brandNetSalesRecent = data.brands.indices.map { brand in
            (data.brands[brand], Self.sum(cities.compactMap { city in
                brand < data.cityBrandNetSales[city].count ? data.cityBrandNetSales[city][brand] : nil
            }, count: recentCount))
        }
        var byAccount: [Int: [Double]] = [:]
        for city in cities {
            for (account, values) in data.cityAccountNetSales[city] {
                var total = byAccount[account] ?? [Double](repeating: 0, count: recentCount)
                for (index, value) in values.enumerated() { total[index] += value }
                byAccount[account] = total
            }
        }
        accountNetSalesRecent = byAccount
    }

    static func sum(_ series: [[Double]], count: Int) -> [Double] {
        var total = [Double](repeating: 0, count: count)
        for values in series {
            for (index, value) in values.enumerated() { total[index] += value }
        }
        return total
    }

    var history: DayWindow { data.windows.history }
    var recent: DayWindow { data.windows.recent }

    /// A child territory's net sales per `history` day.
    func netSales(of child: Child) -> [Double] {
        childNetSales[children.firstIndex { $0.name == child.name }!]
    }

    /// The sum of `values` (indexed by `window`) over the days `from` through `to`.
    static func total(_ values: [Double], in window: DayWindow, from: SQLDate, to: SQLDate) -> Double {
        var sum = 0.0
        var day = max(from, window.start)
        let last = min(to, window.end)
        while day <= last {
            if let index = window.index(of: day) { sum += values[index] }
            day = day.adding(days: 1)
        }
        return sum
    }
}
