import CDuckDB
import Synchronization

/// Owns one `duckdb_database` and closes it exactly once.
///
/// `@unchecked Sendable`: a `duckdb_database` may be used from any thread to create
/// connections (DuckDB guards its instance internally); the only mutable state, the
/// pointer itself, is behind a `Mutex`, so `close()` and `deinit` cannot race.
final class DuckDBHandle: @unchecked Sendable {
    // The raw pointer is only read or written under the mutex below.
    private struct Pointer: @unchecked Sendable {
        var database: duckdb_database?
    }

    private let state: Mutex<Pointer>
    let path: String

    /// Opens (or creates) the database file at `path`; `nil` opens an in-memory database.
    init(path: String?, settings: [String: String]) throws {
        var config: duckdb_config?
        guard duckdb_create_config(&config) == DuckDBSuccess else {
            throw WarehouseError(.connectionFailed, "DuckDB could not allocate a configuration")
        }
        defer { duckdb_destroy_config(&config) }
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
            guard duckdb_set_config(config, key, value) == DuckDBSuccess else {
                // Settings may hold credentials (s3_secret_access_key, motherduck_token).
                let shown = Self.looksSecret(key) ? "<redacted>" : "'\(value)'"
                throw WarehouseError(.connectionFailed, "DuckDB rejected setting '\(key)' = \(shown)")
            }
        }
        var db: duckdb_database?
        var error: UnsafeMutablePointer<CChar>?
        let state = duckdb_open_ext(path ?? ":memory:", &db, config, &error)
        guard state == DuckDBSuccess, let db else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            if let error { duckdb_free(error) }
            throw WarehouseError(.connectionFailed, "DuckDB could not open \(path ?? ":memory:"): \(message)")
        }
        self.state = Mutex(Pointer(database: db))
        self.path = path ?? ":memory:"
    }

    /// Whether a setting's name says its value is a credential.
    static func looksSecret(_ key: String) -> Bool {
        let key = key.lowercased()
        return ["secret", "password", "token", "key", "credential"].contains(where: { key.contains($0) })
    }

    /// Opens a new connection to this database.
    func connect() throws -> duckdb_connection {
        try state.withLock { state in
            guard let db = state.database else { throw WarehouseError(.closed, "the DuckDB database \(path) is closed") }
            var connection: duckdb_connection?
            guard duckdb_connect(db, &connection) == DuckDBSuccess, let connection else {
                throw WarehouseError(.connectionFailed, "DuckDB could not open a connection to \(path)")
            }
            return connection
        }
    }

    /// Closes the database; a second call does nothing.
    func close() {
        state.withLock { state in
            guard state.database != nil else { return }
            duckdb_close(&state.database)
            state.database = nil
        }
    }

    var isClosed: Bool { state.withLock { $0.database == nil } }

    deinit { close() }
}
