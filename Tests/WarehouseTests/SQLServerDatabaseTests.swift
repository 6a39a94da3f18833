import CFreeTDS
import Foundation
import Logging
import Testing

@testable import Warehouse

#if canImport(Glibc)
import Glibc
#endif

// MARK: Without a server

@Suite("SQL Server: configuration")
struct SQLServerConfigurationTests {
    @Test("a full URL parses every part")
    func fullURL() throws {
        let c = try SQLServerConfiguration(
            url: "sqlserver://convai:s3cr%40t%2Fx@db.example.com:14330/unilever?encrypt=require&login_timeout_seconds=5"
                + "&query_timeout_seconds=30&max_connections=8")
        #expect(c.host == "db.example.com")
        #expect(c.port == 14330)
        #expect(c.user == "convai")
        #expect(c.password == "s3cr@t/x")
        #expect(c.database == "unilever")
        #expect(c.encryption == .require)
        #expect(c.loginTimeoutSeconds == 5)
        #expect(c.queryTimeoutSeconds == 30)
        #expect(c.maxConnections == 8)
        #expect(c.endpoint == "db.example.com:14330/unilever")
        #expect(!c.description.contains("s3cr"))
    }

    @Test("defaults: port 1433, encryption request, mssql:// accepted, IPv6 literal")
    func defaults() throws {
        let c = try SQLServerConfiguration(url: "mssql://sa:pw@localhost/master")
        #expect(c.port == 1433)
        #expect(c.encryption == .request)
        #expect(c.queryTimeoutSeconds == nil)
        let v6 = try SQLServerConfiguration(url: "sqlserver://sa:pw@[::1]:1500/db?encrypt=off")
        #expect(v6.host == "::1")
        #expect(v6.port == 1500)
        #expect(v6.encryption == .off)
    }

