import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Server
import Testing
import Warehouse

/// Two tenants on their own DuckDB files with a few known rows, a small Cube model, and a
/// configured JWT secret: everything a Cube API round trip needs, with answers that can be
/// worked out by hand.
struct CubeAPIFixture {
    static let secret = "test-secret-for-the-cube-api-round-trips"

    /// Orders of tenant `acme`: (id, date, product, quantity, amount, status, customer).
    static let acmeOrders: [(Int, String, Int, Int, String, String, String?)] = [
        (1, "2025-01-05", 10, 2, "10.25", "completed", "O'Brien"),
        (2, "2025-01-20", 11, 1, "20.25", "completed", "Smith"),
        (3, "2025-02-03", 10, 5, "30.00", "returned", nil),
        (4, "2025-02-14", 12, 1, "5.50", "completed", "Smith"),
        (5, "2025-03-01", 11, 3, "60.00", "completed", "Jones"),
    ]

    static let model = """
        cubes:
          - name: Orders
            sql_table: orders
            title: Sales Orders
            joins:
              - name: Products
                sql: "{CUBE}.product_id = {Products}.product_id"
                relationship: many_to_one
            dimensions:
              - name: orderId
                sql: order_id
                type: number
                primary_key: true
              - name: orderDate
                sql: order_date
                type: time
              - name: status
                sql: status
                type: string
                meta:
                  synonyms: [state]
              - name: customerName
                sql: customer_name
                type: string
              - name: secretNote
                sql: customer_name
                type: string
                public: false
            measures:
              - name: count
                type: count
              - name: totalAmount
                sql: amount
                type: sum
                title: Revenue
                format: currency
                description: Order value in rupees.
              - name: totalQuantity
                sql: quantity
                type: sum
              - name: averageAmount
                sql: amount
                type: avg
            segments:
              - name: completed
                sql: "{CUBE}.status = 'completed'"
          - name: Products
            sql_table: products
            dimensions:
              - name: productId
                sql: product_id
                type: number
                primary_key: true
              - name: category
                sql: category
                type: string
              - name: isActive
                sql: is_active
                type: boolean
        views:
          - name: SalesView
            cubes:
              - join_path: Orders
                includes: [totalAmount, status]
              - join_path: Orders.Products
                includes: [category]
        """

    /// A different model for tenant `globex`, which names its own `model_path`.
    static let globexModel = """
        cubes:
          - name: Shipments
            sql_table: orders
            dimensions:
              - name: status
                sql: status
                type: string
            measures:
              - name: count
                type: count
        """

    let folder: URL
    let configuration: ConvAIConfiguration

    init() async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-cube-\(UUID().uuidString)")
        let modelFolder = folder.appendingPathComponent("model/cubes")
        let globexFolder = folder.appendingPathComponent("globex-model/cubes")
        try FileManager.default.createDirectory(at: modelFolder, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: globexFolder, withIntermediateDirectories: true)
        try Self.model.write(to: modelFolder.appendingPathComponent("orders.yml"), atomically: true, encoding: .utf8)
        try Self.globexModel.write(to: globexFolder.appendingPathComponent("shipments.yml"), atomically: true, encoding: .utf8)

        var tenants: [TenantConfiguration] = []
        for (id, orders) in [("acme", Self.acmeOrders), ("globex", Array(Self.acmeOrders.prefix(2)))] {
            let path = folder.appendingPathComponent("\(id).duckdb").path
            let database = try DuckDBDatabase(configuration: .init(path: path))
            try await database.execute("""
                CREATE TABLE products (product_id INTEGER PRIMARY KEY, category VARCHAR, is_active BOOLEAN);
                CREATE TABLE orders (order_id BIGINT PRIMARY KEY, order_date DATE, product_id INTEGER,
                                     quantity INTEGER, amount DECIMAL(12,2), status VARCHAR, customer_name VARCHAR);
                INSERT INTO products VALUES (10, 'Biscuits', true), (11, 'Noodles', true), (12, 'Stationery', false);
                """)
            try await database.bulkLoad(
                into: "orders",
                columns: ["order_id", "order_date", "product_id", "quantity", "amount", "status", "customer_name"],
                rows: orders.map { order in
                    [
                        .int(Int64(order.0)), .date(SQLDate(iso: order.1)!), .int(Int64(order.2)), .int(Int64(order.3)),
                        .decimal(SQLDecimal(order.4)!), .string(order.5), order.6.map(Value.string) ?? .null,
                    ]
                })
            try await database.close()
            tenants.append(
                TenantConfiguration(
                    id: id, database: .init(engine: .duckdb, path: path),
                    modelPath: id == "globex" ? folder.appendingPathComponent("globex-model").path : nil))
        }
        configuration = ConvAIConfiguration(
            server: .init(host: "127.0.0.1", port: 0), auth: .init(jwtSecret: Self.secret), tenants: tenants,
            root: folder.path, limits: .unthrottled)
    }

    /// Runs `body` against the application; the tenant databases are closed afterwards.
    /// `configure` changes the configuration first (auth, permissions, limits).
    func withClient(
        mode: TestingSetup = .router, configure: (inout ConvAIConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var configuration = configuration
        configure(&configuration)
        let router = TenantRouter(tenants: configuration.tenants, logger: Logger(label: "test"))
        let app = try await buildApplication(
            configuration: configuration, tenants: router, logger: Logger(label: "test"),
            today: { SQLDate(iso: "2025-03-15")! })
        try await app.test(mode, body)
        await router.closeAll()
        try? FileManager.default.removeItem(at: folder)
    }

    /// A valid token for `tenant`.
    static func token(
        tenant: String = "acme", role: String = "analyst", secret: String = secret, expiresIn: TimeInterval = 3600
    ) async throws -> String {
        let authority = try await TokenAuthority(secret: secret, tenants: [tenant])
        return try await authority.mint(
            AccessClaims(tenant: tenant, subject: "u1", role: role, expiresAt: Date().addingTimeInterval(expiresIn)))
    }
}

/// A decoded JSON response.
struct JSONResponse {
    let status: HTTPResponse.Status
    let text: String
    let json: Any

    subscript(key: String) -> Any? { (json as? [String: Any])?[key] }
    var error: String? { self["error"] as? String }
    var data: [[String: Any]] { self["data"] as? [[String: Any]] ?? [] }
}

extension TestClientProtocol {
    func call(
        _ uri: String, method: HTTPRequest.Method = .post, token: String?, body: String? = nil
    ) async throws -> JSONResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = token }
        headers[.contentType] = "application/json"
        return try await execute(
            uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }
        ) { response in
            let text = String(buffer: response.body)
            let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) ?? [:]
            return JSONResponse(status: response.status, text: text, json: json)
        }
    }
}
