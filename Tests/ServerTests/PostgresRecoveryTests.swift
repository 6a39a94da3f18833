import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Server
import TestSupport
import Testing
import Warehouse

/// A PostgreSQL tenant beside a DuckDB one: the same Cube answers, and when its server goes
/// down the others keep being served and it comes back by itself, without a restart.
@Suite(
    "A PostgreSQL tenant: same answers, survives its server going down",
    .enabled(
        if: ProcessInfo.processInfo.environment["CONVAI_TEST_PG_URL"] != nil,
        "CONVAI_TEST_PG_URL is not set (scripts/test starts PostgreSQL)"))
struct PostgresRecoveryTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs scripts/pg-test-server; this test needs a server of its own to stop.
    @discardableResult
    static func pgServer(_ arguments: [String]) async throws -> String {
        try await offThread { try pgServerBlocking(arguments) }
    }

    private static func pgServerBlocking(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = root.appendingPathComponent("scripts/pg-test-server")
        process.arguments = arguments
        // A file, not a pipe: the postgres daemon the script starts inherits the descriptor,
        // and a pipe would then never reach end-of-file.
        let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("pg-server-\(UUID().uuidString).out")
        FileManager.default.createFile(atPath: outputFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outputFile) }
        let output = try FileHandle(forWritingTo: outputFile)
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        try output.close()
        try #require(process.terminationStatus == 0, "pg-test-server \(arguments) failed")
        return try String(contentsOf: outputFile, encoding: .utf8)
    }

    static func exported(_ name: String, in text: String) throws -> String {
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("export \(name)=") })
        return String(line.dropFirst("export \(name)=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
    }

    @Test("same Cube JSON as DuckDB; down shows in /health while DuckDB tenants answer; back without a restart")
    func recovers() async throws {
        let started = try await Self.pgServer(["start"])
        let url = try Self.exported("CONVAI_TEST_PG_URL", in: started)
        let dir = try Self.exported("CONVAI_TEST_PG_DIR", in: started)
        defer { _ = try? Self.pgServerBlocking(["stop", dir]) }

        // The fixture's orders and products, loaded into PostgreSQL too.
        let setup = try PostgresDatabase(configuration: try PostgresDatabase.Configuration(url: url))
        try await setup.execute("""
            CREATE TABLE products (product_id INTEGER PRIMARY KEY, category VARCHAR, is_active BOOLEAN);
            CREATE TABLE orders (order_id BIGINT PRIMARY KEY, order_date DATE, product_id INTEGER,
                                 quantity INTEGER, amount DECIMAL(12,2), status VARCHAR, customer_name VARCHAR);
            INSERT INTO products VALUES (10, 'Biscuits', true), (11, 'Noodles', true), (12, 'Stationery', false);
            """)
        try await setup.bulkLoad(
            into: "orders",
            columns: ["order_id", "order_date", "product_id", "quantity", "amount", "status", "customer_name"],
            rows: CubeAPIFixture.acmeOrders.map { order in
                [
                    .int(Int64(order.0)), .date(SQLDate(iso: order.1)!), .int(Int64(order.2)), .int(Int64(order.3)),
                    .decimal(SQLDecimal(order.4)!), .string(order.5), order.6.map(Value.string) ?? .null,
                ]
            })
        try await setup.close()

        let fixture = try await CubeAPIFixture()
        var settings = try PostgresDatabase.Configuration(url: url)
        settings.maxConnections = 2
        let postgresTenant = TenantConfiguration(
            id: "pgacme",
            database: .init(
                engine: .postgres, host: settings.host, port: settings.port, user: settings.username,
                password: settings.password, database: settings.database, tls: .disable))
        let configuration = ConvAIConfiguration(
            server: fixture.configuration.server, auth: fixture.configuration.auth,
            tenants: fixture.configuration.tenants + [postgresTenant], root: fixture.configuration.root,
            // Every request reaches its database: this test is about what an outage does to them.
            cache: .off)
        let router = TenantRouter(tenants: configuration.tenants, logger: Logger(label: "test"))
        let app = try await buildApplication(
            configuration: configuration, tenants: router, logger: Logger(label: "test"),
            today: { SQLDate(iso: "2025-03-15")! })
        let duckToken = try await CubeAPIFixture.token(tenant: "acme")
        let postgresToken = try await CubeAPIFixture.token(tenant: "pgacme")
        let query = #"{"query":{"measures":["Orders.totalAmount","Orders.count","Orders.averageAmount"],"dimensions":["Products.category","Products.isActive"],"timeDimensions":[{"dimension":"Orders.orderDate","granularity":"month"}],"order":[["Products.category","asc"],["Orders.orderDate.month","asc"]]}}"#

        try await app.test(.router) { client in
            let fromDuck = try await client.call("/cubejs-api/v1/load", token: duckToken, body: query)
            let fromPostgres = try await client.call("/cubejs-api/v1/load", token: postgresToken, body: query)
            #expect(fromPostgres.status == .ok, "\(fromPostgres.text)")
            #expect(fromDuck.data.count == 5)
            // Row for row the same JSON values (averages compared to the cent).
            for (duck, postgres) in zip(fromDuck.data, fromPostgres.data) {
                for key in ["Products.category", "Products.isActive", "Orders.orderDate.month", "Orders.totalAmount", "Orders.count"] {
                    #expect("\(duck[key] ?? "nil")" == "\(postgres[key] ?? "nil")", "\(key)")
                }
                let a = Double(duck["Orders.averageAmount"] as? String ?? "") ?? .nan
                let b = Double(postgres["Orders.averageAmount"] as? String ?? "") ?? .nan
                #expect(abs(a - b) < 0.005)
            }

            try await Self.pgServer(["pause", dir])
            let down = try await client.call("/health", method: .get, token: nil)
            #expect(down.status == .serviceUnavailable)
            let tenants = down["tenants"] as? [[String: Any]] ?? []
            #expect(tenants.first { $0["tenant"] as? String == "pgacme" }?["status"] as? String == "down")
            #expect(tenants.first { $0["tenant"] as? String == "pgacme" }?["engine"] as? String == "postgres")
            #expect(tenants.first { $0["tenant"] as? String == "acme" }?["status"] as? String == "up")
            let stillServed = try await client.call("/cubejs-api/v1/load", token: duckToken, body: query)
            #expect(stillServed.status == .ok)
            let failed = try await client.call("/cubejs-api/v1/load", token: postgresToken, body: query)
            #expect(failed.status == .internalServerError)
            #expect(failed.error?.isEmpty == false)

            try await Self.pgServer(["resume", dir])
            var healthy = false
            for _ in 0..<60 where !healthy {
                healthy = try await client.call("/health", method: .get, token: nil).status == .ok
                if !healthy { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect(healthy, "the PostgreSQL tenant did not come back within 30 s")
            let back = try await client.call("/cubejs-api/v1/load", token: postgresToken, body: query)
            #expect(back.status == .ok)
            #expect(back.data.count == 5)
        }
        await router.closeAll()
    }
}
