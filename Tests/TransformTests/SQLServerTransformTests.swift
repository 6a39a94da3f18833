import Foundation
import Logging
import SampleData
import Testing
@testable import Transform
import Warehouse

/// The shipped project on SQL Server. No SQL Server runs on the development machines, so
/// every statement the runner would send (the compiled models inside their
/// materializations, and the schema tests) is checked by a real T-SQL parser: sqlglot
/// with `read="tsql"` (scripts/tsql-parse.py, from the project's `.venv`), as
/// SemanticTests/TSQLParseTests does for the compiler's queries. The live suite below
/// runs `convai transform`'s runner against a server when CONVAI_MSSQL_URL is set.
@Suite("transform/ compiled for SQL Server")
struct SQLServerTransformParseTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs scripts/tsql-parse.py (the same invocation as SemanticTests' TSQLParseTests;
    /// test targets cannot share code without a library target, hence the copy).
    func parse(_ arguments: [String], stdin: String? = nil) throws -> (status: Int32, output: String) {
        let python = Self.root.appendingPathComponent(".venv/bin/python")
        try #require(
            FileManager.default.isExecutableFile(atPath: python.path),
            "no .venv/bin/python: run scripts/bootstrap venv (make test does)")
        let process = Process()
        process.executableURL = python
        process.arguments = [Self.root.appendingPathComponent("scripts/tsql-parse.py").path] + arguments
        let output = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A runner on a SQL Server database that is never connected to: it only renders.
    func withRunner(_ body: (TransformRunner, DbtProject) throws -> Void) async throws {
        let database = try SQLServerDatabase(
            configuration: .init(host: "127.0.0.1", port: 1, user: "sa", password: "x", database: "convai"))
        let project = try DbtProject.load(from: Self.root.appendingPathComponent("transform"))
        do {
            try body(TransformRunner(project: project, database: database, logger: Logger(label: "test")), project)
        } catch {
            try await database.close()
            throw error
        }
        try await database.close()
    }

    /// Every statement the runner may send for `project` on SQL Server, by a file-like label.
    func statements(_ runner: TransformRunner, _ project: DbtProject) throws -> [(String, String)] {
        var all: [(String, String)] = []
        for name in project.models.keys.sorted() {
            let model = try #require(project.models[name])
            var plans: [(String, [String])] = [
                ("new", try runner.plannedStatements(model: name)),
                ("over-table", try runner.plannedStatements(model: name, existing: "BASE TABLE")),
                ("over-view", try runner.plannedStatements(model: name, existing: "VIEW")),
            ]
            if model.materialization == .incremental {
                plans.append(
                    ("incremental", try runner.plannedStatements(
                        model: name, existing: "BASE TABLE", incrementalColumns: ["id", "amount"])))
            }
            for (kind, statements) in plans {
                for (index, sql) in statements.enumerated() { all.append(("\(name)-\(kind)-\(index + 1)", sql)) }
            }
        }
        let bookkeeping = runner.bookkeepingSQL
        all.append(("relation-type", bookkeeping.relationType))
        all.append(("columns", bookkeeping.columns))
        all.append(("record-run", bookkeeping.recordRun))
        all.append(("count", runner.countSQL("dim_date")))
        for (index, test) in project.tests.enumerated() {
            all.append(("test-\(index + 1)", runner.testQuery(test).sql))
        }
        return all
    }

    @Test("every model compiles for SQL Server, and every statement of its materializations and tests parses as T-SQL")
    func everyStatementParses() async throws {
        try await withRunner { runner, project in
            let statements = try statements(runner, project)
            #expect(project.models.count >= 17)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-tsql-transform-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            var files: [String] = []
            for (label, sql) in statements {
                let file = folder.appendingPathComponent(label + ".sql")
                try (sql + "\n").write(to: file, atomically: true, encoding: .utf8)
                files.append(file.path)
            }
            let result = try parse(files)
            #expect(result.status == 0, "\(result.output)")
            #expect(result.output.contains("parsed \(statements.count) statements, 0 failed"), "\(result.output)")
        }
    }

    /// What sqlglot reads but SQL Server refuses (sqlglot parses functions it does not
    /// know as anonymous calls, and transpiles some syntax): none of it may reach the server.
    @Test("no DuckDB/PostgreSQL-only syntax in the SQL Server build")
    func noForeignSyntax() async throws {
        try await withRunner { runner, project in
            for (label, sql) in try statements(runner, project) {
                // Comments may name what the SQL avoids: only the code counts.
                let code = sql.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                    line.range(of: "--").map { String(line[..<$0.lowerBound]) } ?? String(line)
                }.joined(separator: "\n")
                let lower = code.lowercased()
                for fragment in [
                    "||", "extract(", "generate_series", "interval '", "boolean", " varchar)", "create table", " rename to ",
                    " limit ", "::",
                ] {
                    #expect(!lower.contains(fragment), "\(label) contains '\(fragment)':\n\(sql)")
                }
            }
        }
    }

    @Test("the SQL Server materializations: a view, SELECT INTO through a view and sp_rename, delete+insert")
    func materializations() async throws {
        try await withRunner { runner, _ in
            func starts(_ statements: [String], _ prefixes: [String]) -> Bool {
                statements.count == prefixes.count && zip(statements, prefixes).allSatisfy { $0.hasPrefix($1) }
            }
            let view = try runner.plannedStatements(model: "stg_transaction_types", existing: "BASE TABLE")
            #expect(starts(view, [
                "DROP TABLE IF EXISTS [dbo].[stg_transaction_types]",
                "CREATE OR ALTER VIEW [dbo].[stg_transaction_types] AS\n-- Transaction types",
            ]), "\(view)")
            let table = try runner.plannedStatements(model: "dim_account", existing: "BASE TABLE")
            #expect(starts(table, [
                "DROP TABLE IF EXISTS [dbo].[dim_account__convai_tmp]",
                "DROP VIEW IF EXISTS [dbo].[dim_account__convai_tmp_vw]",
                "CREATE VIEW [dbo].[dim_account__convai_tmp_vw] AS\n-- Account",
                "SELECT * INTO [dbo].[dim_account__convai_tmp] FROM [dbo].[dim_account__convai_tmp_vw]",
                "DROP VIEW [dbo].[dim_account__convai_tmp_vw]",
                "DROP TABLE IF EXISTS [dbo].[dim_account]",
                "EXEC sp_rename",
            ]), "\(table)")
            #expect(table.last == "EXEC sp_rename N'[dbo].[dim_account__convai_tmp]', N'dim_account'")
            let incremental = try runner.plannedStatements(
                model: "fact_sales_transactions", existing: "BASE TABLE", incrementalColumns: ["transaction_id", "net_amount"])
            #expect(incremental.suffix(3) == [
                "DELETE FROM [dbo].[fact_sales_transactions] WHERE EXISTS (SELECT 1 FROM [dbo].[fact_sales_transactions__convai_tmp] "
                    + "WHERE [dbo].[fact_sales_transactions__convai_tmp].[transaction_id] = [dbo].[fact_sales_transactions].[transaction_id])",
                "INSERT INTO [dbo].[fact_sales_transactions] ([transaction_id], [net_amount]) SELECT [transaction_id], [net_amount] "
                    + "FROM [dbo].[fact_sales_transactions__convai_tmp]",
                "DROP TABLE [dbo].[fact_sales_transactions__convai_tmp]",
            ])
            let compiled = try runner.compiledSQL(model: "fact_sales_transactions", isIncremental: true)
            #expect(compiled.contains("dateadd(day, -7, max(transaction_date)) from [dbo].[fact_sales_transactions]"))
            #expect(try runner.compiledSQL(model: "dim_product").contains("AS NVARCHAR(4000)) as sku"))
        }
    }

    @Test("the parser does refuse broken T-SQL (so a pass above means something)")
    func parserRefusesBrokenSQL() throws {
        let result = try parse(["-"], stdin: "CREATE TABLE [dbo].[x] AS SELECT 1 FROM")
        #expect(result.status == 1)
        #expect(result.output.contains("1 failed"))
    }
}

