import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hummingbird
import Logging
import SampleData
import Semantic
import Server
import ServiceLifecycle
import Transform
import Warehouse

struct CacheBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "A monthly-by-brand query at scale 10 from the raw tables, from a rollup and from the cache; cached /v1/load under wrk.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "The sample tenant.")
    var tenant = "itc"

    @Option(help: "Sample data scale.")
    var scale = 10.0

    @Option(help: "A DuckDB file to use (seeded at --scale and transformed when it holds no sales yet); default: a temporary one.")
    var database: String?

    @Option(name: .customLong("repeat"), help: "Timed runs per latency.")
    var repeat_ = 21

    @Option(help: "wrk connections.")
    var connections = 64

    @Option(help: "wrk duration in seconds.")
    var seconds = 20

    static let query =
        #"{"measures":["Transactions.netSales","Transactions.totalQuantity"],"dimensions":["Products.brand"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"month","dateRange":"last 12 months"}]}"#

    func run() async throws {
        var logger = options.makeLogger()
        let configuration = try options.loadConfiguration()
        guard let sample = SampleTenant(rawValue: tenant) else { throw ValidationError("--tenant must be one of the sample tenants") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-cache-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = database ?? folder.appendingPathComponent("\(tenant).duckdb").path
        let asOf = try await prepareData(at: path, sample: sample, configuration: configuration, logger: logger)

        let model = try DataModel.load(from: URL(fileURLWithPath: configuration.root).appendingPathComponent("model"))
        let db = try DuckDBDatabase(configuration: .init(path: path))
        let refresher = PreAggregationRefresher(model: model, database: db)
        progress("building the rollups (full)")
        let buildStart = ContinuousClock.now
        for rollup in refresher.rollups {
            let report = try await refresher.refresh(rollup, full: true)
            progress("  \(report.id): \(report.rows) rows")
        }
        let buildTime = ContinuousClock.now - buildStart
        let incrementalStart = ContinuousClock.now
        for rollup in refresher.rollups { _ = try await refresher.refresh(rollup) }
        let incrementalTime = ContinuousClock.now - incrementalStart
        let rollups = try await refresher.builtRollups().map(\.rollup)
        let cubeQuery = try JSONDecoder().decode(CubeQuery.self, from: Data(Self.query.utf8))
        let raw = QueryCompiler(model: model, dialect: .duckdb)
        let fromRollup = QueryCompiler(model: model, dialect: .duckdb, rollups: rollups)
        let facts = try await db.query("SELECT COUNT(*) FROM fact_sales_transactions").scalar?.intValue ?? 0

        progress("timing the query from the raw tables and from the rollup (\(repeat_) runs each)")
        let (rawTime, rawRows) = try await time {
            let compiled = try raw.compile(cubeQuery, asOf: asOf)
            return try await db.query(compiled.sql, compiled.binds)
        }
        let (rollupTime, rollupRows) = try await time {
            let compiled = try fromRollup.compile(cubeQuery, asOf: asOf)
            return try await db.query(compiled.sql, compiled.binds)
        }
        let used = try fromRollup.compile(cubeQuery, asOf: asOf).usedPreAggregation ?? "none"
        guard rawRows.rows.count == rollupRows.rows.count else {
            throw ValidationError("the rollup returned \(rollupRows.rows.count) rows, the raw tables \(rawRows.rows.count)")
        }
        try await db.close()

        // The HTTP server on loopback, as deployed: one tenant on the file, rollups built.
        var served = configuration
        served.tenants = configuration.tenants.filter { $0.id == tenant }.map { tenantConfiguration in
            var copy = tenantConfiguration
            copy.database = .init(engine: .duckdb, path: path)
            return copy
        }
        served.limits = .unthrottled
        served.server.port = 0
        logger.logLevel = .warning
        let token = try await TokenAuthority(settings: try served.tokenSettings(), tenants: [tenant], logger: logger)
            .mint(AccessClaims(tenant: tenant, subject: "bench", role: "admin", expiresAt: Date().addingTimeInterval(3600)))
        let encoded = Self.query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        var throughput: [String: Double] = [:]
        var cacheTime = Duration.zero
        for (label, cache) in [("no cache", ResultCacheSettings.off), ("cached", ResultCacheSettings())] {
            served.cache = cache
            let (latency, rate) = try await withServer(served, logger: logger) { port in
                let url = "http://127.0.0.1:\(port)/cubejs-api/v1/load?query=\(encoded)"
                var latency = Duration.zero
                if cache.ttlSeconds > 0 {
                    _ = try await fetch(url, token: token)
                    (latency, _) = try await time { try await fetch(url, token: token) }
                }
                progress("wrk, \(label): \(connections) connections for \(seconds) s")
                return (latency, try await wrk(url, token: token))
            }
            throughput[label] = rate
            if cache.ttlSeconds > 0 { cacheTime = latency }
        }
        let cachedThroughput = throughput["cached"] ?? 0
        let uncachedThroughput = throughput["no cache"] ?? 0
        let data = database == nil ? "scale \(scale), " : "\(path), "
        print("cache benchmark: \(tenant), \(data)\(facts) sales lines to \(asOf); latencies are medians of \(repeat_) runs")
        print("  query: net sales and volume by brand by month, last 12 months (\(rawRows.rows.count) rows)")
        print("  rollups built from scratch          \(ms(buildTime))   incremental refresh \(ms(incrementalTime))")
        print("  raw tables (baseline)               \(ms(rawTime))")
        print("  rollup \(used)  \(ms(rollupTime))   \(ratio(rawTime, rollupTime)) faster")
        print("  cache, one HTTP request             \(ms(cacheTime))   \(ratio(rawTime, cacheTime)) faster than raw")
        print("  /v1/load under wrk, \(connections) connections, \(seconds) s, loopback:")
        print("    not cached (baseline, rollup)     \(String(format: "%9.0f", uncachedThroughput)) requests/s")
        print("    cached                            \(String(format: "%9.0f", cachedThroughput)) requests/s   \(String(format: "%.1fx", cachedThroughput / max(uncachedThroughput, 1)))")
    }

    /// Seeds and transforms the tenant at `path` unless it has sales; returns the last day of data.
    private func prepareData(at path: String, sample: SampleTenant, configuration: ConvAIConfiguration, logger: Logger) async throws -> SQLDate {
        let db = try DuckDBDatabase(configuration: .init(path: path))
        let present = (try? await db.query("SELECT MAX(transaction_date) FROM fact_sales_transactions").scalar?.dateValue) ?? nil
        if let present {
            try await db.close()
            progress("using \(path) (sales to \(present))")
            return present
        }
        progress("seeding \(tenant) at scale \(scale) into \(path) (several minutes)")
        let endDate = SQLDate.todayUTC().adding(days: -1)
        try await seedAndTransform(
            db, options: SeedOptions(tenant: sample, endDate: endDate, scale: scale), configuration: configuration, logger: logger,
            progressBar: ProgressBar(label: "bench"))
        try await db.close()
        return endDate
    }

    private func withServer<T: Sendable>(
        _ configuration: ConvAIConfiguration, logger: Logger, _ body: @escaping @Sendable (Int) async throws -> T
    ) async throws -> T {
        let tenants = TenantRouter(tenants: configuration.tenants, logger: logger)
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let app = try await buildApplication(
            configuration: configuration, tenants: tenants, logger: logger, onServerRunning: { port in portContinuation.yield(port) })
        // Stopped gracefully, as on SIGTERM: open requests finish and the stores close.
        let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let result = try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await services.run()
                return nil
            }
            var ports = portStream.makeAsyncIterator()
            guard let port = await ports.next() else { throw ValidationError("the server did not start") }
            let result: T
            do {
                result = try await body(port)
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            return result
        }
        await tenants.closeAll()
        return result
    }

    private func fetch(_ url: String, token: String) async throws -> Data {
        var request = URLRequest(url: URL(string: url)!)
        request.setValue(token, forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw ValidationError("GET /v1/load failed: \(String(decoding: data.prefix(300), as: UTF8.self))")
        }
        return data
    }

    /// Runs wrk and reads its "Requests/sec"; non-2xx answers make the run fail.
    private func wrk(_ url: String, token: String) async throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["wrk", "-t2", "-c\(connections)", "-d\(seconds)s", "--latency", "-H", "Authorization: \(token)", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = await Task.detached { String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }.value
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("wrk failed (is it installed? apt-get install wrk)") }
        if output.contains("Non-2xx or 3xx responses") { throw ValidationError("wrk saw failed responses:\n\(output)") }
        for line in output.split(separator: "\n") where line.hasPrefix("Latency") || line.contains("99%") {
            progress("  \(line.trimmingCharacters(in: .whitespaces))")
        }
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
            let value = Double(line.split(separator: " ").last ?? "")
        else { throw ValidationError("cannot read wrk's output:\n\(output)") }
        return value
    }

    private func time<T>(_ body: () async throws -> T) async throws -> (Duration, T) {
        try await medianTime(runs: repeat_, body)
    }

    private func ms(_ duration: Duration) -> String { milliseconds(duration, places: 2) }

    private func ratio(_ baseline: Duration, _ value: Duration) -> String {
        String(format: "%.1fx", value > .zero ? baseline / value : 0)
    }
}
