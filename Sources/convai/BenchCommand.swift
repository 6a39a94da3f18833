import ArgumentParser
import Foundation
import Logging
import Observability
import SampleData
import Server
import Transform
import Warehouse

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench", abstract: "Benchmarks, each against a baseline measured in the same run.",
        subcommands: [IngestBenchCommand.self, SeedTransformBenchCommand.self, SemanticBenchCommand.self, EnginesBenchCommand.self, ConversationBenchCommand.self, ObservabilityBenchCommand.self, SecurityBenchCommand.self, InsightsBenchCommand.self, CacheBenchCommand.self])
}

struct IngestBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Load N rows through the Appender and through a CSV file + COPY; print rows/s and the ratio.")

    @Option(help: "Rows per load path.")
    var rows = 1_000_000

    @Option(name: .customLong("repeat"), help: "Runs per path; the median is reported.")
    var repeat_ = 3

    @Option(help: "Folder for the scratch database and CSV file (default: a new temporary folder).")
    var directory: String?

    func validate() throws {
        guard rows > 0 else { throw ValidationError("--rows must be positive") }
        guard repeat_ > 0 else { throw ValidationError("--repeat must be positive") }
    }

    func run() async throws {
        let folder = directory.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("convai-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if directory == nil { try? FileManager.default.removeItem(at: folder) } }
        let database = try DuckDBDatabase(
            configuration: .init(path: folder.appendingPathComponent("bench.duckdb").path, maxConnections: 1))
        let benchmark = IngestBenchmark(rows: rows, directory: folder)
        progress("generating \(rows) rows")
        let data = IngestBenchmark.makeRows(rows)
        var results: [IngestBenchmark.Result] = []
        for run in 1...repeat_ {
            let result = try await benchmark.run(on: database, rows: data) { progress("run \(run)/\(repeat_): \($0)") }
            progress(
                "run \(run)/\(repeat_): appender \(rate(result.appenderRowsPerSecond)), copy \(rate(result.copyRowsPerSecond)), "
                    + "csv+copy \(rate(result.csvAndCopyRowsPerSecond))")
            results.append(result)
        }
        try await database.close()
        func median(_ key: (IngestBenchmark.Result) -> Double) -> Double {
            let sorted = results.map(key).sorted()
            return sorted[sorted.count / 2]
        }
        let appender = median(\.appenderRowsPerSecond)
        let copy = median(\.copyRowsPerSecond)
        let csvAndCopy = median(\.csvAndCopyRowsPerSecond)
        print("ingest benchmark: \(rows) rows per path, median of \(repeat_) run(s), DuckDB \(DuckDBDatabase.libraryVersion)")
        print("  appender (data chunks)      \(rate(appender))")
        print("  COPY from CSV (baseline)    \(rate(copy))")
        print("  write CSV + COPY            \(rate(csvAndCopy))")
        print("  ratio appender / COPY            \(String(format: "%.2f", appender / copy))x")
        print("  ratio appender / (CSV + COPY)    \(String(format: "%.2f", appender / csvAndCopy))x")
    }

    private func rate(_ rowsPerSecond: Double) -> String {
        String(format: "%12.0f rows/s", rowsPerSecond)
    }
}

/// A progress line on stderr, so that stdout keeps only the figures; `command` names who
/// speaks (`[bench]`, `[digest]`).
func progress(_ message: String, command: String = "bench") {
    FileHandle.standardError.write(Data("[\(command)] \(message)\n".utf8))
}

/// The median of `runs` timed runs of `body` after one warm-up, and the last run's result.
func medianTime<T>(runs: Int, _ body: () async throws -> T) async throws -> (Duration, T) {
    let (timings, result) = try await timedRuns(runs: runs, body)
    return (timings.median, result)
}

/// Timed runs, fastest first.
struct Timings {
    var sorted: [Duration]
    var median: Duration { sorted[sorted.count / 2] }
    var fastest: Duration { sorted[0] }
    var slowest: Duration { sorted[sorted.count - 1] }
}

/// `runs` timed runs of `body` after one warm-up, and the last run's result.
func timedRuns<T>(runs: Int, _ body: () async throws -> T) async throws -> (Timings, T) {
    var result = try await body()
    var samples: [Duration] = []
    for _ in 0..<max(1, runs) {
        let started = ContinuousClock.now
        result = try await body()
        samples.append(ContinuousClock.now - started)
    }
    return (Timings(sorted: samples.sorted()), result)
}

/// Milliseconds with `places` decimals, right-aligned for the benchmarks' tables.
func milliseconds(_ duration: Duration, places: Int = 1) -> String {
    String(format: "%\(places + 7).\(places)f ms", duration.milliseconds)
}


/// Gives a benchmark's database the shipped schema, a sample tenant's data and the marts:
/// what `make transform` does for a configured tenant, for a database of its own.
func seedAndTransform(
    _ database: any Database, options: SeedOptions, configuration: ConvAIConfiguration, schema: String? = nil,
    logger: Logger, progressBar: ProgressBar? = nil
) async throws {
    let root = URL(fileURLWithPath: configuration.root)
    _ = try await MigrationRunner(
        database: database, migrations: try Migration.load(from: configuration.databaseFolder, dialect: database.dialect),
        logger: logger
    ).run()
    _ = try await SampleDataGenerator(options: options).seed(into: database) { progressBar?.update($0) }
    progress("transforming")
    let report = try await TransformRunner(
        project: try DbtProject.load(from: root.appendingPathComponent("transform")), database: database, schema: schema,
        logger: logger
    ).run(.init(runTests: false))
    guard report.succeeded else { throw ValidationError("transform failed: \(report.summary)") }
}
