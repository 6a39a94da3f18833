import Foundation
import Logging
import Testing
import Warehouse

/// The PostgreSQL that `scripts/test` starts (`scripts/pg-test-server`); nil when the
/// tests run without one.
enum PostgresTestServer {
    static let url = ProcessInfo.processInfo.environment["CONVAI_TEST_PG_URL"].flatMap { $0.isEmpty ? nil : $0 }

    static var configuration: PostgresDatabase.Configuration {
        get throws { try PostgresDatabase.Configuration(url: try #require(url)) }
    }

    /// Runs `body` on a database whose unqualified names resolve to a fresh schema of its
    /// own, so that tests running in parallel never see each other's tables; the schema is
    /// dropped afterwards.
    static func withDatabase<T>(
        statementTimeoutMilliseconds: Int? = nil, maxConnections: Int = 2,
        _ body: (PostgresDatabase) async throws -> T
    ) async throws -> T {
        let schema = "test_" + UUID().uuidString.lowercased().replacing("-", with: "")
        let admin = try PostgresDatabase(configuration: try configuration)
        try await admin.execute("CREATE SCHEMA \(SQLDialect.postgres.quoteIdentifier(schema))")
        var settings = try configuration
        settings.schema = schema
        settings.maxConnections = maxConnections
        settings.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        let database = try PostgresDatabase(configuration: settings)
        func cleanUp() async throws {
            try await database.close()
            try await admin.execute("DROP SCHEMA \(SQLDialect.postgres.quoteIdentifier(schema)) CASCADE")
            try await admin.close()
        }
        do {
            let result = try await body(database)
            try await cleanUp()
            return result
        } catch {
            try? await cleanUp()
            throw error
        }
    }
}

@Suite(
    "PostgreSQL driver",
    .enabled(
        if: PostgresTestServer.url != nil,
        "CONVAI_TEST_PG_URL is not set: run scripts/test, or eval \"$(scripts/pg-test-server start)\" first"))
struct PostgresDatabaseTests {
    func decimal(_ text: String) -> Value { .decimal(SQLDecimal(text)!) }

    @Test("every type round-trips through binds and a table: NUMERIC scale, DATE, TIMESTAMP, BOOLEAN, NULLs")
    func tableRoundTrip() async throws {
        try await PostgresTestServer.withDatabase { db throws in
            try await db.execute(
                """
                CREATE TABLE t (
                    s SMALLINT, i INTEGER, b BIGINT, amount NUMERIC(12,2), weight NUMERIC(10,3), r REAL,
                    d DOUBLE PRECISION, flag BOOLEAN, name TEXT, code VARCHAR(20), day DATE, at TIMESTAMP,
                    at_tz TIMESTAMPTZ
                )
                """)
            let row: [Value] = [
                .int(-32768), .int(2_147_483_647), .int(Int64.min), decimal("1234567890.50"), decimal("-0.005"),
                .double(1.5), .double(3.141592653589793), .bool(true), .string("Nestlé — Maggi \"masala\" 'tangy'"),
                .string("SKU-001"), .date(SQLDate(year: 1969, month: 12, day: 31)!),
                .timestamp(SQLTimestamp(iso: "2025-06-30 23:59:59.123456")!), .null,
            ]
            let inserted = try await db.execute(
                "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", row)
            #expect(inserted == 1)
            try await db.execute(
                "INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                Array(repeating: Value.null, count: 13))
            // A scale-1 value stored in NUMERIC(12,2) comes back at the column's scale.
            try await db.execute(
                "INSERT INTO t (amount, flag, day, at_tz) VALUES ($1, $2, $3, '2025-03-01 10:00:00+05:30')",
                [decimal("3.1"), .bool(false), .date(SQLDate(year: 2024, month: 2, day: 29)!)])

            let result = try await db.query("SELECT * FROM t ORDER BY amount NULLS LAST")
            #expect(
                result.columns.map(\.type.sqlName) == [
                    "smallint", "integer", "bigint", "numeric(12,2)", "numeric(10,3)", "real", "double precision",
                    "boolean", "text", "varchar(20)", "date", "timestamp", "timestamptz",
                ])
            #expect(result.columns[3].type.kind == .decimal(precision: 12, scale: 2))
            #expect(result.columns[10].type.kind == .date)
            #expect(result.columns[12].type.kind == .timestamp)
            #expect(result.rows.count == 3)
            #expect(result.rows[0][3].description == "3.10")
            #expect(result.rows[0][7] == .bool(false))
            #expect(result.rows[0][10] == .date(SQLDate(year: 2024, month: 2, day: 29)!))
            // timestamptz is read as the UTC instant.
            #expect(result.rows[0][12] == .timestamp(SQLTimestamp(iso: "2025-03-01 04:30:00")!))
            #expect(result.rows[1] == row)
            #expect(result.rows[1][3].description == "1234567890.50")
            #expect(result.rows[1][4].description == "-0.005")
            #expect(result.rows[2].allSatisfy { $0.isNull })

            // Binds compare with typed columns, and an unconstrained sum keeps the scale.
            let filtered = try await db.query(
                "SELECT sum(amount) AS total, count(*) AS n FROM t WHERE day >= $1 AND flag = $2 AND at < $3",
                [
                    .date(SQLDate(year: 1969, month: 1, day: 1)!), .bool(true),
                    .timestamp(SQLTimestamp(iso: "2026-01-01 00:00:00")!),
                ])
            #expect(filtered.rows == [[decimal("1234567890.50"), .int(1)]])
            #expect(filtered.columns[0].type.kind == .decimal(precision: 38, scale: 2))
            #expect(filtered.rows[0][0].description == "1234567890.50")
            #expect(filtered.columns[1].type.sqlName == "bigint")
        }
    }

    static let bindCases: [(type: String, value: Value)] = [
        ("boolean", .bool(true)),
        ("bigint", .int(Int64.max)),
        ("integer", .int(-7)),
        ("double precision", .double(-0.000001)),
        ("numeric(12,2)", .decimal(SQLDecimal("1234.50")!)),
        ("numeric(38,2)", .decimal(SQLDecimal("123456789012345678901234567890123456.78")!)),
        ("numeric(9,3)", .decimal(SQLDecimal("0.005")!)),
        ("numeric(20,0)", .decimal(SQLDecimal("-10000000000000000000")!)),
        ("numeric(10,4)", .decimal(SQLDecimal("0.0001")!)),
        ("numeric(12,2)", .decimal(SQLDecimal("0.00")!)),
        ("numeric(38,37)", .decimal(SQLDecimal("-0.0000000000000000000000000000000000001")!)),
        ("numeric(30,5)", .decimal(SQLDecimal("1000000000000000000000.00010")!)),
        ("text", .string("")),
        ("date", .date(SQLDate(year: 2025, month: 1, day: 31)!)),
        ("timestamp", .timestamp(SQLTimestamp(iso: "1960-03-01 06:00:00.000001")!)),
    ]

    @Test("each bound value comes back unchanged through a cast", arguments: bindCases)
    func bindRoundTrip(type: String, value: Value) async throws {
        try await PostgresTestServer.withDatabase { db throws in
            let result = try await db.query("SELECT CAST($1 AS \(type)) AS v", [value])
            #expect(result.rows == [[value]])
            #expect(result.rows.first?.first?.description == value.description)
            #expect(result.columns.first?.name == "v")
        }
    }

    @Test("values travel as parameters, never inside the SQL")
    func bindsAreNotConcatenated() async throws {
        try await PostgresTestServer.withDatabase { db throws in
            try await db.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
            let hostile = "O'Brien'); DROP TABLE customers; --"
            try await db.execute("INSERT INTO customers VALUES ($1, $2)", [.int(1), .string(hostile)])
            try await db.execute("INSERT INTO customers VALUES ($1, $2)", [.int(2), .string("back\\slash $1 ? \u{0}".replacing("\u{0}", with: "tab\t"))])
            let found = try await db.query("SELECT id, name FROM customers WHERE name = $1", [.string(hostile)])
            #expect(found.rows == [[.int(1), .string(hostile)]])
            #expect(try await db.query("SELECT count(*) FROM customers").scalar == .int(2))
            let none = try await db.query("SELECT id FROM customers WHERE name = $1", [.string("x' OR '1'='1")])
            #expect(none.rows.isEmpty)
        }
    }

    @Test("execute counts changed rows and runs several statements")
    func executeCountsRows() async throws {
        try await PostgresTestServer.withDatabase { db throws in
            try await db.execute(
                """
                -- a script: comments, a semicolon inside a string, a dollar-quoted body
                CREATE TABLE k (id INTEGER PRIMARY KEY, note TEXT);
                INSERT INTO k VALUES (1, 'a;b'), (2, $$c;d$$), (3, E'e\\';f');
                CREATE FUNCTION twice(x integer) RETURNS integer AS $body$ SELECT x * 2; $body$ LANGUAGE sql;
                """)
            #expect(try await db.execute("UPDATE k SET note = $1 WHERE id >= $2", [.string("z"), .int(2)]) == 2)
            #expect(try await db.execute("DELETE FROM k WHERE id = $1", [.int(1)]) == 1)
            #expect(try await db.query("SELECT twice(21)").scalar == .int(42))
            #expect(try await db.query("SELECT note FROM k ORDER BY id").rows == [[.string("z")], [.string("z")]])
        }
    }

    @Test("COPY loads 100,000 rows with escaped text, NULLs, decimals, dates and timestamps")
    func bulkCopy() async throws {
        try await PostgresTestServer.withDatabase(maxConnections: 1) { db throws in
            try await db.execute(
                """
                CREATE TABLE "fact sales" (
                    id BIGINT PRIMARY KEY, note TEXT, amount NUMERIC(14,2), day DATE, at TIMESTAMP, ok BOOLEAN,
                    ratio DOUBLE PRECISION
                )
                """)
            let start = SQLDate(year: 2025, month: 1, day: 1)!
            var expectedTotal = SQLDecimal(unscaled: 0, scale: 2)
            let rows: [[Value]] = (0..<100_000).map { i in
                let amount = SQLDecimal(unscaled: Int128(i % 10_000) * 7 - 3_000, scale: 2)
                expectedTotal.unscaled += amount.unscaled
                let note: Value =
                    i % 1000 == 0 ? .null : .string(i == 1 ? "tab\there\nnew line\\back\r\"q\" 'x' \\N" : "row \(i)")
                return [
                    .int(Int64(i)), note, .decimal(amount), .date(start.adding(days: i % 365)),
                    .timestamp(SQLTimestamp(date: start, hour: i % 24, minute: 5, second: 7, microsecond: i % 1_000_000)),
                    .bool(i % 2 == 0), .double(Double(i) / 3),
                ]
            }
            let loaded = try await db.bulkLoad(
                into: "fact sales", columns: ["id", "note", "amount", "day", "at", "ok", "ratio"], rows: rows)
            #expect(loaded == 100_000)
            let summary = try await db.query(
                "SELECT count(*), sum(amount), count(note), count(*) FILTER (WHERE ok) FROM \"fact sales\"")
            #expect(summary.rows == [[.int(100_000), .decimal(expectedTotal), .int(99_900), .int(50_000)]])
            let tricky = try await db.query("SELECT * FROM \"fact sales\" WHERE id = ANY($1::bigint[]) OR id = $2 ORDER BY id", [.string("{1,12345}"), .int(0)])
            #expect(tricky.rows == [rows[0], rows[1], rows[12345]])
        }
    }

    @Test("a bulk load with a bad row fails whole and clearly")
    func bulkCopyFailure() async throws {
        try await PostgresTestServer.withDatabase { db throws in
            try await db.execute("CREATE TABLE b (id INTEGER PRIMARY KEY)")
            let error = await #expect(throws: WarehouseError.self) {
                try await db.bulkLoad(into: "b", columns: ["id"], rows: [[.int(1)], [.int(2)], [.int(1)]])
            }
            #expect(error?.code == .bulkLoadFailed)
            #expect(error?.sqlState == "23505")
            #expect(try await db.query("SELECT count(*) FROM b").scalar == .int(0))
            // The connection is usable afterwards.
            #expect(try await db.bulkLoad(into: "b", columns: ["id"], rows: [[.int(1)], [.int(2)]]) == 2)
        }
    }

    @Test("a failing transaction rolls back whole and keeps earlier data")
    func transactionRollback() async throws {
        try await PostgresTestServer.withDatabase(maxConnections: 1) { db throws in
            try await db.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance NUMERIC(12,2))")
            try await db.execute("INSERT INTO accounts VALUES ($1, $2)", [.int(1), decimal("100.00")])
            let error = await #expect(throws: WarehouseError.self) {
                try await db.transaction([
                    Statement("UPDATE accounts SET balance = balance - $1 WHERE id = $2", [decimal("40.00"), .int(1)]),
                    Statement("INSERT INTO accounts VALUES ($1, $2)", [.int(2), decimal("40.00")]),
                    Statement("INSERT INTO accounts VALUES ($1, $2)", [.int(1), decimal("0.00")]),
                ])
            }
            #expect(error?.sqlState == "23505")
            #expect(error?.statement == "INSERT INTO accounts VALUES ($1, $2)")
            #expect(try await db.query("SELECT id, balance FROM accounts").rows == [[.int(1), decimal("100.00")]])
            // The same (only) connection is clean: the next transaction commits.
            try await db.transaction([
                Statement("UPDATE accounts SET balance = balance - $1 WHERE id = $2", [decimal("40.00"), .int(1)]),
                Statement("INSERT INTO accounts VALUES ($1, $2)", [.int(2), decimal("40.00")]),
            ])
            #expect(try await db.query("SELECT sum(balance) FROM accounts").scalar == decimal("100.00"))
        }
    }

    @Test("errors carry the SQLSTATE and the server's message")
    func statementErrors() async throws {
        try await PostgresTestServer.withDatabase { db throws in
            let missing = await #expect(throws: WarehouseError.self) { try await db.query("SELECT * FROM no_such_table") }
            #expect(missing?.code == .statementFailed)
            #expect(missing?.sqlState == "42P01")
            #expect(missing?.message == "PostgreSQL error 42P01: relation \"no_such_table\" does not exist")
            #expect(missing?.statement == "SELECT * FROM no_such_table")

            let syntax = await #expect(throws: WarehouseError.self) { try await db.execute("SELEC 1") }
            #expect(syntax?.sqlState == "42601")
            #expect(syntax?.message.hasPrefix("PostgreSQL error 42601: syntax error at or near \"SELEC\"") == true)

            // The connection pool is healthy after errors.
            #expect(try await db.query("SELECT 1").scalar == .int(1))
        }
    }

    @Test("sessions run in UTC: truncating a date gives midnight, whatever the server's zone")
    func timeZone() async throws {
        try await PostgresTestServer.withDatabase { db throws in
            let june15 = Value.date(SQLDate(year: 2025, month: 6, day: 15)!)
            let truncated = try await db.query("SELECT date_trunc('month', $1::date) AS m", [june15])
            #expect(truncated.columns.first?.type.sqlName == "timestamptz")
            #expect(truncated.rows == [[.timestamp(SQLTimestamp(iso: "2025-06-01 00:00:00")!)]])
            #expect(try await db.query("SHOW TimeZone").scalar == .string("UTC"))
        }
        var serverZone = try PostgresTestServer.configuration
        serverZone.timeZone = nil
        let db = try PostgresDatabase(configuration: serverZone)
        let zone = try await db.query("SHOW TimeZone").scalar
        try await db.close()
        #expect(zone != .string("UTC"), "scripts/pg-test-server runs the server in a non-UTC zone")
    }

    @Test("the tenant's statement timeout stops a long query")
    func statementTimeout() async throws {
        try await PostgresTestServer.withDatabase(statementTimeoutMilliseconds: 200) { db throws in
            let error = await #expect(throws: WarehouseError.self) { try await db.query("SELECT pg_sleep(5)") }
            #expect(error?.sqlState == "57014")
            #expect(error?.code == .timeout)
            #expect(error?.message.contains("statement timeout") == true)
            #expect(try await db.query("SHOW statement_timeout").scalar == .string("200ms"))
        }
    }

    @Test("a wrong password, an unknown database and a closed port give clear errors naming the database")
    func connectionErrors() async throws {
        let good = try PostgresTestServer.configuration

        var wrongPassword = good
        wrongPassword.password = SecretString("not-the-password-\(UUID().uuidString)")
        let db1 = try PostgresDatabase(configuration: wrongPassword)
        let e1 = await #expect(throws: WarehouseError.self) { try await db1.query("SELECT 1") }
        #expect(e1?.code == .connectionFailed)
        #expect(e1?.sqlState == "28P01")
        #expect(e1?.message.contains("\(good.host):\(good.port), database \"\(good.database)\"") == true)
        #expect(e1?.message.contains("wrong password for user \"\(good.username)\"") == true)
        #expect(e1?.message.contains(wrongPassword.password!.value) == false)
        #expect(e1.map { "\($0)" }?.contains(wrongPassword.password!.value) == false)
        try await db1.close()

        var unknown = good
        unknown.database = "no_such_db_\(UUID().uuidString.prefix(8).lowercased())"
        let db2 = try PostgresDatabase(configuration: unknown)
        let e2 = await #expect(throws: WarehouseError.self) { try await db2.execute("SELECT 1") }
        #expect(e2?.code == .connectionFailed)
        #expect(e2?.sqlState == "3D000")
        #expect(e2?.message.contains("the database \"\(unknown.database)\" does not exist") == true)
        try await db2.close()

        var closedPort = good
        // Port 1 is privileged and unused on a test machine: the connection is refused at once.
        closedPort.port = 1
        closedPort.connectTimeout = .seconds(3)
        let db3 = try PostgresDatabase(configuration: closedPort)
        let e3 = await #expect(throws: WarehouseError.self) { try await db3.query("SELECT 1") }
        #expect(e3?.code == .connectionFailed)
        #expect(e3?.message.contains("\(good.host):\(closedPort.port), database \"\(good.database)\"") == true)
        #expect(e3?.message.contains("refused") == true, "\(e3?.message ?? "")")
        try await db3.close()
    }

    @Test("a closed database refuses further use")
    func closed() async throws {
        let db = try PostgresDatabase(configuration: try PostgresTestServer.configuration)
        #expect(try await db.query("SELECT 1").scalar == .int(1))
        try await db.close()
        let error = await #expect(throws: WarehouseError.self) { try await db.query("SELECT 1") }
        #expect(error?.code == .closed)
    }

    @Test("migrations create the warehouse schema on PostgreSQL once")
    func migrate() async throws {
        try await PostgresTestServer.withDatabase { db throws in
            let migrations = try Migration.load(from: MigrationRunnerTests.projectDatabaseFolder, dialect: .postgres)
            #expect(migrations.first?.sql.contains("PostgreSQL") == true)
            let runner = MigrationRunner(database: db, migrations: migrations, logger: Logger(label: "test"))
            let first = try await runner.run()
            #expect(first.applied == [1, 2])
            let tables = try await db.query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1")
            #expect(
                tables.rows.compactMap { $0[0].stringValue } == [
                    "dim_account", "dim_customer", "dim_date", "dim_product", "dim_sales_hierarchy",
                    "dim_transaction_type", "etl_transform_runs", "fact_primary_sales", "fact_sales_transactions", "schema_migrations",
                ])
            let unitPrice = try await db.query("SELECT unit_price FROM dim_product")
            #expect(unitPrice.columns.first?.type.sqlName == "numeric(12,2)")
            let second = try await runner.run()
            #expect(second.applied.isEmpty)
            #expect(second.alreadyApplied == [1, 2])
        }
    }

    @Test("TenantRouter opens a PostgreSQL tenant from its configuration")
    func router() async throws {
        let url = try #require(PostgresTestServer.url)
        let tenants = try ConfigurationFile.decode(
            [String: TenantConfiguration].self,
            yaml: """
                nestle:
                  database:
                    engine: postgresql
                    url: ${PG_URL}
                    statement_timeout_ms: 1500
                    max_connections: 2
                """, file: "x.yaml", environment: ["PG_URL": url])
        let router = TenantRouter(tenants: Array(tenants.values), logger: Logger(label: "test"))
        let db = try await router.database(for: "nestle")
        #expect(db.dialect == .postgres)
        #expect(try await db.query("SHOW statement_timeout").scalar == .string("1500ms"))
        let health = await router.health()
        #expect(health.map(\.status) == ["up"])
        #expect(health.first?.engine == "postgres")
        await router.closeAll()
    }
}

