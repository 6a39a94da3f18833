import Semantic
import Warehouse

/// The tenant's data the detectors read, fetched through the semantic layer once per run
/// for every recipient at once: a handful of grouped queries whose rows are summed per
/// territory in memory, so that eighty recipients cost what one costs.
///
/// Every query is a Cube query on the shipped members (`Transactions.netSales` by
/// `Customers.city` and day, …), compiled for the tenant's dialect; a recipient's numbers
/// are therefore the numbers the same Cube query returns with their territory's filter.
struct InsightDataset: Sendable {
    struct City: Sendable, Hashable {
        var name: String
        var state: String
        var zone: String
    }

    struct Account: Sendable, Hashable {
        var id: Int64
        var name: String
        var city: String
        var state: String
        var zone: String
    }

    struct Outlet: Sendable, Hashable {
        var id: Int64
        var name: String
        var channel: String
        var city: Int
        var onboarded: SQLDate?
    }

    /// One day an outlet bought, and its net sales that day.
    struct Purchase: Sendable, Hashable {
        var day: Int
        var netSales: Double
    }

    /// The windows fetched: `history` for daily totals (records, trends, unusual days),
    /// `recent` for brand and distributor splits (a bounded territory's brand trends), `outlets` for outlet activity, `accounts`
    /// for primary against secondary quantities.
    struct Windows: Sendable, Hashable {
        var history: DayWindow
        var recent: DayWindow
        var outlets: DayWindow
        var accounts: DayWindow

        /// What a digest as of `asOf` needs.
        static func digest(asOf: SQLDate, settings: InsightSettings) -> Windows {
            Windows(
                // Beyond the weeks a record compares, the days a record's episode is traced back.
                history: DayWindow(
                    days: max(settings.recordWeeks, 2 * settings.trendWeeks + 1) * 7 + 7 + PatternDetectors.recordEpisodeDays
                        + PatternDetectors.recordEpisodeGap + 1,
                    endingOn: asOf),
                // Brands are judged on this window (every territory's): it must hold the
                // two spans a trend is compared over, not only an unusual day's baseline.
                recent: DayWindow(days: max(63, settings.unusualDayBaselineDays + 7, 14 * settings.trendWeeks), endingOn: asOf),
                outlets: DayWindow(days: 120 + 7 * 10, endingOn: asOf),
                accounts: DayWindow(days: 7 * (settings.stockBuildUpWeeks + 4), endingOn: asOf))
        }

        /// Everything from `start` (a backtest over the whole history).
        static func all(from start: SQLDate, to end: SQLDate) -> Windows {
            let window = DayWindow(start: start, end: end)
            return Windows(history: window, recent: window, outlets: window, accounts: window)
        }
    }

    let asOf: SQLDate
    let windows: Windows
    var cities: [City] = []
    /// By `state|city`: two states can each have a city of one name.
    var cityIndex: [String: Int] = [:]
    /// Net sales and quantity per city per `history` day.
    var cityNetSales: [[Double]] = []
    var cityQuantity: [[Double]] = []
    var brands: [String] = []
    var brandIndex: [String: Int] = [:]
    /// Net sales per city, brand and `recent` day.
    var cityBrandNetSales: [[[Double]]] = []
    var accounts: [Account] = []
    var accountIndex: [Int64: Int] = [:]
    /// Net sales per city, distributor and `recent` day (sparse: the distributors serving it).
    var cityAccountNetSales: [[Int: [Double]]] = []
    /// Primary and secondary quantity per distributor per `accounts` day.
    var primaryQuantity: [[Double]] = []
    var secondaryQuantity: [[Double]] = []
    /// The cities each distributor sold to in the `accounts` window.
    var accountCities: [Set<Int>] = []
    var outlets: [Outlet] = []
    /// Each outlet's buying days in the `outlets` window, in order.
    var purchases: [[Purchase]] = []
}

extension InsightDataset {
    /// Rows the bulk reads may return: a year of cities by day, or the outlets' buying days.
    static let maximumRows = 20_000_000

