import Warehouse

/// The raw landing tables of docs/raw-data.md: the one place that knows their names,
/// columns and DDL, so that another engine is another case in ``RawType/sql(for:)``.
public enum RawSchema {
    /// The raw table names, in the order a seed loads them.
    public static var tableNames: [String] { tables.map(\.name) }

    static let products = RawTable(
        name: "raw_products", key: ["product_id"],
        columns: [
            .init("product_id", .integer), .init("sku", .varchar), .init("product_name", .varchar),
            .init("brand", .varchar), .init("category", .varchar), .init("sub_category", .varchar),
            .init("mrp", .decimal(12, 2)), .init("unit_weight_kg", .decimal(10, 3)),
            .init("unit_volume_l", .decimal(10, 3)), .init("uom", .varchar), .init("launch_date", .date),
            .init("status", .varchar), .init("exported_at", .timestamp),
        ])

    static let distributors = RawTable(
        name: "raw_distributors", key: ["dist_id"],
        columns: [
            .init("dist_id", .integer), .init("dist_code", .varchar), .init("dist_name", .varchar),
            .init("dist_type", .varchar), .init("city", .varchar), .init("state", .varchar), .init("zone", .varchar),
            .init("credit_limit", .decimal(14, 2)), .init("onboarded_on", .date), .init("exported_at", .timestamp),
        ])

    static let outlets = RawTable(
        name: "raw_outlets", key: ["outlet_id"],
        columns: [
            .init("outlet_id", .integer), .init("outlet_code", .varchar), .init("outlet_name", .varchar),
            .init("channel", .varchar), .init("city", .varchar), .init("state", .varchar), .init("zone", .varchar),
            .init("dist_code", .varchar), .init("onboarded_on", .date), .init("exported_at", .timestamp),
        ])

    static let employees = RawTable(
        name: "raw_employees", key: ["emp_id"],
        columns: [
            .init("emp_id", .integer), .init("emp_code", .varchar), .init("emp_name", .varchar),
            .init("email", .varchar), .init("designation", .varchar), .init("territory_level", .varchar),
            .init("territory_name", .varchar), .init("manager_code", .varchar), .init("exported_at", .timestamp),
        ])

    static let transactionTypes = RawTable(
        name: "raw_transaction_types", key: ["type_id"],
        columns: [.init("type_id", .smallint), .init("code", .varchar), .init("name", .varchar), .init("sign", .smallint)])

    static let primaryInvoices = RawTable(
        name: "raw_primary_invoices", key: ["invoice_no", "line_no"],
        columns: [
            .init("invoice_no", .varchar), .init("line_no", .integer), .init("invoice_date", .date),
            .init("dist_code", .varchar), .init("sku", .varchar), .init("warehouse_code", .varchar),
            .init("warehouse_name", .varchar), .init("qty", .integer), .init("gross_value", .decimal(14, 2)),
            .init("net_value", .decimal(14, 2)), .init("exported_at", .timestamp),
        ])

    static let secondarySales = RawTable(
        name: "raw_secondary_sales", key: ["line_id"],
        columns: [
            .init("line_id", .bigint), .init("bill_no", .varchar), .init("bill_date", .date),
            .init("outlet_code", .varchar), .init("dist_code", .varchar), .init("sku", .varchar),
            .init("txn_type", .varchar), .init("salesman_code", .varchar), .init("qty", .integer),
            .init("rate", .decimal(12, 2)), .init("gross_value", .decimal(14, 2)),
            .init("discount_value", .decimal(14, 2)), .init("net_value", .decimal(14, 2)),
            .init("exported_at", .timestamp),
        ])

    static let tables: [RawTable] = [
        products, distributors, outlets, employees, transactionTypes, primaryInvoices, secondarySales,
    ]

    /// A seed loads into these names, then swaps them in, so that a failed seed leaves the
    /// previous raw data in place.
    static func stagingName(of table: RawTable) -> String { table.name + "__seeding" }

    static func createStatement(_ table: RawTable, named name: String, dialect: SQLDialect) -> String {
        let columns = table.columns.map { "\(dialect.quoteIdentifier($0.name)) \($0.type.sql(for: dialect))" }
        return "CREATE TABLE \(dialect.quoteIdentifier(name)) (\(columns.joined(separator: ", ")))"
    }

    static func dropStatement(_ name: String, dialect: SQLDialect) -> String {
        "DROP TABLE IF EXISTS \(dialect.quoteIdentifier(name))"
    }

    static func renameStatement(from old: String, to new: String, dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlserver:
            return "EXEC sp_rename '\(old.replacing("'", with: "''"))', '\(new.replacing("'", with: "''"))'"
        case .duckdb, .postgres, .sqlite:
            return "ALTER TABLE \(dialect.quoteIdentifier(old)) RENAME TO \(dialect.quoteIdentifier(new))"
        }
    }
}

/// One raw table: its name, key and typed columns.
struct RawTable: Sendable {
    var name: String
    var key: [String]
    var columns: [RawColumn]

    var columnNames: [String] { columns.map(\.name) }
}

/// One column of a raw table.
struct RawColumn: Sendable {
    var name: String
    var type: RawType

    init(_ name: String, _ type: RawType) {
        self.name = name
        self.type = type
    }
}

/// The column types of the raw tables, spelled per engine.
enum RawType: Sendable, Hashable {
    case smallint, integer, bigint, varchar, date, timestamp
    case decimal(Int, Int)

    func sql(for dialect: SQLDialect) -> String {
        switch (self, dialect) {
        case (.smallint, _): return "SMALLINT"
        case (.integer, .sqlserver): return "INT"
        case (.integer, _): return "INTEGER"
        case (.bigint, .sqlite): return "INTEGER"
        case (.bigint, _): return "BIGINT"
        case (.varchar, .sqlserver): return "NVARCHAR(400)"
        case (.varchar, .sqlite): return "TEXT"
        case (.varchar, _): return "VARCHAR"
        case (.date, .sqlite): return "TEXT"
        case (.date, _): return "DATE"
        case (.timestamp, .sqlserver): return "DATETIME2(6)"
        case (.timestamp, .sqlite): return "TEXT"
        case (.timestamp, _): return "TIMESTAMP"
        // SQLite's NUMERIC affinity would round money through a double; text keeps it exact.
        case (.decimal, .sqlite): return "TEXT"
        case (.decimal(let p, let s), _): return "DECIMAL(\(p),\(s))"
        }
    }
}