@Suite("PostgreSQL configuration")
struct PostgresConfigurationTests {
    struct Root: Decodable {
        var tenants: [String: TenantConfiguration]
    }

    @Test("a URL gives host, port, user, password, database and TLS; the password never prints")
    func url() throws {
        let c = try PostgresDatabase.Configuration(url: "postgresql://app%40x:p%3Ass%23w@db.internal:6543/sales?sslmode=require")
        #expect(c.host == "db.internal")
        #expect(c.port == 6543)
        #expect(c.username == "app@x")
        #expect(c.password?.value == "p:ss#w")
        #expect(c.database == "sales")
        #expect(c.tls == .require)
        #expect(!"\(c)".contains("p:ss#w"))
        #expect(throws: WarehouseError.self) { try PostgresDatabase.Configuration(url: "mysql://a@b/c") }
        #expect(throws: WarehouseError.self) { try PostgresDatabase.Configuration(url: "postgres://a@b/c?sslmode=maybe") }
    }

    @Test("${VAR} references expand in any string value; keys may also be given one by one")
    func environmentReferences() throws {
        let root = try ConfigurationFile.decode(
            Root.self,
            yaml: """
                tenants:
                  nestle:
                    display_name: ${COMPANY} India
                    database:
                      engine: postgresql
                      url: ${NESTLE_PG_URL}
                      tls: disable
                      statement_timeout_ms: ${TIMEOUT}
                  hul:
                    database: {engine: postgres, host: pg.local, user: hul, password: "${HUL_PASSWORD}", database: hul, port: 5433}
                """, file: "config/test.yaml",
            environment: [
                "COMPANY": "Nestlé", "NESTLE_PG_URL": "postgres://nestle:s3cret@10.0.0.5/warehouse", "TIMEOUT": "30000",
                "HUL_PASSWORD": "pa$$word",
            ])
        let nestle = try #require(root.tenants["nestle"])
        #expect(nestle.displayName == "Nestlé India")
        #expect(nestle.database.engine == .postgres)
        #expect(nestle.database.host == "10.0.0.5")
        #expect(nestle.database.port == nil)
        #expect(nestle.database.user == "nestle")
        #expect(nestle.database.password?.value == "s3cret")
        #expect(nestle.database.database == "warehouse")
        #expect(nestle.database.tls == .disable)
        #expect(nestle.database.statementTimeoutMilliseconds == 30000)
        let hul = try #require(root.tenants["hul"])
        #expect(hul.database.password?.value == "pa$$word")
        #expect(hul.database.port == 5433)
        #expect(!"\(hul)".contains("pa$$word"))
    }

