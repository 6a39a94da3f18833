import ArgumentParser
import Foundation
import Logging
import SampleData
import Semantic
import Server
import Transform
import Warehouse

/// `convai bench engines`: the reference queries on DuckDB and on PostgreSQL over the same
/// seeded data; the tenant router's own cost; and each driver against the engine's own
/// client (DuckDB's Python package, psql) on the same SQL.
struct EnginesBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engines",
        abstract: "Per-engine latency of the reference queries, router overhead, and drivers vs the engines' own clients.",
        discussion: """
            Needs a PostgreSQL to write a scratch schema into: --postgres-url, or CONVAI_BENCH_PG_URL
            (`make bench` starts a throwaway one with scripts/pg-test-server). DuckDB's Python
            package and psql come from scripts/bootstrap.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(name: .customLong("postgres-url"), help: "postgres://user:password@host:port/database of a scratch database.")
    var postgresURL: String? = ProcessInfo.processInfo.environment["CONVAI_BENCH_PG_URL"]

    @Option(help: "Sample data volume (1.0 is the default demo volume).")
    var scale = 0.5

    @Option(help: "Days of sample data ending at the reference date.")
    var days = 365

    @Option(name: .customLong("repeat"), help: "Timed runs per query and path; medians are reported.")
    var repeat_ = 9

    func validate() throws {
        guard postgresURL != nil else { throw ValidationError("--postgres-url (or CONVAI_BENCH_PG_URL) is required") }
        guard repeat_ > 0, scale > 0, days >= 90 else {
            throw ValidationError("--repeat and --scale must be positive and --days at least 90")
        }
    }

    func run() async throws {
        var logger = options.makeLogger()
        logger.logLevel = .warning
        let configuration = try options.loadConfiguration()
        let root = URL(fileURLWithPath: configuration.root)
        let model = try DataModel.load(from: root.appendingPathComponent("model"))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-bench-engines-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let duckPath = folder.appendingPathComponent("bench.duckdb").path

        // The same data on both engines.
        let schema = "bench_" + UUID().uuidString.lowercased().replacing("-", with: "").prefix(12)
        let url = try postgresURL.orThrow(ValidationError("no PostgreSQL URL"))
        let admin = try PostgresDatabase(configuration: try PostgresDatabase.Configuration(url: url), logger: logger)
        try await admin.execute("CREATE SCHEMA \(SQLDialect.postgres.quoteIdentifier(String(schema)))")
        var settings = try PostgresDatabase.Configuration(url: url)
        settings.schema = String(schema)
        let tenants = [
            TenantConfiguration(id: "duck", database: .init(engine: .duckdb, path: duckPath)),
            TenantConfiguration(
                id: "pg",
                database: .init(
                    engine: .postgres, host: settings.host, port: settings.port, user: settings.username,
                    password: settings.password, database: settings.database, tls: settings.tls,
                    schema: String(schema))),
        ]
        let router = TenantRouter(tenants: tenants, logger: logger)
        do {
            for tenant in ["duck", "pg"] {
                let database = try await router.database(for: tenant)
                progress("\(tenant): migrating, seeding (scale \(scale), \(days) days) and transforming")
                try await seedAndTransform(
                    database,
                    options: SeedOptions(tenant: .nestle, endDate: SQLDate(iso: ReferenceQueries.asOf)!, days: days, scale: scale),
                    configuration: configuration, schema: tenant == "pg" ? String(schema) : nil, logger: logger)
            }
            try await measure(router: router, model: model, schema: String(schema), url: url, duckPath: duckPath, folder: folder)
        } catch {
            await router.closeAll()
            try? await admin.execute("DROP SCHEMA \(SQLDialect.postgres.quoteIdentifier(String(schema))) CASCADE")
            try? await admin.close()
            throw error
        }
        try? await admin.execute("DROP SCHEMA \(SQLDialect.postgres.quoteIdentifier(String(schema))) CASCADE")
        try await admin.close()
    }

    private func measure(
        router: TenantRouter, model: DataModel, schema: String, url: String, duckPath: String, folder: URL
    ) async throws {
        let asOf = SQLDate(iso: ReferenceQueries.asOf)!
        let queries = try ReferenceQueries.all.map { ($0.name, try CubeQuery(json: Data($0.json.utf8))) }
        let duck = try await router.database(for: "duck")
        let postgres = try await router.database(for: "pg")
        // The same SQL text for the driver and the engine's own client: compiled per dialect,
        // with the reference table's own values written in as literals (benchmark only).
        let duckSQL = try queries.map { try Self.literalSQL(QueryCompiler(model: model, dialect: .duckdb).compile($0.1, asOf: asOf)) }
        let postgresSQL = try queries.map {
            try Self.literalSQL(QueryCompiler(model: model, dialect: .postgres).compile($0.1, asOf: asOf))
        }

        // (1) Per-engine latency through the drivers, compiled SQL with binds.
        print("engines benchmark: \(queries.count) reference queries, nestle sample data at scale \(scale), \(days) days; median of \(repeat_)")
        print("per-engine latency (driver, bound parameters):")
        var duckTotal = 0.0
        var postgresTotal = 0.0
        for (index, (name, query)) in queries.enumerated() {
            progress("query \(index + 1)/\(queries.count): \(name)")
            let onDuck = try QueryCompiler(model: model, dialect: .duckdb).compile(query, asOf: asOf)
            let onPostgres = try QueryCompiler(model: model, dialect: .postgres).compile(query, asOf: asOf)
            let d = try await median { _ = try await duck.query(onDuck.sql, onDuck.binds) }
            let p = try await median { _ = try await postgres.query(onPostgres.sql, onPostgres.binds) }
            duckTotal += d
            postgresTotal += p
            print("  \(name.padding(toLength: 28, withPad: " ", startingAt: 0)) duckdb \(fixed(d, 8, 3)) ms   postgres \(fixed(p, 8, 3)) ms")
        }
        print("  total of medians: duckdb \(fixed(duckTotal, 1, 2)) ms, postgres \(fixed(postgresTotal, 1, 2)) ms")

        // (2) The router's own cost: looking up an open tenant database.
        let lookups = 200_000
        let clock = ContinuousClock()
        let elapsed = try await clock.measure {
            for i in 0..<lookups { _ = try await router.database(for: i % 2 == 0 ? "duck" : "pg") }
        }
        print("router overhead: \(fixed(elapsed.microseconds / Double(lookups), 1, 3)) µs per lookup (goal: under 50 µs)")

        // (3) Drivers against the engines' own clients on the same literal SQL.
        var ourPostgres: [Double] = []
        for sql in postgresSQL { ourPostgres.append(try await median { _ = try await postgres.query(sql) }) }
        var ourDuck: [Double] = []
        for sql in duckSQL { ourDuck.append(try await median { _ = try await duck.query(sql) }) }
        await router.closeAll()  // DuckDB's client opens the file next; one process may hold it.
        progress("timing psql")
        let psql = try psqlMedians(postgresSQL, url: url, schema: schema, folder: folder)
        progress("timing DuckDB's Python client")
        let python = try duckdbClientMedians(duckSQL, path: duckPath, folder: folder)
        let ourPostgresTotal = ourPostgres.reduce(0, +)
        let psqlTotal = psql.reduce(0, +)
        let ourDuckTotal = ourDuck.reduce(0, +)
        let pythonTotal = python.reduce(0, +)
        print("drivers vs the engines' own clients, same SQL, total of per-query medians:")
        print("  postgres: convai driver \(fixed(ourPostgresTotal, 1, 2)) ms, psql \(fixed(psqlTotal, 1, 2)) ms   ratio driver / psql \(fixed(ourPostgresTotal / psqlTotal, 1, 3))x")
        print("  duckdb:   convai driver \(fixed(ourDuckTotal, 1, 2)) ms, python duckdb \(fixed(pythonTotal, 1, 2)) ms   ratio driver / python \(fixed(ourDuckTotal / pythonTotal, 1, 3))x")
    }

    private func median(_ body: () async throws -> Void) async throws -> Double {
        try await body()
        let clock = ContinuousClock()
        var times: [Double] = []
        for _ in 0..<repeat_ { times.append(try await clock.measure { try await body() }.milliseconds) }
        times.sort()
        return times[times.count / 2]
    }

    /// psql with `\timing`: each statement once to warm up, then `repeat` timed runs.
    private func psqlMedians(_ statements: [String], url: String, schema: String, folder: URL) throws -> [Double] {
        var script = "SET search_path TO \(SQLDialect.postgres.quoteIdentifier(schema));\nSET TIME ZONE 'UTC';\n"
        for sql in statements {
            script += sql + ";\n\\timing on\n"
            for _ in 0..<repeat_ { script += sql + ";\n" }
            script += "\\timing off\n"
        }
        let file = folder.appendingPathComponent("psql.sql")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let output = try runTool("psql", [url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", file.path, "-o", "/dev/null"])
        let times = output.split(separator: "\n").compactMap { line -> Double? in
            guard line.hasPrefix("Time: ") else { return nil }
            return Double(line.dropFirst(6).split(separator: " ")[0])
        }
        guard times.count == statements.count * repeat_ else {
            throw ValidationError("psql printed \(times.count) timings, expected \(statements.count * repeat_)")
        }
        return stride(from: 0, to: times.count, by: repeat_).map { start in
            let slice = times[start..<(start + repeat_)].sorted()
            return slice[slice.count / 2]
        }
    }

    private func duckdbClientMedians(_ statements: [String], path: String, folder: URL) throws -> [Double] {
        let file = folder.appendingPathComponent("statements.json")
        try JSONSerialization.data(withJSONObject: statements).write(to: file)
        let root = URL(fileURLWithPath: try options.loadConfiguration().root)
        let python = root.appendingPathComponent(".venv/bin/python").path
        let output = try runTool(
            python, [root.appendingPathComponent("scripts/duckdb-client-bench.py").path, path, file.path, String(repeat_)])
        guard let medians = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [Double],
            medians.count == statements.count
        else { throw ValidationError("the DuckDB client script printed no timings: \(output.prefix(300))") }
        return medians
    }

    private func runTool(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool.hasPrefix("/") ? tool : "/usr/bin/env")
        process.arguments = tool.hasPrefix("/") ? arguments : [tool] + arguments
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("convai-tool-\(UUID().uuidString)")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let handle = try FileHandle(forWritingTo: outputFile)
        process.standardOutput = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        guard process.terminationStatus == 0 else {
            throw ValidationError("\(tool) failed with status \(process.terminationStatus)")
        }
        return try String(contentsOf: outputFile, encoding: .utf8)
    }

    /// The compiled SQL with its bound values written in as SQL literals, so that another
    /// client can run exactly the same text. Only for the benchmark's own reference queries.
    static func literalSQL(_ compiled: CompiledQuery) -> String {
        func literal(_ value: Value) -> String {
            switch value {
            case .null: return "NULL"
            case .bool(let flag): return flag ? "TRUE" : "FALSE"
            case .int(let number): return String(number)
            case .double(let number): return "\(number)"
            case .decimal(let number): return number.description
            case .string(let text): return "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
            case .date(let date): return "DATE '\(date)'"
            case .timestamp(let timestamp): return "TIMESTAMP '\(timestamp)'"
            }
        }
        var sql = compiled.sql
        if sql.contains("$1") {
            // Highest first, so that $1 does not eat the start of $10.
            for (index, value) in compiled.binds.enumerated().reversed() {
                sql = sql.replacingOccurrences(of: "$\(index + 1)", with: literal(value))
            }
        } else {
            for value in compiled.binds {
                guard let range = sql.range(of: "?") else { break }
                sql.replaceSubrange(range, with: literal(value))
            }
        }
        return sql
    }

    private func fixed(_ value: Double, _ width: Int, _ digits: Int) -> String {
        String(format: "%\(width).\(digits)f", value)
    }
}
