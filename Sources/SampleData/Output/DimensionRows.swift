import Warehouse

/// The master-data exports: products, distributors, outlets, employees, transaction types.
///
/// Each entity is exported when it appears (the period's start, or its onboarding or launch
/// day); a few are exported again in the final snapshot, a later `exported_at` for the
/// same key. At least one row per table is re-exported so that staging always meets one.
struct DimensionRows {
    let world: World
    private var mess: Messiness

    init(world: World) {
        self.world = world
        mess = Messiness(seed: world.options.seed, index: 0)
    }

    private var snapshot: Value { Amount.timestamp(world.options.endDate.adding(days: 1), seconds: 1_800) }

    private func firstExport(day: Int) -> Value {
        Amount.timestamp(world.options.startDate.adding(days: max(0, min(day, world.days - 1))), seconds: 1_800)
    }

    /// Appends `row`, and a re-export of it with `exported_at` (the last column) at the
    /// snapshot now and then, and always for the first row.
    private mutating func emit(_ row: [Value], redraw: (inout Messiness) -> [Value], into rows: inout [[Value]]) {
        rows.append(row)
        if rows.count == 1 || mess.duplicate() {
            var copy = redraw(&mess)
            copy[copy.count - 1] = snapshot
            rows.append(copy)
        }
    }

    mutating func products() -> [[Value]] {
        let world = world
        var rows: [[Value]] = []
        for product in world.products {
            let code = Messiness.Code(product.sku)
            let unit = product.uom.rawValue
            let uom = [unit, unit.lowercased(), unit.prefix(1) + unit.dropFirst().lowercased()]
            let active = product.endDay == Int.max
            let status = active ? ["active", "Active", "ACTIVE"] : ["inactive", "Inactive", "INACTIVE"]
            let exported = firstExport(day: product.launchDay)
            let make: (inout Messiness) -> [Value] = { mess in
                [
                    .int(Int64(product.id)), .string(mess.code(code)), .string(mess.name(product.name)),
                    .string(world.brands[product.brand].name), .string(product.category),
                    .string(product.subCategory), Amount.rupees(paise: product.pricePaise),
                    Amount.thousandths(product.grams), product.millilitres.map { Amount.thousandths($0) } ?? .null,
                    .string(mess.spelling(uom)), .date(product.launchDate), .string(mess.spelling(status)), exported,
                ]
            }
            emit(make(&mess), redraw: make, into: &rows)
        }
        return rows
    }

    mutating func distributors() -> [[Value]] {
        let world = world
        var rows: [[Value]] = []
        for distributor in world.distributors {
            let code = Messiness.Code(distributor.code)
            let type =
                distributor.isSuperStockist
                ? ["Super Stockist", "super stockist", "SUPER STOCKIST"] : ["Distributor", "distributor", "DISTRIBUTOR"]
            let city = world.cities[distributor.city]
            let exported = firstExport(day: 0)
            let make: (inout Messiness) -> [Value] = { mess in
                [
                    .int(Int64(distributor.id)), .string(mess.code(code)), .string(mess.name(distributor.name)),
                    .string(mess.spelling(type)), .string(city.name), .string(world.states[distributor.state].name),
                    .string(world.zones[distributor.zone]), Amount.rupees(paise: Int64(distributor.creditLimitRupees) * 100),
                    .date(distributor.onboardedOn), exported,
                ]
            }
            emit(make(&mess), redraw: make, into: &rows)
        }
        return rows
    }

    mutating func outlets() -> [[Value]] {
        let world = world
        var rows: [[Value]] = []
        for outlet in world.outlets {
            let code = Messiness.Code(outlet.code)
            let distributor = Messiness.Code(world.distributors[outlet.distributor].code)
            let exported = firstExport(day: outlet.onboardDay)
            let make: (inout Messiness) -> [Value] = { mess in
                [
                    .int(Int64(outlet.id)), .string(mess.code(code)), .string(mess.name(outlet.name)),
                    .string(mess.spelling(outlet.channel.exportSpellings)), .string(world.cities[outlet.city].name),
                    .string(world.states[outlet.state].name), .string(world.zones[outlet.zone]),
                    .string(mess.code(distributor)), .date(outlet.onboardedOn), exported,
                ]
            }
            emit(make(&mess), redraw: make, into: &rows)
        }
        return rows
    }

    mutating func employees() -> [[Value]] {
        let world = world
        var rows: [[Value]] = []
        for employee in world.employees {
            let code = Messiness.Code(employee.code)
            let manager = employee.manager.map { Messiness.Code(world.employees[$0].code) }
            let exported = firstExport(day: 0)
            let make: (inout Messiness) -> [Value] = { mess in
                [
                    .int(Int64(employee.id)), .string(mess.code(code)), .string(mess.name(employee.name)),
                    .string(employee.email), .string(mess.spelling(employee.role.exportSpellings)),
                    .string(employee.role.territoryLevel), .string(employee.territoryName),
                    manager.map { .string(mess.code($0)) } ?? .null, exported,
                ]
            }
            emit(make(&mess), redraw: make, into: &rows)
        }
        return rows
    }

    static func transactionTypes() -> [[Value]] {
        TransactionKind.allCases.map { kind in
            [.int(Int64(kind.rawValue)), .string(kind.code), .string(kind.name), .int(kind.sign)]
        }
    }
}
