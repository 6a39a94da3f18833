import Foundation
import SampleData
import Testing
import Warehouse

@Suite("Seed options and failures")
struct SeedOptionsTests {
    static let end = SQLDate(year: 2025, month: 6, day: 30)!

    @Test(
        "out-of-range options are rejected with a message naming the value",
        arguments: [
            (89, 1.0, 1, "days must be from 90 to 3660, got 89"),
            (3661, 1.0, 1, "days must be from 90 to 3660, got 3661"),
            (730, 0.0, 1, "scale must be from 0.001 to 20.0, got 0.0"),
            (730, -1.0, 1, "scale must be from 0.001 to 20.0, got -1.0"),
            (730, 21.0, 1, "scale must be from 0.001 to 20.0, got 21.0"),
            (730, .nan, 1, "scale must be from 0.001 to 20.0, got nan"),
            (730, 1.0, 0, "batch size must be positive, got 0"),
        ])
    func rejectsBadOptions(days: Int, scale: Double, batchSize: Int, message: String) {
        let options = SeedOptions(tenant: .itc, endDate: Self.end, days: days, scale: scale, batchSize: batchSize)
        #expect(throws: SampleDataError(.invalidOptions, message)) { try options.validate() }
    }

    @Test("the defaults are 730 days, scale 1 and seed 42, and the period ends on the end date")
    func defaults() throws {
        let options = SeedOptions(tenant: .itc, endDate: Self.end)
        #expect(options.days == 730 && options.scale == 1 && options.seed == 42)
        #expect(options.startDate == SQLDate(year: 2023, month: 7, day: 2))
        try options.validate()
    }

    @Test("tenant ids map to catalogues")
    func tenants() {
        #expect(SampleTenant(tenantID: "ITC") == .itc)
        #expect(SampleTenant(tenantID: "nestle") == .nestle)
        #expect(SampleTenant(tenantID: "unilever") == .unilever)
        #expect(SampleTenant(tenantID: "acme") == nil)
    }

    @Test("invalid options fail before anything in the database changes")
    func invalidOptionsTouchNothing() async throws {
        let database = try DuckDBDatabase(configuration: .init())
        let options = SeedOptions(tenant: .itc, endDate: Self.end, days: 10)
        await #expect(throws: SampleDataError.self) {
            try await SampleDataGenerator(options: options).seed(into: database)
        }
        #expect(try await database.int("SELECT count(*) FROM information_schema.tables") == 0)
        try await database.close()
    }

    @Test("a reseed replaces the data; a failed reseed leaves the previous data in place")
    func reseedAndFailure() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder.appendingPathComponent("itc.duckdb").path
            let database = try DuckDBDatabase(configuration: .init(path: path))
            let options = SeedOptions(tenant: .itc, endDate: Self.end, days: 90, scale: 0.02, seed: 5)
            let first = try await SampleDataGenerator(options: options).seed(into: database)
            let before = try await database.checksum("raw_secondary_sales")
            let again = try await SampleDataGenerator(options: options).seed(into: database)
            #expect(first.tables == again.tables)
            #expect(try await database.checksum("raw_secondary_sales") == before, "a reseed must not add to the data")
            #expect(
                try await database.int("SELECT count(*) FROM raw_secondary_sales")
                    == again.rows(in: "raw_secondary_sales"))

            var other = options
            other.seed = 6
            let failing = FailingDatabase(wrapped: database, failingTable: "raw_primary_invoices__seeding")
            await #expect(throws: WarehouseError.self) {
                try await SampleDataGenerator(options: other).seed(into: failing)
            }
            #expect(try await database.checksum("raw_secondary_sales") == before, "a failed seed lost the old data")
            let leftovers = try await database.int(
                "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE '%seeding'")
            #expect(leftovers == 0, "a failed seed left its half-loaded tables behind")
            try await database.close()
        }
    }
}

/// A database whose bulk loads into one table fail, as a full disk would.
struct FailingDatabase: Database {
    let wrapped: any Database
    let failingTable: String

    var dialect: SQLDialect { wrapped.dialect }

    func query(_ sql: String, _ binds: [Value]) async throws -> ResultSet { try await wrapped.query(sql, binds) }

    func execute(_ sql: String, _ binds: [Value]) async throws -> Int { try await wrapped.execute(sql, binds) }

    func bulkLoad(into table: String, columns: [String], rows: [[Value]]) async throws -> Int {
        guard table != failingTable else { throw WarehouseError(.bulkLoadFailed, "disk full") }
        return try await wrapped.bulkLoad(into: table, columns: columns, rows: rows)
    }

    func transaction(_ statements: [Statement]) async throws { try await wrapped.transaction(statements) }

    func close() async throws { try await wrapped.close() }
}
