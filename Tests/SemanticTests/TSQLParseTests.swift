import Foundation
import Semantic
import TestSupport
import Testing
import Warehouse

/// No SQL Server runs here, so the T-SQL the compiler writes is checked by a real T-SQL
/// parser: sqlglot with `read="tsql"`, from the project's `.venv` (scripts/bootstrap).
@Suite("T-SQL output parses as T-SQL (sqlglot)")
struct TSQLParseTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func parse(_ arguments: [String], stdin: String? = nil) async throws -> (status: Int32, output: String) {
        let python = Self.root.appendingPathComponent(".venv/bin/python")
        try #require(
            FileManager.default.isExecutableFile(atPath: python.path),
            "no .venv/bin/python: run scripts/bootstrap venv (make test does)")
        let run = try await runProcess(
            python.path, [Self.root.appendingPathComponent("scripts/tsql-parse.py").path] + arguments,
            input: Data((stdin ?? "").utf8))
        return (run.status, run.text)
    }

    @Test("every reference query compiled for SQL Server parses, its total query too")
    func referenceQueriesParse() async throws {
        let compiler = QueryCompiler(
            model: try DataModel.load(from: Self.root.appendingPathComponent("model")), dialect: .sqlserver)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-tsql-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var files: [String] = []
        var statements = 0
        for (name, json) in ReferenceQueries.all {
            let compiled = try compiler.compile(try CubeQuery(json: Data(json.utf8)), asOf: SQLDate(iso: ReferenceQueries.asOf)!)
            var text = compiled.sql + "\n"
            statements += 1
            if let total = compiled.totalSQL {
                text += "-- total:\n" + total + "\n"
                statements += 1
            }
            let file = folder.appendingPathComponent(name + ".sql")
            try text.write(to: file, atomically: true, encoding: .utf8)
            files.append(file.path)
        }
        let result = try await parse(files)
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("parsed \(statements) statements, 0 failed"), "\(result.output)")
    }

    @Test("the parser does refuse broken T-SQL (so a pass above means something)")
    func parserRefusesBrokenSQL() async throws {
        let result = try await parse(["-"], stdin: "SELECT [Orders.count FROM [orders] WHERE")
        #expect(result.status == 1)
        #expect(result.output.contains("1 failed"))
    }
}
