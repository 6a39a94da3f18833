import Foundation
import Testing

/// `convai migrate` on an SQLite tenant: the file is created beside the project, the
/// schema applied once.
@Suite("convai on SQLite")
struct SQLiteMigrateCommandTests {
    @Test("migrate --tenant creates the warehouse tables in an SQLite tenant, once")
    func migrate() throws {
        let cli = ConvAICommandTests()
        try cli.withProject { folder throws in
            try """
                tenants:
                  small:
                    database: {engine: sqlite, path: data/small.sqlite}
                """.write(to: folder.appendingPathComponent("config/lite.yaml"), atomically: true, encoding: .utf8)
            let config = ["--config", "config/lite.yaml"]
            let first = try cli.convai(["migrate", "--tenant", "small"] + config, in: folder)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout == "small: applied 1 schema, 2 transform_runs\n")
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("data/small.sqlite").path))
            let second = try cli.convai(["migrate", "--tenant", "small"] + config, in: folder)
            #expect(second.stdout == "small: up to date (2 migration(s) applied earlier)\n")
            let tables = try cli.convai(
                ["sql", "--tenant", "small", "--json"] + config
                    + ["SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'"],
                in: folder)
            #expect(tables.stdout == #"{"columns":[{"name":"n","type":"INTEGER"}],"rows":[{"n":10}]}"# + "\n", "\(tables.stderr)")
        }
    }
}