    @Test(
        "malformed URLs are clear errors that never quote the password",
        arguments: [
            ("postgres://u:hunter2@h/db", "scheme"),
            ("sqlserver://u@h/db", "password is missing"),
            ("sqlserver://u:hunter2@h:99999/db", "outside"),
            ("sqlserver://u:hunter2@h:port/db", "not a number"),
            ("sqlserver://u:hunter2@h:1433", "database name is missing"),
            ("sqlserver://u:hunter2@h/db?encrypt=maybe", "expected off, request or require"),
            ("sqlserver://u:hunter2@h/db?colour=blue", "unknown parameter 'colour'"),
            ("sqlserver://u:hunter2@:1433/db", "host is missing"),
            ("h:1433/db", "expected sqlserver://"),
        ])
    func malformed(url: String, expected: String) {
        #expect {
            try SQLServerConfiguration(url: url)
        } throws: { error in
            guard let error = error as? WarehouseError else { return false }
            return error.code == .invalidConfiguration && error.message.contains(expected)
                && !error.message.contains("hunter2")
        }
    }

    struct Root: Decodable { var tenants: [String: TenantConfiguration] }

    @Test("YAML: engine sqlserver or mssql, with url or separate keys")
    func yaml() throws {
        let root = try ConfigurationFile.decode(
            Root.self,
            yaml: """
                tenants:
                  unilever:
                    database:
                      engine: sqlserver
                      url: ${UNILEVER_URL}
                      query_timeout_seconds: 60
                  hul:
                    database:
                      engine: MSSQL
                      host: 10.0.0.5
                      port: 1444
                      user: reader
                      password: ${HUL_PASSWORD}
                      database: hul
                      tls: false
                      login_timeout_seconds: 3
                      max_connections: 2
                """, file: "config/test.yaml",
            // Secrets come from the environment (a password typed into the file is refused).
            environment: ["UNILEVER_URL": "sqlserver://convai:pw@mssql.local:1433/unilever?encrypt=require", "HUL_PASSWORD": "pw2"])
        let unilever = try #require(root.tenants["unilever"]?.database)
        #expect(unilever.engine == .sqlserver)
        #expect(
            unilever.sqlServer
                == SQLServerConfiguration(
                    host: "mssql.local", user: "convai", password: "pw", database: "unilever", encryption: .require,
                    queryTimeoutSeconds: 60))
        let hul = try #require(root.tenants["hul"]?.database.sqlServer)
        #expect(hul.host == "10.0.0.5")
        #expect(hul.port == 1444)
        #expect(hul.encryption == .off)
        #expect(hul.loginTimeoutSeconds == 3)
        #expect(hul.maxConnections == 2)
    }

    @Test("YAML: a missing key or bad url names the key")
    func yamlErrors() {
        func message(_ database: String) -> String {
            do {
                _ = try ConfigurationFile.decode(
                    Root.self, yaml: "tenants:\n  u:\n    database: \(database)\n", file: "config/test.yaml",
                    environment: ["P": "p", "BAD_URL": "sqlserver://u:secretpw@h/db?encrypt=nope"])
                return "decoded"
            } catch {
                return "\(error)"
            }
        }
        #expect(message("{engine: sqlserver, host: h, user: u, password: '${P}'}").contains("tenants.u.database.database"))
        #expect(message("{engine: sqlserver, url: '${BAD_URL}'}").contains("tenants.u.database.url"))
        #expect(!message("{engine: sqlserver, url: '${BAD_URL}'}").contains("secretpw"))
    }

    @Test("the loader finds database/schema_mssql.sql for the sqlserver dialect")
    func schemaFile() throws {
        let migrations = try Migration.load(from: MigrationRunnerTests.projectDatabaseFolder, dialect: .sqlserver)
        #expect(migrations.map(\.version) == [1, 2])
        #expect(migrations[1].sql.contains("etl_transform_runs"))
        let sql = migrations[0].sql
        for table in [
            "dim_date", "dim_product", "dim_account", "dim_customer", "dim_transaction_type", "dim_sales_hierarchy",
            "fact_sales_transactions", "fact_primary_sales",
        ] {
            #expect(sql.contains("CREATE TABLE \(table) ("))
        }
        // DuckDB spellings that T-SQL rejects or reads differently.
        #expect(!sql.contains("BOOLEAN"))
        #expect(!sql.contains("VARCHAR NOT"))
        #expect(!sql.contains("VARCHAR,"))
        #expect(!sql.contains("DEFAULT TRUE"))
    }
}

@Suite("SQL Server: types and binds")
struct SQLServerTypeTests {
    typealias Code = SQLServerTypes.Code

    @Test(
        "FreeTDS type codes map to ColumnType kinds with T-SQL names",
        arguments: [
            (Code.bit, 1, ColumnType.Kind.bool, "bit"),
            (Code.bitN, 1, .bool, "bit"),
            (Code.int1, 1, .int, "tinyint"),
            (Code.int2, 2, .int, "smallint"),
            (Code.int4, 4, .int, "int"),
            (Code.int8, 8, .int, "bigint"),
            (Code.intN, 2, .int, "smallint"),
            (Code.intN, 8, .int, "bigint"),
            (Code.real, 4, .double, "real"),
            (Code.float8, 8, .double, "float"),
            (Code.floatN, 4, .double, "real"),
            (Code.char, 10, .string, "char"),
            (Code.varChar, 10, .string, "varchar"),
            (Code.xNChar, 10, .string, "nchar"),
            (Code.xNVarChar, 10, .string, "nvarchar"),
            (Code.text, 10, .string, "text"),
            (Code.nText, 10, .string, "ntext"),
            (Code.msDate, 16, .date, "date"),
            (Code.msDateTime2, 16, .timestamp, "datetime2"),
            (Code.dateTime, 8, .timestamp, "datetime"),
            (Code.dateTime4, 4, .timestamp, "smalldatetime"),
            (Code.dateTimeN, 4, .timestamp, "smalldatetime"),
            (Code.money, 8, .decimal(precision: 19, scale: 4), "money"),
            (Code.uniqueIdentifier, 16, .text, "uniqueidentifier"),
        ])
    func mapping(code: Int32, size: Int, kind: ColumnType.Kind, name: String) throws {
        let type = try #require(SQLServerTypes.columnType(code: code, size: size, precision: 0, scale: 0))
        #expect(type.kind == kind)
        #expect(type.sqlName == name)
    }

