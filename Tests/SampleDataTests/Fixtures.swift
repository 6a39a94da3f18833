import Foundation
import SampleData
import Warehouse

/// A seeded in-memory DuckDB database and the seed's report.
struct Seeded: Sendable {
    let database: DuckDBDatabase
    let report: SeedReport

    static func make(_ options: SeedOptions) async throws -> Seeded {
        let database = try DuckDBDatabase(configuration: .init(path: nil, maxConnections: 2))
        let report = try await SampleDataGenerator(options: options).seed(into: database)
        return Seeded(database: database, report: report)
    }

    var planted: PlantedSignals { report.planted }
}

/// Seeds shared by the suites that only read them: each is made once per test process.
enum Fixtures {
    static let endDate = SQLDate(year: 2025, month: 6, day: 30)!

    /// ITC over 400 days (one October–November and one summer), at a tenth of full volume
    /// (about 55,000 lines): enough for the planted trends to stand out of the noise.
    static let itcOptions = SeedOptions(tenant: .itc, endDate: endDate, days: 400, scale: 0.1, seed: 42)
    static let itc = Task { try await Seeded.make(itcOptions) }
}

/// The secondary lines once per `line_id`, with cleaned codes and signed net sales.
let cleanLines = """
    lines AS (
        SELECT * FROM raw_secondary_sales
        QUALIFY row_number() OVER (PARTITION BY line_id ORDER BY exported_at DESC) = 1
    ),
    signed AS (
        SELECT line_id, bill_date, upper(trim(outlet_code)) AS outlet, upper(trim(dist_code)) AS dist,
               upper(trim(sku)) AS sku, upper(trim(txn_type)) AS txn, qty,
               net_value * CASE WHEN upper(trim(txn_type)) IN ('RETURN', 'DAMAGE') THEN -1 ELSE 1 END AS net
        FROM lines
    ),
    outlets AS (
        SELECT upper(trim(outlet_code)) AS code, trim(state) AS state, upper(trim(dist_code)) AS dist
        FROM raw_outlets QUALIFY row_number() OVER (PARTITION BY outlet_id ORDER BY exported_at DESC) = 1
    ),
    products AS (
        SELECT upper(trim(sku)) AS sku, trim(brand) AS brand
        FROM raw_products QUALIFY row_number() OVER (PARTITION BY product_id ORDER BY exported_at DESC) = 1
    )
    """

extension Database {
    func double(_ sql: String, _ binds: [Value] = []) async throws -> Double {
        try await query(sql, binds).scalar?.doubleValue ?? .nan
    }

    func int(_ sql: String, _ binds: [Value] = []) async throws -> Int {
        Int(try await query(sql, binds).scalar?.intValue ?? -1)
    }

    /// Row count and an MD5 over every row of a table in a fixed order.
    func checksum(_ table: String) async throws -> String {
        let order: String
        switch table {
        case "raw_transaction_types": order = "type_id"
        case "raw_primary_invoices": order = "invoice_no, line_no, exported_at"
        case "raw_secondary_sales": order = "line_id, exported_at"
        case "raw_products": order = "product_id, exported_at"
        case "raw_distributors": order = "dist_id, exported_at"
        case "raw_outlets": order = "outlet_id, exported_at"
        default: order = "emp_id, exported_at"
        }
        let result = try await query(
            "SELECT count(*) || ':' || md5(string_agg(CAST(t AS VARCHAR), '|' ORDER BY \(order), CAST(t AS VARCHAR))) "
                + "FROM \(table) t")
        return result.scalar?.description ?? ""
    }
}

func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("convai-seed-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}