    @Test("a missing variable is an error naming the variable and the key")
    func missingVariable() {
        let error = #expect(throws: WarehouseError.self) {
            try ConfigurationFile.decode(
                Root.self,
                yaml: "tenants:\n  nestle:\n    database: {engine: postgres, url: \"${NESTLE_PG_URL}\"}\n",
                file: "config/test.yaml", environment: [:])
        }
        #expect(error?.code == .invalidConfiguration)
        #expect(
            error?.message
                == "config/test.yaml: key tenants.nestle.database.url: environment variable NESTLE_PG_URL is not set "
                + "(set it, or add NESTLE_PG_URL=... to .env)")
    }

    @Test("a PostgreSQL tenant without url or host is an error naming the key")
    func missingHost() {
        let error = #expect(throws: WarehouseError.self) {
            try ConfigurationFile.decode(
                Root.self, yaml: "tenants:\n  nestle:\n    database: {engine: postgres, user: a, database: b}\n",
                file: "config/test.yaml", environment: [:])
        }
        #expect(error?.message.hasPrefix("config/test.yaml: key tenants.nestle.database.host: missing") == true)
    }

    @Test(".env in the project root supplies variables; the process environment wins")
    func dotEnv() async throws {
        try await withTemporaryDirectory { folder throws in
            let config = folder.appendingPathComponent("config")
            try FileManager.default.createDirectory(at: config, withIntermediateDirectories: true)
            try """
                # credentials for local runs
                NESTLE_PG_URL=postgres://nestle:from-dotenv@localhost:5432/nestle
                export LIMIT_MS="2500"

                OVERRIDDEN=from-dotenv
                """.write(to: folder.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
            let file = config.appendingPathComponent("convai.yaml")
            try """
                tenants:
                  nestle:
                    display_name: ${OVERRIDDEN}
                    database: {engine: postgres, url: "${NESTLE_PG_URL}", statement_timeout_ms: "${LIMIT_MS}"}
                """.write(to: file, atomically: true, encoding: .utf8)
            let root = try ConfigurationFile.decode(Root.self, from: file.path, environment: ["OVERRIDDEN": "from-process"])
            let nestle = try #require(root.tenants["nestle"])
            #expect(nestle.database.password?.value == "from-dotenv")
            #expect(nestle.database.statementTimeoutMilliseconds == 2500)
            #expect(nestle.displayName == "from-process")

            try "NOT A LINE\n".write(to: folder.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
            let error = #expect(throws: WarehouseError.self) {
                try ConfigurationFile.decode(Root.self, from: file.path, environment: [:])
            }
            #expect(error?.message.hasSuffix(".env:1: expected KEY=VALUE") == true)
        }
    }
}