    /// Reads everything with the tenant's model and database.
    static func fetch(
        model: DataModel, database: any Database, asOf: SQLDate, windows: Windows
    ) async throws -> InsightDataset {
        let reader = Reader(compiler: QueryCompiler(model: model, dialect: database.dialect, maximumRows: maximumRows),
            database: database, asOf: asOf)
        // The reads are independent; the database runs them side by side on its connections.
        async let cityDaily = reader.rows(
            measures: ["Transactions.netSales", "Transactions.totalQuantity"],
            dimensions: ["Customers.zone", "Customers.state", "Customers.city"],
            day: "Transactions.transactionDate", window: windows.history)
        async let cityBrandDaily = reader.rows(
            measures: ["Transactions.netSales"], dimensions: ["Customers.state", "Customers.city", "Products.brand"],
            day: "Transactions.transactionDate", window: windows.recent)
        async let accountList = reader.rows(
            measures: [], dimensions: ["Accounts.accountId", "Accounts.accountName", "Accounts.city", "Accounts.state",
                "Accounts.zone"], day: nil, window: nil)
        async let outletList = reader.rows(
            measures: [], dimensions: ["Customers.customerId", "Customers.customerName", "Customers.customerType",
                "Customers.city", "Customers.state", "Customers.zone", "Customers.onboardedDate"], day: nil, window: nil)
        // One read of outlet, distributor and day serves the outlets' buying days, each
        // city's sales by distributor and the distributors' secondary quantity.
        let outletAccountWindow = DayWindow(
            start: min(windows.outlets.start, windows.recent.start, windows.accounts.start), end: asOf)
        async let outletDaily = reader.rows(
            measures: ["Transactions.netSales", "Transactions.totalQuantity"],
            dimensions: ["Customers.customerId", "Accounts.accountId"],
            day: "Transactions.transactionDate", window: outletAccountWindow)
        async let primaryDaily = reader.rows(
            measures: ["PrimarySales.totalQuantity"], dimensions: ["Accounts.accountId"],
            day: "PrimarySales.invoiceDate", window: windows.accounts)

        var data = InsightDataset(asOf: asOf, windows: windows)
        let history = windows.history
        for row in try await cityDaily {
            guard let day = history.index(of: row.date) else { continue }
            let city = data.city(named: row.text(2), state: row.text(1), zone: row.text(0))
            data.cityNetSales[city][day] += row.number(0)
            data.cityQuantity[city][day] += row.number(1)
        }
        for row in try await accountList {
            let id = row.integer(0)
            data.accountIndex[id] = data.accounts.count
            data.accounts.append(Account(id: id, name: row.text(1), city: row.text(2), state: row.text(3), zone: row.text(4)))
        }
        let recent = windows.recent
        let cityBrandRows = try await cityBrandDaily
        data.cityBrandNetSales = Array(
            repeating: Array(repeating: [Double](repeating: 0, count: recent.count), count: data.brands.count),
            count: data.cities.count)
        for row in cityBrandRows {
            guard let day = recent.index(of: row.date), let city = data.cityIndex["\(row.text(0))|\(row.text(1))"] else { continue }
            let brand = data.brand(named: row.text(2))
            if brand >= data.cityBrandNetSales[city].count {
                // A brand sold only recently: widen every city's table.
                for c in data.cityBrandNetSales.indices {
                    data.cityBrandNetSales[c].append([Double](repeating: 0, count: recent.count))
                }
            }
            data.cityBrandNetSales[city][brand][day] += row.number(0)
        }
        let accountDays = windows.accounts
        data.primaryQuantity = Array(repeating: [Double](repeating: 0, count: accountDays.count), count: data.accounts.count)
        data.secondaryQuantity = data.primaryQuantity
        data.accountCities = Array(repeating: [], count: data.accounts.count)
        for row in try await primaryDaily {
            guard let day = accountDays.index(of: row.date), let account = data.accountIndex[row.integer(0)] else { continue }
            data.primaryQuantity[account][day] += row.number(0)
        }
        var outletIndex: [Int64: Int] = [:]
        for row in try await outletList {
            let city = data.city(named: row.text(3), state: row.text(4), zone: row.text(5))
            outletIndex[row.integer(0)] = data.outlets.count
            data.outlets.append(
                Outlet(id: row.integer(0), name: row.text(1), channel: row.text(2), city: city, onboarded: row.dateValue(6)))
        }
        data.purchases = Array(repeating: [], count: data.outlets.count)
        data.cityAccountNetSales = Array(repeating: [:], count: data.cities.count)
        let outletDays = windows.outlets
        for row in try await outletDaily {
            guard let outlet = outletIndex[row.integer(0)] else { continue }
            let netSales = row.number(0)
            if let day = outletDays.index(of: row.date) { data.purchases[outlet].append(Purchase(day: day, netSales: netSales)) }
            guard let account = data.accountIndex[row.integer(1)] else { continue }
            if let day = recent.index(of: row.date) {
                let city = data.outlets[outlet].city
                data.cityAccountNetSales[city][account, default: [Double](repeating: 0, count: recent.count)][day] += netSales
            }
            if let day = accountDays.index(of: row.date) {
                data.secondaryQuantity[account][day] += row.number(1)
                data.accountCities[account].insert(data.outlets[outlet].city)
            }
        }
        // Cities known only from the outlet list (no sales in the recent window) get empty rows.
        while data.cityBrandNetSales.count < data.cities.count {
            data.cityBrandNetSales.append(
                Array(repeating: [Double](repeating: 0, count: recent.count), count: data.brands.count))
        }
        for index in data.purchases.indices {
            data.purchases[index].sort { $0.day < $1.day }
            // An outlet served by two distributors on one day bought on one day.
            var merged: [Purchase] = []
            for purchase in data.purchases[index] {
                if let last = merged.last, last.day == purchase.day {
                    merged[merged.count - 1].netSales += purchase.netSales
                } else {
                    merged.append(purchase)
                }
            }
            data.purchases[index] = merged
        }
        return data
    }

