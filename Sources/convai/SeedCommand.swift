import ArgumentParser
import Foundation
import SampleData
import Server
import Synchronization
import Transform
import Warehouse

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Generate a tenant's sample data: the raw_* tables and planted.json.",
        discussion: """
            Replaces the tenant's raw landing tables with deterministic, realistic data from its own \
            catalogue (the same arguments always give the same bytes), and writes the signals planted in \
            them to planted.json beside the database file.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "The tenant to seed: itc, nestle or unilever.")
    var tenant: String

    @Option(help: "Days of history ending at --end-date (90 to 3660).")
    var days = 730

    @Option(name: .customLong("end-date"), help: "The last day of data, YYYY-MM-DD (default: yesterday).")
    var endDate: String?

    @Option(help: "Volume multiplier: 1.0 is about 1,000,000 secondary-sales lines over 730 days (0.001 to 20).")
    var scale = 1.0

    @Option(help: "The random seed.")
    var seed: UInt64 = 42

    @Option(help: "Where to write planted.json (default: beside the tenant's database file).")
    var planted: String?

    func validate() throws {
        guard SampleTenant(tenantID: tenant) != nil else {
            throw ValidationError(
                "--tenant: no sample catalogue for '\(tenant)'; choose one of "
                    + SampleTenant.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard SeedOptions.allowedDays.contains(days) else {
            throw ValidationError(
                "--days must be from \(SeedOptions.allowedDays.lowerBound) to \(SeedOptions.allowedDays.upperBound), "
                    + "got \(days)")
        }
        guard scale.isFinite, SeedOptions.allowedScale.contains(scale) else {
            throw ValidationError(
                "--scale must be from \(SeedOptions.allowedScale.lowerBound) to \(SeedOptions.allowedScale.upperBound), "
                    + "got \(scale)")
        }
        if let endDate, SQLDate(iso: endDate) == nil {
            throw ValidationError("--end-date must be a real date written YYYY-MM-DD, got '\(endDate)'")
        }
        if let planted, planted.trimmingCharacters(in: .whitespaces).isEmpty {
            throw ValidationError("--planted must be a file path")
        }
        do {
            try seedOptions().validate()
        } catch let error as SampleDataError {
            throw ValidationError(error.message)
        }
    }

    private func seedOptions() -> SeedOptions {
        SeedOptions(
            tenant: SampleTenant(tenantID: tenant) ?? .itc,
            endDate: endDate.flatMap { SQLDate(iso: $0) } ?? Self.yesterday(), days: days, scale: scale, seed: seed)
    }

    /// The default end date: yesterday in the local time zone, the last full day of sales.
    static func yesterday(now: Date = Date()) -> SQLDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let today = calendar.dateComponents([.year, .month, .day], from: now)
        let date = SQLDate(year: today.year ?? 1970, month: today.month ?? 1, day: today.day ?? 1)
        return (date ?? SQLDate(daysSinceEpoch: 1)).adding(days: -1)
    }

    func run() async throws {
        let logger = options.makeLogger()
        let configuration = try options.loadConfiguration()
        let router = TenantRouter(tenants: configuration.tenants, logger: logger)
        let tenantConfiguration = try router.configuration(for: tenant)
        let plantedPath =
            planted
            ?? tenantConfiguration.database.path.map { PlantedSignals.defaultPath(besideDatabaseFile: $0) }
            ?? "\(configuration.root)/data/\(tenant).planted.json"
        let seedOptions = seedOptions()
        let bar = ProgressBar(label: "seed \(tenant)")
        do {
            let database = try await router.database(for: tenant)
            let report = try await SampleDataGenerator(options: seedOptions).seed(into: database) { bar.update($0) }
            bar.finish()
            try report.planted.write(toFile: plantedPath)
            printSummary(report, options: seedOptions, plantedPath: plantedPath)
            // The raw data was replaced wholesale: incremental marts built from the old data
            // must be rebuilt in full, not topped up.
            let projectFolder = URL(fileURLWithPath: configuration.root).appendingPathComponent("transform")
            if FileManager.default.fileExists(atPath: projectFolder.appendingPathComponent("dbt_project.yml").path) {
                let emptied = try await TransformRunner(
                    project: try DbtProject.load(from: projectFolder), database: database,
                    schema: try router.configuration(for: tenant).database.schema, logger: logger
                ).resetIncrementalModels()
                if !emptied.isEmpty {
                    print("Emptied incremental marts \(emptied.joined(separator: ", ")): the next convai transform rebuilds them")
                }
            }
        } catch {
            bar.finish()
            await router.closeAll()
            throw error
        }
        await router.closeAll()
    }

    private func printSummary(_ report: SeedReport, options: SeedOptions, plantedPath: String) {
        print(
            "Seeded \(tenant) (\(options.tenant.displayName)): \(options.startDate) to \(options.endDate), "
                + "\(options.days) days, scale \(options.scale), seed \(options.seed), in "
                + String(format: "%.1f", report.seconds) + " s")
        func row(_ name: String, _ rows: Int) {
            print("  " + name.padding(toLength: 24, withPad: " ", startingAt: 0) + grouped(rows).leftPadded(12))
        }
        for table in report.tables { row(table.table, table.rows) }
        row("total", report.tables.map(\.rows).reduce(0, +))
        let planted = report.planted
        print(
            "Planted: \(planted.anomalies.count) anomalies, \(planted.trends.count) trends, "
                + "\(planted.lapsedOutlets.count) lapsed outlets, \(planted.stockBuildUps.count) stock build-up(s) -> "
                + plantedPath)
    }
}

/// A one-line progress bar on stderr, redrawn in place on a terminal; elsewhere (a pipe,
/// a log file) one line per stage and per tenth of the work.
final class ProgressBar: Sendable {
    private struct State {
        var percent = -1
        var stage: SeedProgress.Stage?
        var drawn = false
    }

    private let label: String
    private let interactive = isatty(STDERR_FILENO) != 0
    private let started = ContinuousClock.now
    private let state = Mutex(State())

    init(label: String) {
        self.label = label
    }

    func update(_ progress: SeedProgress) {
        let percent = Int(progress.fraction * 100)
        let line: String? = state.withLock { state in
            let changed =
                interactive ? percent != state.percent || progress.stage != state.stage
                : percent / 10 != state.percent / 10 || progress.stage != state.stage
            guard changed else { return nil }
            state.percent = percent
            state.stage = progress.stage
            state.drawn = true
            let width = 30
            let filled = width * percent / 100
            let bar = String(repeating: "=", count: filled) + (filled < width ? ">" : "")
                + String(repeating: " ", count: max(0, width - filled - 1))
            let seconds = String(format: "%.1f", (ContinuousClock.now - started).seconds)
            return "[\(label)] [\(bar)] \(String(percent).leftPadded(3))%  \(progress.stage.label)  "
                + "\(grouped(progress.rowsWritten)) rows  \(seconds)s"
        }
        guard let line else { return }
        FileHandle.standardError.write(Data((interactive ? "\r\(line)\u{1B}[K" : line + "\n").utf8))
    }

    func finish() {
        let drawn = state.withLock { $0.drawn }
        if drawn, interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

extension SeedProgress.Stage {
    fileprivate var label: String {
        switch self {
        case .planning: return "planning"
        case .dimensions: return "master data"
        case .secondarySales: return "secondary sales"
        case .primaryInvoices: return "primary invoices"
        case .finishing: return "finishing"
        }
    }
}

/// 1234567 → "1,234,567".
private func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}
