import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import NIOCore
import NIOHTTP1
import Semantic
import Server
import Warehouse

/// `convai bench semantic`: the compiler's speed over the reference query table, and the
/// whole `/v1/load` path over HTTP against the same SQL run straight through the driver.
struct SemanticBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "semantic",
        abstract: "Compile time per query, and /v1/load over HTTP versus the driver alone, on a tenant's data.",
        discussion: """
            Needs the tenant's seeded, transformed data (make run, or convai seed + convai transform)
            and no other process holding its DuckDB file (stop `make run` first).
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "The tenant whose data and model are used.")
    var tenant = "itc"

    @Option(help: "Compile rounds over the whole query table.")
    var rounds = 500

    @Option(name: .customLong("repeat"), help: "Timed runs per query and path; medians are reported.")
    var repeat_ = 15

    func validate() throws {
        guard rounds > 0, repeat_ > 0 else { throw ValidationError("--rounds and --repeat must be positive") }
    }

    func run() async throws {
        var logger = options.makeLogger()
        logger.logLevel = .warning
        var configuration = try options.loadConfiguration()
        configuration.server.port = 0
        configuration.server.host = "127.0.0.1"
        let tenantConfiguration = try configuration.tenants.first { $0.id == tenant }
            .orThrow(ValidationError("unknown tenant '\(tenant)'"))
        let model = try DataModel.load(from: configuration.modelFolder(for: tenantConfiguration))
        let queries = try ReferenceQueries.all.map { ($0.name, $0.json, try CubeQuery(json: Data($0.json.utf8))) }
        let today = SQLDate.todayUTC()

        // (a) Compile time.
        print("semantic benchmark: \(queries.count) reference queries, tenant \(tenant), today \(today)")
        print("compile (query → SQL), mean over \(rounds) rounds:")
        for dialect in [SQLDialect.duckdb, .postgres, .sqlserver, .sqlite] {
            let compiler = QueryCompiler(model: model, dialect: dialect)
            for (_, _, query) in queries { _ = try compiler.compile(query, asOf: today) }
            var slowest = (name: "", micros: 0.0)
            let clock = ContinuousClock()
            var total = Duration.zero
            for (name, _, query) in queries {
                let elapsed = try clock.measure {
                    for _ in 0..<rounds { _ = try compiler.compile(query, asOf: today) }
                }
                total += elapsed
                let micros = elapsed.microseconds / Double(rounds)
                if micros > slowest.micros { slowest = (name, micros) }
            }
            let mean = total.microseconds / Double(rounds * queries.count)
            print(
                "  \(dialect.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(fixed(mean, 6, 1)) µs/query   "
                    + "slowest \(slowest.name) \(fixed(slowest.micros, 1, 1)) µs   (goal: under 50 µs)")
        }

        // (b) The HTTP path against the driver alone, in one process on one database.
        let tenants = TenantRouter(tenants: configuration.tenants, logger: logger)
        let database = try await tenants.database(for: tenant)
        let compiler = QueryCompiler(model: model, dialect: database.dialect)
        do {
            _ = try await database.query("SELECT 1 FROM fact_sales_transactions LIMIT 1")
        } catch {
            throw ValidationError(
                "tenant \(tenant) has no transformed data (\(error)); run make run, or convai seed and convai transform")
        }
        let (port, server) = try await startServer(configuration: configuration, tenants: tenants, logger: logger)
        defer { server.cancel() }
        let authority = try await TokenAuthority(secret: try configuration.jwtSecret(), tenants: [tenant])
        let token = try await authority.mint(
            AccessClaims(tenant: tenant, subject: "bench", role: "admin", expiresAt: Date().addingTimeInterval(3600)))
        let client = HTTPClient.shared
        let url = "http://127.0.0.1:\(port)/cubejs-api/v1/load"

        func direct(_ query: CubeQuery) async throws -> Duration {
            let clock = ContinuousClock()
            return try await clock.measure {
                let compiled = try compiler.compile(query, asOf: today)
                _ = try await database.query(compiled.sql, compiled.binds)
                if let total = compiled.totalSQL { _ = try await database.query(total, compiled.binds) }
            }
        }
        func http(_ json: String) async throws -> Duration {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Authorization", value: token)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: "{\"query\":\(json)}"))
            let clock = ContinuousClock()
            var status = 0
            var text = ""
            let elapsed = try await clock.measure {
                let response = try await client.execute(request, timeout: .seconds(60))
                status = Int(response.status.code)
                text = String(buffer: try await response.body.collect(upTo: 64 << 20))
            }
            guard status == 200 else { throw ValidationError("/v1/load answered \(status): \(text.prefix(300))") }
            return elapsed
        }

        print("/v1/load over HTTP (JWT check, compile, query, Cube JSON) vs the driver alone (compile + query), median of \(repeat_):")
        var directTotal = 0.0
        var httpTotal = 0.0
        for (index, (name, json, query)) in queries.enumerated() {
            progress("query \(index + 1)/\(queries.count): \(name)")
            for _ in 0..<2 {
                _ = try await direct(query)
                _ = try await http(json)
            }
            var directTimes: [Double] = []
            var httpTimes: [Double] = []
            // Alternated so that both paths see the same machine load and cache state.
            for _ in 0..<repeat_ {
                directTimes.append(try await direct(query).milliseconds)
                httpTimes.append(try await http(json).milliseconds)
            }
            let d = median(directTimes)
            let h = median(httpTimes)
            directTotal += d
            httpTotal += h
            print("  \(name.padding(toLength: 28, withPad: " ", startingAt: 0)) driver \(fixed(d, 8, 3)) ms   http \(fixed(h, 8, 3)) ms   \(fixed(h / d, 5, 2))x")
        }
        print("  total of medians: driver \(fixed(directTotal, 1, 2)) ms, http \(fixed(httpTotal, 1, 2)) ms")
        print("  ratio http / driver   \(fixed(httpTotal / directTotal, 1, 3))x   (goal: within 1.2x)")
        server.cancel()
        await tenants.closeAll()
    }

    private func startServer(configuration: ConvAIConfiguration, tenants: TenantRouter, logger: Logger) async throws
        -> (Int, Task<Void, any Error>)
    {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        // The benchmark measures the HTTP path, not the rate limiter: one token sends thousands.
        var configuration = configuration
        configuration.limits = .unthrottled
        let app = try await buildApplication(
            configuration: configuration, tenants: tenants, logger: logger,
            onServerRunning: { port in continuation.yield(port) })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw ValidationError("the server did not start") }
        return (port, task)
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    private func fixed(_ value: Double, _ width: Int, _ digits: Int) -> String {
        String(format: "%\(width).\(digits)f", value)
    }
}

extension Duration {
    var microseconds: Double { Double(components.seconds) * 1e6 + Double(components.attoseconds) / 1e12 }
    var milliseconds: Double { microseconds / 1000 }
}

extension Optional {
    func orThrow(_ error: @autoclosure () -> any Error) throws -> Wrapped {
        guard let self else { throw error() }
        return self
    }
}
