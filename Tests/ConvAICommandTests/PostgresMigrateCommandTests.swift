import Foundation
import Testing

/// `convai migrate` against the PostgreSQL that `scripts/test` starts, with the
/// credentials coming from `.env` through a `${NAME}` reference as in production.
@Suite(
    "convai on PostgreSQL",
    .enabled(
        if: ProcessInfo.processInfo.environment["CONVAI_TEST_PG_URL"].map { !$0.isEmpty } ?? false,
        "CONVAI_TEST_PG_URL is not set: run scripts/test, or eval \"$(scripts/pg-test-server start)\" first"))
struct PostgresMigrateCommandTests {
    @Test("migrate --tenant creates the warehouse tables in a PostgreSQL tenant, once")
    func migrate() throws {
        let cli = ConvAICommandTests()
        let url = try #require(ProcessInfo.processInfo.environment["CONVAI_TEST_PG_URL"])
        // Its own schema keeps this run apart from other tests on the same server.
        let schema = "cli_" + UUID().uuidString.lowercased().replacing("-", with: "")
        try cli.withProject { folder throws in
            try "TEST_PG_URL=\(url)\n".write(to: folder.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
            try """
                tenants:
                  admin:
                    database: {engine: postgresql, url: "${TEST_PG_URL}"}
                  nestle:
                    database: {engine: postgresql, url: "${TEST_PG_URL}", schema: \(schema), statement_timeout_ms: 60000}
                """.write(to: folder.appendingPathComponent("config/pg.yaml"), atomically: true, encoding: .utf8)
            let config = ["--config", "config/pg.yaml"]
            let create = try cli.convai(["sql", "--tenant", "admin"] + config + ["CREATE SCHEMA \(schema)"], in: folder)
            #expect(create.status == 0, "\(create.stderr)")
            defer { _ = try? cli.convai(["sql", "--tenant", "admin"] + config + ["DROP SCHEMA \(schema) CASCADE"], in: folder) }

            let first = try cli.convai(["migrate", "--tenant", "nestle"] + config, in: folder)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout == "nestle: applied 1 schema, 2 transform_runs\n")
            let second = try cli.convai(["migrate", "--tenant", "nestle"] + config, in: folder)
            #expect(second.stdout == "nestle: up to date (2 migration(s) applied earlier)\n")
            let tables = try cli.convai(
                ["sql", "--tenant", "nestle", "--json"] + config
                    + ["SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = current_schema()"],
                in: folder)
            #expect(tables.stdout == #"{"columns":[{"name":"n","type":"bigint"}],"rows":[{"n":10}]}"# + "\n", "\(tables.stderr)")
        }
    }

    @Test("seed and transform on a PostgreSQL tenant are the same commands as on DuckDB: only the config differs")
    func seedAndTransform() throws {
        let cli = ConvAICommandTests()
        let url = try #require(ProcessInfo.processInfo.environment["CONVAI_TEST_PG_URL"])
        let schema = "cli_" + UUID().uuidString.lowercased().replacing("-", with: "")
        try cli.withProject { folder throws in
            // The URL holds a password: it comes from .env, as secrets must.
            try "PG_URL=\(url)\n".write(to: folder.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
            try """
                tenants:
                  admin:
                    database: {engine: postgres, url: "${PG_URL}"}
                  nestle:
                    database: {engine: postgres, url: "${PG_URL}", schema: \(schema)}
                """.write(to: folder.appendingPathComponent("config/pg.yaml"), atomically: true, encoding: .utf8)
            let config = ["--config", "config/pg.yaml"]
            #expect(try cli.convai(["sql", "--tenant", "admin"] + config + ["CREATE SCHEMA \(schema)"], in: folder).status == 0)
            defer { _ = try? cli.convai(["sql", "--tenant", "admin"] + config + ["DROP SCHEMA \(schema) CASCADE"], in: folder) }
            #expect(try cli.convai(["migrate", "--tenant", "nestle"] + config, in: folder).status == 0)
            let seed = try cli.convai(
                ["seed", "--tenant", "nestle", "--days", "90", "--scale", "0.05", "--end-date", "2025-06-30"] + config, in: folder)
            #expect(seed.status == 0, "\(seed.stderr)")
            let transform = try cli.convai(["transform", "--tenant", "nestle"] + config, in: folder)
            #expect(transform.status == 0, "\(transform.stderr)")
            #expect(transform.stdout.contains("17 models (17 ok, 0 error, 0 skipped)"), "\(transform.stdout)")
            #expect(transform.stdout.contains("0 fail, 0 error"), "\(transform.stdout)")
            let facts = try cli.convai(
                ["sql", "--tenant", "nestle", "--json"] + config
                    + ["SELECT count(*) AS n FROM fact_sales_transactions WHERE transaction_date <= DATE '2025-06-30'"],
                in: folder)
            let rows = try JSONSerialization.jsonObject(with: Data(facts.stdout.utf8)) as? [String: Any]
            let n = ((rows?["rows"] as? [[String: Any]])?.first?["n"] as? Int) ?? 0
            #expect(n > 1000, "\(facts.stdout) \(facts.stderr)")
        }
    }

    @Test("a wrong password, a missing database and a server that is down: each names the tenant, the engine and the reason")
    func connectionFailures() throws {
        let cli = ConvAICommandTests()
        let url = try #require(ProcessInfo.processInfo.environment["CONVAI_TEST_PG_URL"])
        let components = try #require(URLComponents(string: url))
        let password = try #require(components.password)
        var wrongPassword = components
        wrongPassword.password = "not-the-password"
        var missingDatabase = components
        missingDatabase.path = "/no_such_database"
        try cli.withProject { folder throws in
            try """
                WRONG_PW_URL=\(wrongPassword.string!)
                NO_DB_URL=\(missingDatabase.string!)
                DOWN_URL=postgres://app:secret@127.0.0.1:1/x?sslmode=disable
                """.write(to: folder.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
            try """
                tenants:
                  wrongpw: {database: {engine: postgres, url: "${WRONG_PW_URL}"}}
                  nodb: {database: {engine: postgres, url: "${NO_DB_URL}"}}
                  down: {database: {engine: postgres, url: "${DOWN_URL}"}}
                """.write(to: folder.appendingPathComponent("config/bad.yaml"), atomically: true, encoding: .utf8)
            let cases = [
                ("wrongpw", "wrong password"), ("nodb", "database \"no_such_database\" does not exist"),
                ("down", "connection refused"),
            ]
            for (tenant, reason) in cases {
                let result = try cli.convai(["sql", "--tenant", tenant, "--config", "config/bad.yaml", "SELECT 1"], in: folder)
                #expect(result.status != 0)
                #expect(result.stderr.contains("tenant \(tenant) (postgres): cannot connect to PostgreSQL"), "\(result.stderr)")
                #expect(result.stderr.contains(reason), "\(result.stderr)")
                #expect(!result.stderr.contains(password) && !result.stderr.contains("not-the-password") && !result.stderr.contains("secret"))
            }
        }
    }
}
