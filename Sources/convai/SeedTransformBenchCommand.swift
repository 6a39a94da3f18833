import ArgumentParser
import Foundation
import Logging
import SampleData
import Server
import Transform
import Warehouse

/// `convai bench seed-transform`: seeds one tenant, transforms it with the built-in runner,
/// and runs dbt-core (`dbt build`) on a copy of the same raw data in the same run.
struct SeedTransformBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-transform",
        abstract: "Seconds to seed and to transform one tenant, and dbt-core's transform time on the same data.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "The sample tenant: itc, nestle or unilever.")
    var tenant = "itc"

    @Option(help: "Volume multiplier (1.0: about 1,000,000 secondary lines).")
    var scale = 1.0

    @Option(help: "Days of history.")
    var days = 730

    @Option(help: "The dbt executable (default: .venv/bin/dbt under the project root).")
    var dbt: String?

    func run() async throws {
        let logger = options.makeLogger()
        var quiet = logger
        quiet.logLevel = .warning
        guard let sampleTenant = SampleTenant(tenantID: tenant) else {
            throw ValidationError("--tenant must be one of \(SampleTenant.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let configuration = try options.loadConfiguration()
        let root = URL(fileURLWithPath: configuration.root)
        let dbtPath = dbt ?? root.appendingPathComponent(".venv/bin/dbt").path
        guard FileManager.default.isExecutableFile(atPath: dbtPath) else {
            throw ValidationError("dbt not found at \(dbtPath); run scripts/bootstrap venv, or pass --dbt")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let ours = folder.appendingPathComponent("ours.duckdb").path
        let theirs = folder.appendingPathComponent("dbt.duckdb").path

        let clock = ContinuousClock()
        let database = try DuckDBDatabase(configuration: .init(path: ours))
        let migrations = try Migration.load(from: configuration.databaseFolder, dialect: .duckdb)
        _ = try await MigrationRunner(database: database, migrations: migrations, logger: quiet).run()
        progress("seeding \(tenant) at scale \(scale)")
        let seedOptions = SeedOptions(tenant: sampleTenant, endDate: SQLDate(iso: "2025-06-30")!, days: days, scale: scale)
        var seedReport: SeedReport?
        let seedTime = try await clock.measure {
            seedReport = try await SampleDataGenerator(options: seedOptions).seed(into: database)
        }
        try await database.close()
        // dbt gets a byte copy of the freshly seeded file, so both transform the same data.
        try FileManager.default.copyItem(atPath: ours, toPath: theirs)

        progress("transforming with convai")
        let project = try DbtProject.load(from: root.appendingPathComponent("transform"))
        let reopened = try DuckDBDatabase(configuration: .init(path: ours))
        var report: TransformRunner.Report?
        let oursTime = try await clock.measure {
            report = try await TransformRunner(project: project, database: reopened, logger: quiet).run()
        }
        try await reopened.close()
        guard let report, report.succeeded else { throw ValidationError("convai transform failed: \(report?.summary ?? "")") }

        progress("transforming with dbt-core (dbt build)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: dbtPath)
        let projectPath = root.appendingPathComponent("transform").path
        process.arguments = [
            "build", "--project-dir", projectPath, "--profiles-dir", projectPath, "--target", "duckdb",
            "--target-path", folder.appendingPathComponent("target").path, "--log-path", folder.appendingPathComponent("logs").path,
        ]
        process.environment = ProcessInfo.processInfo.environment.merging(["DBT_DUCKDB_PATH": theirs, "DO_NOT_TRACK": "1"]) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let dbtTime = try clock.measure {
            try process.run()
            _ = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
        }
        guard process.terminationStatus == 0 else { throw ValidationError("dbt build failed (exit \(process.terminationStatus))") }

        let lines = seedReport?.rows(in: "raw_secondary_sales") ?? 0
        print("seed-transform benchmark: tenant \(tenant), scale \(scale), \(days) days, \(lines) raw secondary lines")
        print("  seed (convai seed)                 \(format(seedTime.seconds)) s")
        print("  transform, convai (models + tests) \(format(oursTime.seconds)) s   \(report.summary)")
        print("  transform, dbt-core build          \(format(dbtTime.seconds)) s")
        print("  ratio dbt-core / convai            \(String(format: "%.1f", dbtTime.seconds / oursTime.seconds))x")
    }

    private func format(_ seconds: Double) -> String { String(format: "%8.2f", seconds) }
}