    @Test("decimal/numeric keep precision and scale; the server's declaration wins as the name")
    func decimalMapping() throws {
        let d = try #require(SQLServerTypes.columnType(code: Code.decimal, size: 17, precision: 14, scale: 2))
        #expect(d == ColumnType(kind: .decimal(precision: 14, scale: 2), sqlName: "decimal(14,2)"))
        let n = try #require(SQLServerTypes.columnType(code: Code.numeric, size: 17, precision: 10, scale: 3))
        #expect(n.sqlName == "numeric(10,3)")
        let declared = try #require(
            SQLServerTypes.columnType(code: Code.xNVarChar, size: 100, precision: 0, scale: 0, declaration: "nvarchar(50)"))
        #expect(declared.sqlName == "nvarchar(50)")
        #expect(SQLServerTypes.columnType(code: Code.varBinary, size: 8, precision: 0, scale: 0) == nil)
    }

    @Test("sp_executesql's declaration string types every value")
    func declaration() throws {
        let binds: [Value] = [
            .bool(true), .int(42), .double(1.5), .decimal(try #require(SQLDecimal("12.50"))), .string("O'Brien"),
            .date(try #require(SQLDate(iso: "2025-06-30"))), .timestamp(try #require(SQLTimestamp(iso: "2025-06-30 10:00:00"))),
            .null,
        ]
        #expect(
            SQLServerTypes.parameterDeclaration(for: binds)
                == "@P1 bit, @P2 bigint, @P3 float, @P4 decimal(38,2), @P5 nvarchar(max), @P6 date, @P7 datetime2(7), "
                + "@P8 nvarchar(1)")
        #expect(SQLServerTypes.parameterDeclaration(for: []) == "")
    }

    @Test("an empty string parameter is set inside the batch, a quote stays in the bound value")
    func statementText() {
        let sql = "SELECT @P1 + @P2"
        #expect(SQLServerTypes.statementText(sql, binds: ["O'Brien", "x"]) == sql)
        #expect(SQLServerTypes.statementText(sql, binds: ["a", ""]) == "SET @P2 = N'';\n" + sql)
    }

    @Test(
        "decimals round-trip through DBNUMERIC bytes and agree with FreeTDS's own conversion",
        arguments: ["0", "12.50", "-0.05", "99999999999999999999999999999999999999", "-1234567890.123456789", "0.000001"])
    func decimals(text: String) throws {
        let value = try #require(SQLDecimal(text))
        let bytes = try SQLServerTypes.encodeNumeric(value)
        let back = try bytes.withUnsafeBytes { try SQLServerTypes.decodeNumeric($0) }
        #expect(back == value)
        #expect(back.scale == value.scale)
        #expect(back.description == value.description)

        // FreeTDS converting the same text to decimal(38, scale) must give the same bytes.
        _ = FreeTDSLibrary.initialized
        var numeric = DBNUMERIC()
        var info = DBTYPEINFO(precision: 38, scale: DBINT(value.scale))
        let converted = withUnsafeMutableBytes(of: &numeric) { out in
            Array(text.utf8).withUnsafeBufferPointer { source in
                dbconvert_ps(
                    nil, Int32(SYBCHAR), source.baseAddress, DBINT(source.count), Int32(SYBDECIMAL),
                    out.baseAddress!.assumingMemoryBound(to: BYTE.self), DBINT(out.count), &info)
            }
        }
        #expect(converted > 0)
        let theirs = withUnsafeBytes(of: &numeric) { Array($0) }
        #expect(theirs == bytes)
    }

    @Test("a decimal beyond 38 digits is a bind error")
    func tooWide() throws {
        let huge = SQLDecimal(unscaled: SQLDecimal.int128PowerOfTen(38), scale: 0)
        #expect(throws: WarehouseError.self) { try SQLServerTypes.encodeNumeric(huge) }
    }

    /// FreeTDS parses `text` into `type`'s C layout, which ConvAI must then decode.
    func freeTDSBytes(_ text: String, as type: Int32, size: Int) -> [UInt8] {
        _ = FreeTDSLibrary.initialized
        var out = [UInt8](repeating: 0, count: size)
        let written = out.withUnsafeMutableBufferPointer { buffer in
            Array(text.utf8).withUnsafeBufferPointer { source in
                dbconvert(nil, Int32(SYBCHAR), source.baseAddress, DBINT(source.count), type, buffer.baseAddress, DBINT(size))
            }
        }
        #expect(written > 0, "FreeTDS could not convert \(text)")
        return out
    }

    @Test(
        "date and datetime2 decode from FreeTDS's DBDATETIMEALL, and encode back to the same fields",
        arguments: ["2025-06-30 00:00:00", "1970-01-01 00:00:00", "2024-02-29 23:59:59.999999", "1899-12-31 12:30:00.5",
            "1753-01-01 00:00:00", "9999-12-31 23:59:59.123456"])
    func dateTimes(text: String) throws {
        let expected = try #require(SQLTimestamp(iso: text))
        let size = MemoryLayout<DBDATETIMEALL>.size
        let datetime2 = freeTDSBytes(text, as: Int32(SYBMSDATETIME2), size: size)
        let decoded = try datetime2.withUnsafeBytes {
            try SQLServerTypes.decode($0, code: SQLServerTypes.Code.msDateTime2, type: .init(kind: .timestamp, sqlName: "datetime2"))
        }
        #expect(decoded == .timestamp(expected))

        let date = freeTDSBytes(String(text.prefix(10)), as: Int32(SYBMSDATE), size: size)
        let decodedDate = try date.withUnsafeBytes {
            try SQLServerTypes.decode($0, code: SQLServerTypes.Code.msDate, type: .init(kind: .date, sqlName: "date"))
        }
        #expect(decodedDate == .date(expected.date))

        // What ConvAI sends must carry the same date and time fields FreeTDS produced.
        let fields = SQLServerTypes.dateTimeAllFields(expected)
        var ours = convai_datetimeall(fields.daysSince1900, fields.ticks100ns, 1)
        var theirs = DBDATETIMEALL()
        datetime2.withUnsafeBytes { raw in withUnsafeMutableBytes(of: &theirs) { $0.copyMemory(from: raw) } }
        #expect(ours.date == theirs.date)
        #expect(ours.time == theirs.time)
        #expect(convai_datetimeall_has_time(&ours) == 1)
        #expect(convai_datetimeall_has_date(&ours) == 1)
    }

    // FreeTDS's text parser reads year 0001 as 2001, so the far end of datetime2's range
    // is checked against ConvAI's own encoder instead.
    @Test("datetime2's first and last instants survive encode and decode")
    func extremes() throws {
        for text in ["0001-01-01 00:00:00", "9999-12-31 23:59:59.999999"] {
            let stamp = try #require(SQLTimestamp(iso: text))
            let fields = SQLServerTypes.dateTimeAllFields(stamp)
            let all = convai_datetimeall(fields.daysSince1900, fields.ticks100ns, 1)
            let decoded = withUnsafeBytes(of: all) { SQLServerTypes.dateTimeAll($0) }
            #expect(decoded == stamp)
        }
    }

    @Test("datetime and smalldatetime decode from FreeTDS's own layouts")
    func legacyDateTimes() throws {
        let datetime = freeTDSBytes("2025-06-30 12:34:56.500", as: Int32(SYBDATETIME), size: 8)
        let decoded = try datetime.withUnsafeBytes {
            try SQLServerTypes.decode($0, code: SQLServerTypes.Code.dateTime, type: .init(kind: .timestamp, sqlName: "datetime"))
        }
        #expect(decoded == .timestamp(try #require(SQLTimestamp(iso: "2025-06-30 12:34:56.5"))))
        let small = freeTDSBytes("2025-06-30 12:34:00", as: Int32(SYBDATETIME4), size: 4)
        let decodedSmall = try small.withUnsafeBytes {
            try SQLServerTypes.decode($0, code: SQLServerTypes.Code.dateTime4, type: .init(kind: .timestamp, sqlName: "smalldatetime"))
        }
        #expect(decodedSmall == .timestamp(try #require(SQLTimestamp(iso: "2025-06-30 12:34:00"))))
    }

    @Test("integers, floats, bits and money decode from little-endian bytes")
    func scalars() throws {
        func decode(_ bytes: [UInt8], _ code: Int32, _ kind: ColumnType.Kind) throws -> Value {
            try bytes.withUnsafeBytes { try SQLServerTypes.decode($0, code: code, type: .init(kind: kind, sqlName: "x")) }
        }
        #expect(try decode([255], Code.int1, .int) == .int(255))
        #expect(try decode(withUnsafeBytes(of: Int16(-2)) { Array($0) }, Code.int2, .int) == .int(-2))
        #expect(try decode(withUnsafeBytes(of: Int32(-70000)) { Array($0) }, Code.int4, .int) == .int(-70000))
        #expect(try decode(withUnsafeBytes(of: Int64.min) { Array($0) }, Code.int8, .int) == .int(.min))
        #expect(try decode(withUnsafeBytes(of: 2.25) { Array($0) }, Code.float8, .double) == .double(2.25))
        #expect(try decode(withUnsafeBytes(of: Float(0.5)) { Array($0) }, Code.real, .double) == .double(0.5))
        #expect(try decode([1], Code.bit, .bool) == .bool(true))
        let money = try decode(
            freeTDSBytes("-12.3456", as: Int32(SYBMONEY), size: 8), Code.money, .decimal(precision: 19, scale: 4))
        #expect(money == .decimal(try #require(SQLDecimal("-12.3456"))))
        #expect(try decode(Array("नमस्ते".utf8), Code.xNVarChar, .string) == .string("नमस्ते"))
    }

    @Test("text dates parse with up to seven fractional digits")
    func textDates() {
        #expect(SQLServerTypes.parseTimestamp("2025-06-30") == SQLTimestamp(iso: "2025-06-30 00:00:00"))
        #expect(SQLServerTypes.parseTimestamp("2025-06-30 01:02:03.1234567") == SQLTimestamp(iso: "2025-06-30 01:02:03.123456"))
        #expect(SQLServerTypes.parseTimestamp("Jun 30 2025") == nil)
    }

    @Test("bulk copy: one host type per column, integers widen, empty strings and mixes are refused")
    func bulkPlan() throws {
        let plan = try SQLServerBulkPlan(
            columns: ["a", "b", "c", "d"], rows: [[.null, .int(1), .string("x"), .date(SQLDate(daysSinceEpoch: 0))], [.decimal(SQLDecimal(unscaled: 5, scale: 1)), .int(2), .null, .null]])
        #expect(plan.hostTypes == [.decimal, .bigint, .text, .date])
        #expect(try SQLServerBulkPlan.bytes(of: .int(3), as: .decimal) == SQLServerTypes.encodeNumeric(SQLDecimal(unscaled: 3, scale: 0)))
        #expect(try SQLServerBulkPlan.bytes(of: .null, as: .text) == nil)
        #expect(throws: WarehouseError.self) { try SQLServerBulkPlan.bytes(of: .string(""), as: .text) }
        #expect(throws: WarehouseError.self) { try SQLServerBulkPlan.bytes(of: .string("1"), as: .bigint) }
    }
}

