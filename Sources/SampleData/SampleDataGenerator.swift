public import Warehouse

/// Writes a tenant's raw landing tables (docs/raw-data.md) with realistic, deterministic
/// sample data, and reports the signals it planted.
///
/// The same ``SeedOptions`` always give byte-identical tables and planted signals. A seed
/// replaces the raw tables: it loads new tables beside the old ones and swaps them in one
/// transaction at the end, so a failed seed leaves the previous data as it was.
public struct SampleDataGenerator: Sendable {
    /// What to generate.
    public let options: SeedOptions

    /// Makes a generator.
    public init(options: SeedOptions) {
        self.options = options
    }

    /// Generates the data into `database`, calling `progress` as it goes.
    public func seed(
        into database: any Database, progress: @Sendable (SeedProgress) -> Void = { _ in }
    ) async throws -> SeedReport {
        try options.validate()
        let clock = ContinuousClock()
        let started = clock.now
        progress(SeedProgress(stage: .planning, fraction: 0, rowsWritten: 0))
        let world = WorldBuilder(options: options).build()
        let model = DemandModel(world: world)
        let simulator = SecondarySimulator(world: world, model: model, seed: options.seed)

        // Pass 1: the baseline, without anomalies, to size them against the real noise.
        var baseline = DailySeries(world: world)
        let step = max(1, world.days / 50)
        for day in 0..<world.days {
            simulator.simulate(day: day, weights: model.weights(day: day), into: &baseline)
            if day % step == 0 {
                progress(SeedProgress(stage: .planning, fraction: 0.2 * Double(day) / Double(world.days), rowsWritten: 0))
            }
        }
        let anomalies = try PlannedAnomaly.plan(world: world, baseline: baseline, seed: options.seed)

        let dialect = database.dialect
        let written: Written
        do {
            written = try await write(simulator: simulator, anomalies: anomalies, into: database, progress: progress)
            var swap: [Statement] = []
            for table in RawSchema.tables {
                swap.append(Statement(RawSchema.dropStatement(table.name, dialect: dialect)))
                swap.append(
                    Statement(
                        RawSchema.renameStatement(from: RawSchema.stagingName(of: table), to: table.name, dialect: dialect)))
            }
            try await database.transaction(swap)
        } catch {
            for table in RawSchema.tables {
                _ = try? await database.execute(RawSchema.dropStatement(RawSchema.stagingName(of: table), dialect: dialect))
            }
            throw error
        }

        let planted = PlantedReport(
            world: world, anomalies: anomalies, secondary: written.secondary, primary: written.primary
        ).build()
        progress(SeedProgress(stage: .finishing, fraction: 1, rowsWritten: written.counts.values.reduce(0, +)))
        return SeedReport(
            tables: RawSchema.tables.map { SeedReport.TableCount(table: $0.name, rows: written.counts[$0.name] ?? 0) },
            planted: planted, seconds: (clock.now - started).seconds)
    }

    /// What the writing pass leaves behind: row counts and the tallies planted.json needs.
    private struct Written {
        var counts: [String: Int]
        var secondary: SecondarySalesWriter
        var primary: PrimaryInvoices
    }

    /// Pass 2: creates the staging tables and fills them, the secondary lines with the
    /// planted anomalies.
    private func write(
        simulator: SecondarySimulator, anomalies: [PlannedAnomaly], into database: any Database,
        progress: @Sendable (SeedProgress) -> Void
    ) async throws -> Written {
        let world = simulator.world
        let dialect = database.dialect
        for table in RawSchema.tables {
            let staging = RawSchema.stagingName(of: table)
            try await database.execute(RawSchema.dropStatement(staging, dialect: dialect))
            try await database.execute(RawSchema.createStatement(table, named: staging, dialect: dialect))
        }
        var counts: [String: Int] = [:]
        var rowsWritten = 0
        func report(_ stage: SeedProgress.Stage, _ fraction: Double) {
            progress(SeedProgress(stage: stage, fraction: min(1, max(0, fraction)), rowsWritten: rowsWritten))
        }
        func load(_ table: RawTable, _ rows: [[Value]]) async throws {
            counts[table.name] = try await database.bulkLoad(
                into: RawSchema.stagingName(of: table), columns: table.columnNames, rows: rows)
            rowsWritten += rows.count
        }

        report(.dimensions, 0.2)
        var dimensions = DimensionRows(world: world)
        try await load(RawSchema.products, dimensions.products())
        try await load(RawSchema.distributors, dimensions.distributors())
        try await load(RawSchema.outlets, dimensions.outlets())
        try await load(RawSchema.employees, dimensions.employees())
        try await load(RawSchema.transactionTypes, DimensionRows.transactionTypes())

        report(.secondarySales, 0.22)
        var secondary = SecondarySalesBatches(
            world: world, simulator: simulator, anomalies: anomalies, batchSize: options.batchSize)
        let beforeSecondary = rowsWritten
        counts[RawSchema.secondarySales.name] = try await database.load(
            &secondary, into: RawSchema.stagingName(of: RawSchema.secondarySales),
            columns: RawSchema.secondarySales.columnNames
        ) { total, source in
            rowsWritten = beforeSecondary + total
            report(.secondarySales, 0.22 + 0.63 * Double(source.day) / Double(world.days))
        }

        report(.primaryInvoices, 0.85)
        var primary = PrimaryInvoices(
            world: world, model: simulator.model, demand: secondary.writer.demand, batchSize: options.batchSize)
        let beforePrimary = rowsWritten
        counts[RawSchema.primaryInvoices.name] = try await database.load(
            &primary, into: RawSchema.stagingName(of: RawSchema.primaryInvoices),
            columns: RawSchema.primaryInvoices.columnNames
        ) { total, source in
            rowsWritten = beforePrimary + total
            report(.primaryInvoices, 0.85 + 0.13 * Double(source.weeksDone) / Double(world.weeks))
        }
        report(.finishing, 0.98)
        return Written(counts: counts, secondary: secondary.writer, primary: primary)
    }
}
