import Foundation
import Logging
import Testing
import Warehouse

@Suite("Migrations")
struct MigrationRunnerTests {
    static let projectDatabaseFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("database")

    func tables(_ db: any Database) async throws -> [String] {
        try await db.query("SELECT table_name FROM information_schema.tables ORDER BY table_name").rows
            .compactMap { $0[0].stringValue }
    }

    @Test("the warehouse schema applies once; a second run changes nothing")
    func idempotent() async throws {
        let db = try DuckDBDatabase(configuration: .init())
        let migrations = try Migration.load(from: Self.projectDatabaseFolder, dialect: .duckdb)
        let runner = MigrationRunner(database: db, migrations: migrations, logger: Logger(label: "test"))

        let first = try await runner.run()
        #expect(first.applied == [1, 2])
        let tablesAfterFirst = try await tables(db)
        #expect(
            tablesAfterFirst == [
                "dim_account", "dim_customer", "dim_date", "dim_product", "dim_sales_hierarchy", "dim_transaction_type",
                "etl_transform_runs", "fact_primary_sales", "fact_sales_transactions", "schema_migrations",
            ])
        try await db.execute("INSERT INTO dim_transaction_type VALUES (1, 'SALE', 'Sale', 1)")

        let second = try await runner.run()
        #expect(second.applied.isEmpty)
        #expect(second.alreadyApplied == [1, 2])
        #expect(try await tables(db) == tablesAfterFirst)
        #expect(try await db.query("SELECT count(*) FROM schema_migrations").scalar == .int(2))
        #expect(try await db.query("SELECT count(*) FROM dim_transaction_type").scalar == .int(1))
        try await db.close()
    }

    @Test("an edited applied migration is refused; a failed one leaves no trace")
    func editedAndFailing() async throws {
        let db = try DuckDBDatabase(configuration: .init())
        let logger = Logger(label: "test")
        let v1 = Migration(version: 1, name: "one", sql: "CREATE TABLE a (x INTEGER)")
        _ = try await MigrationRunner(database: db, migrations: [v1], logger: logger).run()

        let edited = Migration(version: 1, name: "one", sql: "CREATE TABLE a (x BIGINT)")
        let error = await #expect(throws: WarehouseError.self) {
            try await MigrationRunner(database: db, migrations: [edited], logger: logger).run()
        }
        #expect(error?.message.contains("was changed after it was applied") == true)

        let broken = Migration(version: 2, name: "broken", sql: "CREATE TABLE b (y INTEGER); CREATE TABLE a (x INTEGER)")
        let failure = await #expect(throws: WarehouseError.self) {
            try await MigrationRunner(database: db, migrations: [v1, broken], logger: logger).run()
        }
        #expect(failure?.code == .migrationFailed)
        #expect(failure?.message.contains("migration 2 (broken) failed") == true)
        #expect(try await tables(db).contains("b") == false)
        #expect(try await db.query("SELECT max(version) FROM schema_migrations").scalar == .int(1))
        try await db.close()
    }

    @Test("migration files load in version order and bad names are refused")
    func loading() async throws {
        try await withTemporaryDirectory { folder throws in
            try "CREATE TABLE s (x INTEGER);".write(to: folder.appendingPathComponent("schema_duckdb.sql"), atomically: true, encoding: .utf8)
            let extra = folder.appendingPathComponent("migrations/duckdb")
            try FileManager.default.createDirectory(at: extra, withIntermediateDirectories: true)
            try "ALTER TABLE s ADD COLUMN z INTEGER;".write(to: extra.appendingPathComponent("0003_add_z.sql"), atomically: true, encoding: .utf8)
            try "CREATE TABLE t (y INTEGER);".write(to: extra.appendingPathComponent("0002_add_t.sql"), atomically: true, encoding: .utf8)
            let migrations = try Migration.load(from: folder, dialect: .duckdb)
            #expect(migrations.map(\.version) == [1, 2, 3])
            #expect(migrations.map(\.name) == ["schema", "add_t", "add_z"])

            try "".write(to: extra.appendingPathComponent("oops.sql"), atomically: true, encoding: .utf8)
            #expect(throws: WarehouseError.self) { try Migration.load(from: folder, dialect: .duckdb) }
        }
    }
}
