import Warehouse

/// The writing pass's sink: turns simulated lines into `raw_secondary_sales` rows (with
/// bill numbers, line ids, export times and messiness), and keeps the tallies that primary
/// invoicing and planted.json need.
struct SecondarySalesWriter: SecondaryLineSink {
    let world: World
    private let days: Int
    private let productCount: Int
    private var mess: Messiness
    private let outletCodes: [Messiness.Code]
    private let distributorCodes: [Messiness.Code]
    private let skus: [Messiness.Code]
    private let employeeCodes: [Messiness.Code]
    private let outletDistributor: [Int]
    private let outletSalesman: [Int]
    private let outletLapse: [Int]
    private let fiscalYears: [String]
    private let spellings: [[String]]
    private let lastExport: Int64

    private(set) var rows: [[Value]] = []
    private var lastLineID: Int64 = 100_000_000
    private var billNumbers: [Int]
    private var billNo: String?
    private var outlet = 0
    private var day = 0
    private var lineOfDay = 0

    /// SALE and FREE units per distributor × product × week: what the distributor must stock.
    private(set) var demand: [Int32]
    /// Daily net sales per state and brand, as written.
    private(set) var series: DailySeries
    /// Last bill day per outlet (−1 for none).
    private(set) var lastPurchaseDay: [Int]
    /// Days with a bill in the 8 weeks before each outlet's lapse day.
    private(set) var purchaseDaysBeforeLapse: [Int]
    /// SALE and FREE units and net sales of the build-up distributor in its window.
    private(set) var buildUpQuantity = 0
    private(set) var buildUpNetPaise: Int64 = 0

    init(world: World) {
        self.world = world
        days = world.days
        productCount = world.products.count
        mess = Messiness(seed: world.options.seed, index: 1)
        outletCodes = world.outlets.map { Messiness.Code($0.code) }
        distributorCodes = world.distributors.map { Messiness.Code($0.code) }
        skus = world.products.map { Messiness.Code($0.sku) }
        employeeCodes = world.employees.map { Messiness.Code($0.code) }
        outletDistributor = world.outlets.map(\.distributor)
        outletSalesman = world.outlets.map(\.salesman)
        outletLapse = world.outlets.map(\.lapseDay)
        fiscalYears = world.dates.map(Self.fiscalYear)
        spellings = [[]] + TransactionKind.allCases.map(\.exportSpellings)
        lastExport = (Int64(world.options.endDate.daysSinceEpoch) + 1) * 86_400 + 23 * 3_600
        billNumbers = [Int](repeating: 0, count: world.distributors.count)
        demand = [Int32](repeating: 0, count: world.distributors.count * world.products.count * world.weeks)
        series = DailySeries(world: world)
        lastPurchaseDay = [Int](repeating: -1, count: world.outlets.count)
        purchaseDaysBeforeLapse = [Int](repeating: 0, count: world.outlets.count)
    }

    /// `2425` for a date in April 2024 – March 2025.
    static func fiscalYear(_ date: SQLDate) -> String {
        let (year, month, _) = date.components
        let first = month >= 4 ? year : year - 1
        return pad(first % 100, 2) + pad((first + 1) % 100, 2)
    }

    mutating func startDay(_ day: Int) {
        self.day = day
        lineOfDay = 0
    }

    mutating func beginBill(outlet: Int, day: Int) {
        self.outlet = outlet
        billNo = nil
        series.beginBill(outlet: outlet, day: day)
        if lastPurchaseDay[outlet] != day, day < outletLapse[outlet], day >= outletLapse[outlet] - 56 {
            purchaseDaysBeforeLapse[outlet] += 1
        }
        lastPurchaseDay[outlet] = day
    }

    mutating func line(_ line: SecondaryLine) {
        let distributor = outletDistributor[outlet]
        if billNo == nil {
            billNumbers[distributor] += 1
            billNo = "\(distributorCodes[distributor].clean)/\(fiscalYears[day])/\(pad(billNumbers[distributor], 6))"
        }
        lastLineID += 1
        lineOfDay += 1

        let billDay = Int64(world.dates[day].daysSinceEpoch)
        var exported: Int64
        if day + 12 < days, mess.chance(Messiness.lateShare) {
            exported = (billDay + Int64(mess.int(in: 3...10))) * 86_400 + 2 * 3_600 + 1_800
        } else {
            exported = (billDay + 1) * 86_400 + 3_600 + Int64(lineOfDay % 10_800)
        }
        rows.append(row(line, distributor: distributor, exportedSeconds: exported))
        if mess.duplicate() {
            // A re-export a day later, but not after the final export of the period.
            exported = min(exported + 86_400 + 3_600, max(lastExport, exported + 60))
            rows.append(row(line, distributor: distributor, exportedSeconds: exported))
        }

        series.line(line)
        if line.kind == .sale || line.kind == .free {
            let index = (distributor * productCount + line.product) * world.weeks + day / 7
            demand[index] += Int32(line.quantity)
        }
        let buildUp = world.plan.buildUp
        if distributor == buildUp.distributor, day >= buildUp.startDay, day <= buildUp.endDay {
            if line.kind == .sale || line.kind == .free { buildUpQuantity += line.quantity }
            buildUpNetPaise += line.signedNetPaise
        }
    }

    private mutating func row(_ line: SecondaryLine, distributor: Int, exportedSeconds: Int64) -> [Value] {
        [
            .int(lastLineID), .string(billNo ?? ""), .date(world.dates[day]), .string(mess.code(outletCodes[outlet])),
            .string(mess.code(distributorCodes[distributor])), .string(mess.code(skus[line.product])),
            .string(mess.spelling(spellings[line.kind.rawValue])),
            .string(mess.code(employeeCodes[outletSalesman[outlet]])), .int(Int64(line.quantity)),
            Amount.rupees(paise: line.ratePaise), Amount.rupees(paise: line.grossPaise),
            Amount.rupees(paise: line.discountPaise), Amount.rupees(paise: line.netPaise),
            .timestamp(SQLTimestamp(microsecondsSinceEpoch: exportedSeconds * 1_000_000)),
        ]
    }

    /// The rows so far, leaving none behind.
    mutating func takeRows() -> [[Value]] {
        defer { rows = [] }
        return rows
    }
}

/// The writing pass over the days, a batch of rows at a time, with the planted anomalies.
struct SecondarySalesBatches: RowBatchSource {
    var writer: SecondarySalesWriter
    let simulator: SecondarySimulator
    let anomalies: [PlannedAnomaly?]
    let batchSize: Int
    private(set) var day = 0

    init(world: World, simulator: SecondarySimulator, anomalies: [PlannedAnomaly], batchSize: Int) {
        writer = SecondarySalesWriter(world: world)
        self.simulator = simulator
        var byDay = [PlannedAnomaly?](repeating: nil, count: world.days)
        for anomaly in anomalies { byDay[anomaly.day] = anomaly }
        self.anomalies = byDay
        self.batchSize = batchSize
    }

    mutating func nextBatch() -> [[Value]]? {
        while day < anomalies.count, writer.rows.count < batchSize {
            let weights = simulator.model.weights(day: day)
            let anomaly = anomalies[day]
            writer.startDay(day)
            simulator.simulate(day: day, weights: weights, into: &writer)
            if let anomaly {
                simulator.writeSpike(anomaly, weights: weights, into: &writer)
            }
            day += 1
        }
        let rows = writer.takeRows()
        return rows.isEmpty ? nil : rows
    }
}