@Suite("SQL Server: FreeTDS library and connection failures")
struct SQLServerLibraryTests {
    @Test("libsybdb links and initialises (dbinit, dbversion)")
    func library() {
        #expect(FreeTDSLibrary.initialized)
        #expect(SQLServerDatabase.libraryVersion.contains("freetds"))
        #expect(String(cString: dbversion()).hasPrefix("freetds v"))
    }

    /// A port on 127.0.0.1 that was free a moment ago, so nothing listens on it.
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(fd >= 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        try #require(bound)
        return Int(UInt16(bigEndian: address.sin_port))
    }

    // A hang guard, not a speed assertion: the login timeout (5 s) ends the attempt, and a
    // busy machine may take longer than that to report it.
    @Test(
        "a closed port fails within the login timeout with an error naming host, port and database, never the password",
        .timeLimit(.minutes(1)))
    func closedPortFails() async throws {
        let port = try Self.closedPort()
        let configuration = SQLServerConfiguration(
            host: "127.0.0.1", port: port, user: "sa", password: "NotTheRealPassword1", database: "convai",
            loginTimeoutSeconds: 5)
        let error = await #expect(throws: WarehouseError.self) {
            _ = try await SQLServerDatabase.connect(configuration: configuration)
        }
        #expect(error?.code == .connectionFailed)
        let message = error?.message ?? ""
        #expect(message.contains("127.0.0.1:\(port)"))
        #expect(message.contains("convai"))
        #expect(!message.contains("NotTheRealPassword1"))
    }

    @Test("a database used after close says so")
    func closed() async throws {
        let db = try SQLServerDatabase(
            configuration: .init(host: "127.0.0.1", port: try Self.closedPort(), user: "sa", password: "x", database: "d"))
        try await db.close()
        await #expect(throws: WarehouseError.self) { try await db.query("SELECT 1") }
    }
}

