import Warehouse

/// Company → distributor invoices, from each distributor's weekly replenishment.
///
/// A distributor orders once a week on its own weekday (a super stockist every other week)
/// enough for this week's secondary demand plus cover for the next, in whole cases; it
/// skips a week now and then, carries more stock before Diwali, and the planted build-up
/// distributor piles on 1.3 weeks of extra stock every week of its window (then orders
/// little until the stock sells down). Distributors buy at 78 % of MRP less a trade scheme.
struct PrimaryInvoices: RowBatchSource {
    let world: World
    let model: DemandModel
    private let demand: [Int32]
    private let batchSize: Int
    private var stock: [Int]
    private var week = 0
    private var invoiceNumber = 0
    private var rng: SeededRandom
    private var mess: Messiness
    private var rows: [[Value]] = []
    private let skus: [Messiness.Code]
    private let distributorCodes: [Messiness.Code]
    private let warehouseCodes: [Messiness.Code]
    private let preFestiveWeeks: Set<Int>

    /// Units and net value invoiced to the build-up distributor in its window.
    private(set) var buildUpQuantity = 0
    private(set) var buildUpNetPaise: Int64 = 0
    /// Rows written, re-exports included (it spreads export times over the night).
    private var rowsWritten = 0
    /// Weeks done, for progress.
    var weeksDone: Int { week }

    init(world: World, model: DemandModel, demand: [Int32], batchSize: Int) {
        self.world = world
        self.model = model
        self.demand = demand
        self.batchSize = batchSize
        rng = SeededRandom(seed: world.options.seed, .primary)
        mess = Messiness(seed: world.options.seed, index: 2)
        skus = world.products.map { Messiness.Code($0.sku) }
        distributorCodes = world.distributors.map { Messiness.Code($0.code) }
        warehouseCodes = world.warehouses.map { Messiness.Code($0.code) }
        var festive = Set<Int>()
        for w in 0..<world.weeks {
            let middle = world.options.startDate.adding(days: w * 7 + 3)
            let year = middle.components.year
            let ahead = FestiveCalendar.diwaliDay(year: year) - Int(middle.daysSinceEpoch)
            if (10...40).contains(ahead) { festive.insert(w) }
        }
        preFestiveWeeks = festive
        let products = world.products.count
        var initial = [Int](repeating: 0, count: world.distributors.count * products)
        for d in world.distributors.indices {
            for p in 0..<products {
                initial[d * products + p] = Int(demand[(d * products + p) * world.weeks])
            }
        }
        stock = initial
    }

    private func demand(_ distributor: Int, _ product: Int, week: Int) -> Int {
        Int(demand[(distributor * world.products.count + product) * world.weeks + week])
    }

    /// A week's demand as a distributor foresees it: a full week's worth even for the short
    /// last week of the period, and the last week's again beyond it (so that orders do not
    /// dry up as the period ends).
    private func forecast(_ distributor: Int, _ product: Int, week: Int) -> Double {
        let w = min(week, world.weeks - 1)
        let days = min(7, world.days - w * 7)
        return Double(demand(distributor, product, week: w)) * 7 / Double(days)
    }

    mutating func nextBatch() -> [[Value]]? {
        while week < world.weeks, rows.count < batchSize {
            for distributor in world.distributors.indices { order(distributor, week: week) }
            week += 1
        }
        defer { rows = [] }
        return rows.isEmpty ? nil : rows
    }

    private mutating func order(_ distributorIndex: Int, week w: Int) {
        let distributor = world.distributors[distributorIndex]
        let products = world.products.count
        let day = w * 7 + distributor.orderOffset
        let buildUp = world.plan.buildUp
        let building =
            distributorIndex == buildUp.distributor && w >= buildUp.startWeek && w < buildUp.startWeek + buildUp.weeks
        let ordersThisWeek =
            day < world.days && (!distributor.isSuperStockist || w % 2 == 0) && (building || !rng.chance(0.08))
        var cover = preFestiveWeeks.contains(w) ? 1.5 : 1.0
        if building { cover = 1 + buildUp.extraCoverPerWeek * Double(w - buildUp.startWeek + 1) }

        var lines: [(product: Int, quantity: Int)] = []
        for p in 0..<products {
            let slot = distributorIndex * products + p
            let now = demand(distributorIndex, p, week: w)
            if ordersThisWeek {
                let next = forecast(distributorIndex, p, week: w + 1)
                let target =
                    distributor.isSuperStockist
                    ? Double(now) + next + cover * forecast(distributorIndex, p, week: w + 2)
                    : Double(now) + cover * next
                let need = target - Double(stock[slot])
                let caseSize = world.products[p].caseSize
                if need > Double(caseSize) / 4 {
                    let quantity = Int((need / Double(caseSize)).rounded(.up)) * caseSize
                    stock[slot] += quantity
                    lines.append((p, quantity))
                }
            }
            stock[slot] = max(0, stock[slot] - now)
        }
        guard !lines.isEmpty else { return }

        let date = world.dates[day]
        let fiscalYear = SecondarySalesWriter.fiscalYear(date)
        let warehouse = world.warehouses[distributor.warehouse]
        var lineNumber = 0
        var invoice = Messiness.Code("")
        var schemeBp = 0
        let distributorCode = distributorCodes[distributorIndex]
        let warehouseCode = warehouseCodes[distributor.warehouse]
        for (p, quantity) in lines {
            // Twenty lines to an invoice, as the ERP prints them.
            if lineNumber % 20 == 0 {
                invoiceNumber += 1
                invoice = Messiness.Code("\(world.catalogue.prefix)/\(fiscalYear)/\(pad(invoiceNumber, 7))")
                schemeBp = rng.int(in: 1...3) * 100
            }
            lineNumber += 1
            let brand = world.products[p].brand
            let bp = schemeBp + (model.promotionBp[brand * model.days + day] > 0 ? 200 : 0)
            let unit = (model.pricePaise(p, day: day) * 78 + 50) / 100
            let gross = Int64(quantity) * unit
            let net = gross - (gross * Int64(bp) + 5_000) / 10_000
            let exported = (Int64(date.daysSinceEpoch) + 1) * 86_400 + 3 * 3_600 + Int64(rowsWritten % 3_600)
            let sku = skus[p]
            let lineNo = Int64((lineNumber - 1) % 20 + 1)
            func row(_ mess: inout Messiness, exportedSeconds: Int64) -> [Value] {
                [
                    .string(mess.code(invoice)), .int(lineNo), .date(date),
                    .string(mess.code(distributorCode)), .string(mess.code(sku)),
                    .string(mess.code(warehouseCode)), .string(mess.name(warehouse.name)),
                    .int(Int64(quantity)), Amount.rupees(paise: gross), Amount.rupees(paise: net),
                    .timestamp(SQLTimestamp(microsecondsSinceEpoch: exportedSeconds * 1_000_000)),
                ]
            }
            rows.append(row(&mess, exportedSeconds: exported))
            rowsWritten += 1
            if mess.duplicate() {
                rows.append(row(&mess, exportedSeconds: exported + 86_400))
                rowsWritten += 1
            }
            if distributorIndex == buildUp.distributor, day >= buildUp.startDay, day <= buildUp.endDay {
                buildUpQuantity += quantity
                buildUpNetPaise += net
            }
        }
    }
}