    /// The index of a city, added (with empty series) when first seen.
    private mutating func city(named name: String, state: String, zone: String) -> Int {
        let key = "\(state)|\(name)"
        if let index = cityIndex[key] { return index }
        cityIndex[key] = cities.count
        cities.append(City(name: name, state: state, zone: zone))
        cityNetSales.append([Double](repeating: 0, count: windows.history.count))
        cityQuantity.append([Double](repeating: 0, count: windows.history.count))
        return cities.count - 1
    }

    private mutating func brand(named name: String) -> Int {
        if let index = brandIndex[name] { return index }
        brandIndex[name] = brands.count
        brands.append(name)
        return brands.count - 1
    }
}

/// Runs the bulk reads: builds each Cube query, compiles it, and reads its rows as
/// dimensions, then measures, then the day.
private struct Reader: Sendable {
    let compiler: QueryCompiler
    let database: any Database
    let asOf: SQLDate

    /// One result row read through the column positions of the asked members, dimensions
    /// first, then measures (not copied: a read returns up to a few hundred thousand rows).
    struct Row {
        var raw: [Value]
        var positions: [Int]
        var measureOffset: Int
        var date: SQLDate

        private func value(_ index: Int) -> Value { raw[positions[index]] }
        func text(_ index: Int) -> String { value(index).stringValue ?? value(index).description }
        func integer(_ index: Int) -> Int64 { value(index).intValue ?? Int64(value(index).doubleValue ?? 0) }
        func number(_ index: Int) -> Double { value(measureOffset + index).doubleValue ?? 0 }
        func dateValue(_ index: Int) -> SQLDate? { value(index).dateValue }
    }

    func rows(measures: [String], dimensions: [String], day: String?, window: DayWindow?) async throws -> [Row] {
        // The day is read as a plain dimension filtered by inDateRange, not as a time
        // dimension with a day granularity: grouping by the stored date skips a date_trunc
        // per row and the ordering, which the reads do not need (a third of their time).
        var query = CubeQuery(measures: measures, dimensions: dimensions + (day.map { [$0] } ?? []), order: [], limit: InsightDataset.maximumRows)
        if let day, let window {
            query.filters = [.member(day, .inDateRange, [window.start.description, window.end.description])]
        }
        let compiled = try compiler.compile(query, asOf: asOf)
        let result = try await database.query(compiled.sql, compiled.binds)
        let members = dimensions + (day.map { [$0] } ?? []) + measures
        let positions = members.map { member in compiled.columns.firstIndex { $0.member == member } ?? -1 }
        guard !positions.contains(-1) else {
            throw SemanticError(.invalidQuery, "the insight read of \(measures + dimensions) lost a column")
        }
        let dayPosition = day == nil ? nil : positions[dimensions.count]
        let valuePositions = Array(positions[..<dimensions.count]) + Array(positions[(dimensions.count + (day == nil ? 0 : 1))...])
        return result.rows.compactMap { raw in
            let date: SQLDate
            if let dayPosition {
                guard let value = raw[dayPosition].dateValue else { return nil }
                date = value
            } else {
                date = asOf
            }
            return Row(raw: raw, positions: valuePositions, measureOffset: dimensions.count, date: date)
        }
    }
}