/// A `sqlserver://` URL of a scratch database; the live test migrates it, seeds it and
/// transforms it twice (the second run incremental).
let transformMSSQLURL = ProcessInfo.processInfo.environment["CONVAI_MSSQL_URL"]

// Skipped, and reported as skipped with the reason, when no server is configured: no
// SQL Server can run on the development machines.
@Suite(
    "transform/ on a live SQL Server",
    .enabled(if: transformMSSQLURL != nil, "CONVAI_MSSQL_URL is not set: no SQL Server to test against"))
struct SQLServerTransformLiveTests {
    @Test("migrate, seed, transform, transform again: every model builds and every schema test passes")
    func transformsOnSQLServer() async throws {
        let url = try #require(transformMSSQLURL)
        let root = SQLServerTransformParseTests.root
        let db = try await SQLServerDatabase.connect(configuration: try SQLServerConfiguration(url: url))
        do {
            let migrations = try Migration.load(from: root.appendingPathComponent("database"), dialect: .sqlserver)
            _ = try await MigrationRunner(database: db, migrations: migrations, logger: Logger(label: "test")).run()
            let options = SeedOptions(tenant: .unilever, endDate: SQLDate(iso: "2025-06-30")!, days: 60, scale: 0.02, seed: 7)
            _ = try await SampleDataGenerator(options: options).seed(into: db)
            let runner = TransformRunner(
                project: try DbtProject.load(from: root.appendingPathComponent("transform")), database: db,
                logger: Logger(label: "test"))
            _ = try await runner.resetIncrementalModels()
            let first = try await runner.run()
            #expect(first.succeeded, "\(first.summary): \(first.models.compactMap(\.message)) \(first.tests.filter { $0.status != .pass }.map { "\($0.name): \($0.message ?? "")" })")
            let second = try await runner.run()
            #expect(second.succeeded, "\(second.summary): \(second.models.compactMap(\.message))")
            #expect(second.models.first { $0.name == "fact_sales_transactions" }?.action == "incremental")
            let days = try await db.query("SELECT count(*) FROM dim_date").scalar?.intValue ?? 0
            #expect(days >= 60)
        } catch {
            try? await db.close()
            throw error
        }
        try await db.close()
    }
}
