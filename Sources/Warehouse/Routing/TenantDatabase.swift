import Synchronization

/// A count of statements under way, shared by every handle of one tenant's database.
final class InFlightCounter: Sendable {
    private let count = Atomic<Int>(0)
    func enter() { count.add(1, ordering: .relaxed) }
    func leave() { count.subtract(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}

/// A tenant's database as the router hands it out: every error names the tenant and the
/// engine, so that an operator reading "wrong password" or "connection refused" in a log,
/// a CLI or an API answer knows at once whose database it is.
struct TenantDatabase: Database {
    let tenant: String
    let engine: DatabaseConfiguration.Engine
    let base: any Database
    /// Statements running now, for the pool-usage gauge.
    let inFlight: InFlightCounter

    var dialect: SQLDialect { base.dialect }

    func query(_ sql: String, _ binds: [Value]) async throws -> ResultSet {
        try await naming { try await base.query(sql, binds) }
    }

    func execute(_ sql: String, _ binds: [Value]) async throws -> Int {
        try await naming { try await base.execute(sql, binds) }
    }

    func bulkLoad(into table: String, columns: [String], rows: [[Value]]) async throws -> Int {
        try await naming { try await base.bulkLoad(into: table, columns: columns, rows: rows) }
    }

    func transaction(_ statements: [Statement]) async throws {
        try await naming { try await base.transaction(statements) }
    }

    func close() async throws {
        try await naming { try await base.close() }
    }

    private func naming<T>(_ body: () async throws -> T) async throws -> T {
        inFlight.enter()
        defer { inFlight.leave() }
        do {
            return try await body()
        } catch var error as WarehouseError {
            error.message = "tenant \(tenant) (\(engine.rawValue)): " + error.message
            throw error
        }
    }
}
