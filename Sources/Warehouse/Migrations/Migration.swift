public import Foundation

/// One versioned schema change, read from a `.sql` file.
public struct Migration: Sendable, Hashable {
    /// Applied in ascending order; recorded in `schema_migrations`.
    public var version: Int
    /// A short name from the file name.
    public var name: String
    /// The SQL script (may hold several statements).
    public var sql: String

    /// Makes a migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// A fingerprint of the script, stored when applied, so that an edit to an applied
    /// migration is caught instead of silently diverging schemas. (FNV-1a, 64 bits: this
    /// detects edits, it is not a security boundary.)
    public var checksum: String { String(fnv1a64(sql), radix: 16).leftPadded(16) }

    /// Reads the migrations for `dialect` from a `database/` folder:
    /// `schema_<engine>.sql` is version 1, and `migrations/<engine>/NNNN_name.sql`
    /// files add later versions, where `<engine>` is ``SQLDialect/fileStem``
    /// (`duckdb`, `postgresql`, …).
    public static func load(from directory: URL, dialect: SQLDialect) throws -> [Migration] {
        let schema = directory.appendingPathComponent("schema_\(dialect.fileStem).sql")
        guard let schemaSQL = try? String(contentsOf: schema, encoding: .utf8) else {
            throw WarehouseError(.migrationFailed, "the schema file \(schema.path) is missing or unreadable")
        }
        var migrations = [Migration(version: 1, name: "schema", sql: schemaSQL)]
        let folder = directory.appendingPathComponent("migrations").appendingPathComponent(dialect.fileStem)
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for file in files.sorted() where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            let digits = stem.prefix(while: \.isNumber)
            guard let version = Int(digits), version > 1, stem.dropFirst(digits.count).first == "_" else {
                throw WarehouseError(
                    .migrationFailed,
                    "migration file \(folder.path)/\(file) must be named NNNN_name.sql with NNNN above 1")
            }
            if let clash = migrations.first(where: { $0.version == version }) {
                throw WarehouseError(
                    .migrationFailed, "migration \(file) reuses version \(version) of '\(clash.name)'")
            }
            let sql = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem.dropFirst(digits.count + 1)), sql: sql))
        }
        return migrations.sorted { $0.version < $1.version }
    }
}

/// FNV-1a (64 bits) of a text's UTF-8: stable across runs and machines (Swift's Hasher is
/// not), for fingerprints stored in databases.
public func fnv1a64(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
}
