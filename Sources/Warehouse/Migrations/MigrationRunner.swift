public import Logging

/// Applies pending migrations in order, each in its own transaction together with its
/// row in `schema_migrations`; running it again changes nothing.
public struct MigrationRunner: Sendable {
    /// What a run did.
    public struct Report: Sendable, Hashable {
        /// Versions applied by this run.
        public var applied: [Int]
        /// Versions that were already applied.
        public var alreadyApplied: [Int]
    }

    let database: any Database
    let migrations: [Migration]
    let logger: Logger

    /// Makes a runner for one database.
    public init(database: any Database, migrations: [Migration], logger: Logger) {
        self.database = database
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Applies every migration not yet recorded; fails when an applied one was edited.
    public func run() async throws -> Report {
        // T-SQL has no CREATE TABLE IF NOT EXISTS and spells binds @P1…; the other
        // engines share the portable spelling.
        let isSQLServer = database.dialect == .sqlserver
        try await database.execute(
            isSQLServer
                ? """
                IF OBJECT_ID(N'schema_migrations', N'U') IS NULL
                CREATE TABLE schema_migrations (
                    version INT NOT NULL PRIMARY KEY,
                    name NVARCHAR(200) NOT NULL,
                    checksum VARCHAR(32) NOT NULL,
                    applied_at DATETIME2 NOT NULL
                )
                """
                : """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name VARCHAR(200) NOT NULL,
                checksum VARCHAR(32) NOT NULL,
                applied_at TIMESTAMP NOT NULL
            )
            """)
        let rows = try await database.query("SELECT version, checksum FROM schema_migrations ORDER BY version")
        var applied: [Int: String] = [:]
        for row in rows.rows {
            if let version = row[0].intValue, let checksum = row[1].stringValue { applied[Int(version)] = checksum }
        }
        var report = Report(applied: [], alreadyApplied: [])
        for migration in migrations {
            if let checksum = applied[migration.version] {
                guard checksum == migration.checksum else {
                    throw WarehouseError(
                        .migrationFailed,
                        "migration \(migration.version) (\(migration.name)) was changed after it was applied; "
                            + "add a new migration instead of editing an applied one")
                }
                report.alreadyApplied.append(migration.version)
                continue
            }
            logger.info(
                "applying migration",
                metadata: ["migration.version": "\(migration.version)", "migration.name": "\(migration.name)"])
            do {
                try await database.transaction([
                    Statement(migration.sql),
                    Statement(
                        "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ("
                            + (1...3).map(database.dialect.parameterMarker).joined(separator: ", ")
                            + ", current_timestamp)",
                        [.int(Int64(migration.version)), .string(migration.name), .string(migration.checksum)]),
                ])
            } catch let error as WarehouseError {
                throw WarehouseError(
                    .migrationFailed, "migration \(migration.version) (\(migration.name)) failed: \(error.message)",
                    statement: error.statement)
            }
            report.applied.append(migration.version)
        }
        return report
    }
}
