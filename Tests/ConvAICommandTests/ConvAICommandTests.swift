import Foundation
import TestSupport
import Testing

/// End to end: the built `convai` binary, run as a user would, on a temporary project.
@Suite("convai command line")
struct ConvAICommandTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static var binary: URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("convai"),
            packageRoot.appendingPathComponent(".build/debug/convai"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[1]
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func convai(_ arguments: [String], in folder: URL? = nil) throws -> Output {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs convai without holding one of the test threads (``runProcess``): the long runs
    /// (seeding, backtests) would otherwise block one of the two threads every other test
    /// runs on.
    func convaiAsync(_ arguments: [String], in folder: URL? = nil) async throws -> Output {
        // A hung seed or transform fails the test rather than holding the whole run.
        let run = try await runProcess(Self.binary.path, arguments, currentDirectory: folder, timeout: .seconds(900))
        return Output(status: run.status, stdout: run.text, stderr: run.errorText)
    }

    /// ``withProject(_:)`` for an async body.
    func withProjectAsync(_ body: (URL) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try withProject { project in
            // withProject removes its folder when it returns: keep a copy for the async body.
            try FileManager.default.copyItem(at: project, to: folder)
        }
        try await body(folder)
    }

    /// A project folder with the shipped config and schema, and its own data/.
    func withProject(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("config"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(
            at: Self.packageRoot.appendingPathComponent("config/convai.yaml"),
            to: folder.appendingPathComponent("config/convai.yaml"))
        try FileManager.default.copyItem(
            at: Self.packageRoot.appendingPathComponent("database"), to: folder.appendingPathComponent("database"))
        let transform = folder.appendingPathComponent("transform")
        try FileManager.default.createDirectory(at: transform, withIntermediateDirectories: true)
        for item in ["dbt_project.yml", "models", "macros"] {
            try FileManager.default.copyItem(
                at: Self.packageRoot.appendingPathComponent("transform/\(item)"), to: transform.appendingPathComponent(item))
        }
        try body(folder)
    }

    @Test("sql --json prints typed JSON")
    func sqlJSON() throws {
        try withProject { folder throws in
            let result = try convai(
                ["sql", "--tenant", "itc", "--json", "SELECT 42 AS answer, DATE '2025-01-31' AS d, 1.25::DECIMAL(10,2) AS x"],
                in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(
                result.stdout
                    == #"{"columns":[{"name":"answer","type":"INTEGER"},{"name":"d","type":"DATE"},{"name":"x","type":"DECIMAL(10,2)"}],"rows":[{"answer":42,"d":"2025-01-31","x":1.25}]}"#
                    + "\n")
        }
    }

    @Test("sql prints an aligned table")
    func sqlTable() throws {
        try withProject { folder throws in
            let result = try convai(["sql", "--tenant", "nestle", "SELECT 'Maggi' AS brand, 1234.5::DECIMAL(8,2) AS net"], in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "brand |     net\n------+--------\nMaggi | 1234.50\n(1 row)\n")
        }
    }

    @Test("migrate creates the schema for every tenant, and a second run changes nothing")
    func migrate() throws {
        try withProject { folder throws in
            let first = try convai(["migrate"], in: folder)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout == "itc: applied 1 schema, 2 transform_runs\nnestle: applied 1 schema, 2 transform_runs\nunilever: applied 1 schema, 2 transform_runs\n")
            let second = try convai(["migrate", "--tenant", "itc"], in: folder)
            #expect(second.stdout == "itc: up to date (2 migration(s) applied earlier)\n")
            let tables = try convai(["sql", "--tenant", "unilever", "SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE 'f%'"], in: folder)
            #expect(tables.stdout.contains("\n2\n") || tables.stdout.contains(" 2\n"), "\(tables.stdout)")
        }
    }

    @Test("seed, transform, reseed another period, transform: the marts follow the new data")
    func seedAndTransform() throws {
        try withProject { folder in
            let seed = try convai(
                ["seed", "--tenant", "nestle", "--days", "120", "--end-date", "2025-06-30", "--seed", "7", "--scale", "0.02"], in: folder)
            #expect(seed.status == 0, "\(seed.stderr)")
            #expect(seed.stdout.contains("Seeded nestle (Nestlé India): 2025-03-03 to 2025-06-30"), "\(seed.stdout)")
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("data/nestle.planted.json").path))
            let transform = try convai(["transform", "--tenant", "nestle"], in: folder)
            #expect(transform.status == 0, "\(transform.stdout)\n\(transform.stderr)")
            #expect(transform.stdout.contains("17 models (17 ok, 0 error, 0 skipped)"), "\(transform.stdout)")
            #expect(transform.stderr.contains("OK incremental (full) fact_sales_transactions"))
            let first = try convai(
                ["sql", "--tenant", "nestle", "--json", "SELECT count(*) AS n, max(transaction_date) AS last FROM fact_sales_transactions"],
                in: folder)
            #expect(first.stdout.contains(#""last":"2025-06-30""#), "\(first.stdout)")

            let reseed = try convai(
                ["seed", "--tenant", "nestle", "--days", "90", "--end-date", "2025-03-31", "--scale", "0.02"], in: folder)
            #expect(reseed.status == 0, "\(reseed.stderr)")
            #expect(reseed.stdout.contains("Emptied incremental marts fact_primary_sales, fact_sales_transactions"), "\(reseed.stdout)")
            let again = try convai(["transform", "--tenant", "nestle"], in: folder)
            #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
            let second = try convai(
                ["sql", "--tenant", "nestle", "--json",
                 "SELECT max(transaction_date) AS last, min(transaction_date) AS first FROM fact_sales_transactions"],
                in: folder)
            #expect(second.stdout.contains(#""last":"2025-03-31","first":"2025-01-01""#), "\(second.stdout)")

            let badSelect = try convai(["transform", "--tenant", "nestle", "--select", "no_such_model+"], in: folder)
            #expect(badSelect.status == 1)
            #expect(badSelect.stderr.contains("no model named 'no_such_model'"), "\(badSelect.stderr)")
        }
    }

    @Test("bad input gets a clear error and a non-zero exit, never a trap")
    func errors() throws {
        try withProject { folder throws in
            let unknown = try convai(["sql", "--tenant", "hul", "SELECT 1"], in: folder)
            #expect(unknown.status == 1)
            #expect(unknown.stderr.contains("unknown tenant 'hul'; known tenants: itc, nestle, unilever"))

            let badSQL = try convai(["sql", "--tenant", "itc", "SELEC 1"], in: folder)
            #expect(badSQL.status == 1)
            #expect(badSQL.stderr.contains("Parser Error"))
            #expect(badSQL.stderr.contains("in statement: SELEC 1"))

            let missing = try convai(["sql", "--tenant", "itc", "--config", "nope.yaml", "SELECT 1"], in: folder)
            #expect(missing.status == 1)
            #expect(missing.stderr.contains("nope.yaml: configuration file not found"))

            try "tenants:\n  itc:\n    database: {engine: oracle, path: x}\n".write(
                to: folder.appendingPathComponent("config/bad.yaml"), atomically: true, encoding: .utf8)
            let bad = try convai(["migrate", "--config", "config/bad.yaml"], in: folder)
            #expect(bad.status == 1)
            #expect(bad.stderr.contains("config/bad.yaml: key tenants.itc.database.engine: expected one of duckdb, postgres, sqlserver, sqlite, found 'oracle'"))
        }
    }
}