// MARK: With a server

/// Set to a `sqlserver://` URL of a scratch database to run these; each test works in
/// its own table.
let mssqlURL = ProcessInfo.processInfo.environment["CONVAI_MSSQL_URL"]

// Skipped, and reported as skipped with the reason, when no server is configured: no
// SQL Server can run on the development machines.
@Suite("SQL Server: live server", .enabled(if: mssqlURL != nil, "CONVAI_MSSQL_URL is not set: no SQL Server to test against"))
struct SQLServerLiveTests {
    func withDatabase(_ body: (SQLServerDatabase, String) async throws -> Void) async throws {
        let url = try #require(mssqlURL)
        let db = try await SQLServerDatabase.connect(configuration: try SQLServerConfiguration(url: url))
        let table = "convai_test_\(UInt32.random(in: 0...UInt32.max))"
        do {
            try await body(db, table)
        } catch {
            _ = try? await db.execute("DROP TABLE IF EXISTS \(table)")
            try await db.close()
            throw error
        }
        _ = try? await db.execute("DROP TABLE IF EXISTS \(table)")
        try await db.close()
    }

    @Test("every type round-trips through typed binds")
    func roundTrip() async throws {
        try await withDatabase { db, table throws in
            try await db.execute(
                """
                CREATE TABLE \(table) (b BIT, t TINYINT, s SMALLINT, i INT, g BIGINT, d DECIMAL(14,2), f FLOAT, r REAL,
                    v VARCHAR(50), n NVARCHAR(max), dt DATE, ts DATETIME2, old DATETIME, small SMALLDATETIME)
                """)
            let date = try #require(SQLDate(iso: "2025-06-30"))
            let stamp = try #require(SQLTimestamp(iso: "2025-06-30 12:34:56.123456"))
            let affected = try await db.execute(
                "INSERT INTO \(table) VALUES (@P1, 7, -3, @P2, @P3, @P4, @P5, 0.5, @P6, @P7, @P8, @P9, @P9, '2025-06-30 12:34')",
                [
                    .bool(true), .int(123_456), .int(9_000_000_000), .decimal(try #require(SQLDecimal("-1234.50"))),
                    .double(2.5), .string("O'Brien; DROP TABLE x --"), .string("नमस्ते Nestlé"), .date(date),
                    .timestamp(stamp),
                ])
            #expect(affected == 1)
            let result = try await db.query("SELECT * FROM \(table) WHERE v = @P1", [.string("O'Brien; DROP TABLE x --")])
            #expect(result.columns.map(\.type.kind) == [
                .bool, .int, .int, .int, .int, .decimal(precision: 14, scale: 2), .double, .double, .string, .string, .date,
                .timestamp, .timestamp, .timestamp,
            ])
            let row = try #require(result.rows.first)
            #expect(row[0] == .bool(true))
            #expect(row[1] == .int(7))
            #expect(row[2] == .int(-3))
            #expect(row[3] == .int(123_456))
            #expect(row[4] == .int(9_000_000_000))
            #expect(row[5] == .decimal(try #require(SQLDecimal("-1234.50"))))
            #expect(row[6] == .double(2.5))
            #expect(row[7] == .double(0.5))
            #expect(row[8] == .string("O'Brien; DROP TABLE x --"))
            #expect(row[9] == .string("नमस्ते Nestlé"))
            #expect(row[10] == .date(date))
            #expect(row[11] == .timestamp(stamp))
            #expect(row[13] == .timestamp(try #require(SQLTimestamp(iso: "2025-06-30 12:34:00"))))
            let empty = try await db.query("SELECT @P1 AS e, @P2 AS n", [.string(""), .null])
            #expect(empty.rows == [[.string(""), .null]])
        }
    }

    @Test("bcp loads 10,000 rows")
    func bulk() async throws {
        try await withDatabase { db, table throws in
            try await db.execute("CREATE TABLE \(table) (id BIGINT PRIMARY KEY, name NVARCHAR(50), amount DECIMAL(14,2), day DATE, ok BIT)")
            var rows: [[Value]] = []
            for i in 0..<10_000 {
                let amount = SQLDecimal(unscaled: Int128(i * 101), scale: 2)
                let day = SQLDate(daysSinceEpoch: Int32(20_000 + i % 365))
                let ok: Value = i % 7 == 0 ? .null : .bool(i % 2 == 0)
                rows.append([.int(Int64(i)), .string("row \(i) – ₹"), .decimal(amount), .date(day), ok])
            }
            let loaded = try await db.bulkLoad(into: table, columns: ["id", "name", "amount", "day", "ok"], rows: rows)
            #expect(loaded == 10_000)
            let check = try await db.query("SELECT count(*), sum(amount), max(name) FROM \(table)")
            #expect(check.rows.first?[0] == .int(10_000))
            let row42 = try await db.query("SELECT name, amount FROM \(table) WHERE id = 42").rows
            let expected: [[Value]] = [[.string("row 42 – ₹"), .decimal(SQLDecimal(unscaled: 4242, scale: 2))]]
            #expect(row42 == expected)
        }
    }

    @Test("a failed transaction rolls back every statement")
    func rollback() async throws {
        try await withDatabase { db, table throws in
            try await db.execute("CREATE TABLE \(table) (id INT PRIMARY KEY)")
            await #expect(throws: WarehouseError.self) {
                try await db.transaction([
                    Statement("INSERT INTO \(table) VALUES (@P1)", [.int(1)]),
                    Statement("INSERT INTO \(table) VALUES (@P1)", [.int(1)]),
                ])
            }
            #expect(try await db.query("SELECT count(*) FROM \(table)").scalar == .int(0))
        }
    }

    @Test("a bad table is SQL Server error 208 with its severity")
    func badTable() async throws {
        try await withDatabase { db, _ throws in
            let error = await #expect(throws: WarehouseError.self) { try await db.query("SELECT * FROM no_such_table_convai") }
            #expect(error?.serverError?.number == 208)
            #expect(error?.serverError?.severity == 16)
            #expect(error?.message.hasPrefix("SQL Server error 208: Invalid object name") == true)
            // The connection is still good afterwards.
            #expect(try await db.query("SELECT 1").scalar == .int(1))
        }
    }
}
