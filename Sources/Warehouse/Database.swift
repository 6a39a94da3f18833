/// One tenant's database, whatever the engine: the only way the rest of ConvAI
/// reaches warehouse data.
///
/// Every user-supplied value travels in `binds`, never inside `sql`. Implementations
/// are safe to call from many tasks at once.
public protocol Database: Sendable {
    /// The SQL dialect the engine speaks.
    var dialect: SQLDialect { get }

    /// Runs one statement with positional parameters (`?` or `$1` per dialect) and reads
    /// its whole result.
    func query(_ sql: String, _ binds: [Value]) async throws -> ResultSet

    /// Runs DDL or DML (several statements are allowed when there are no binds) and
    /// returns the number of rows changed by the last statement.
    @discardableResult
    func execute(_ sql: String, _ binds: [Value]) async throws -> Int

    /// Loads rows into an existing table by the engine's fastest bulk path.
    /// `rows` must each have one value per entry in `columns`. Returns the rows loaded.
    @discardableResult
    func bulkLoad(into table: String, columns: [String], rows: [[Value]]) async throws -> Int

    /// Runs the statements in order inside one transaction on one connection: all of
    /// them take effect or none does.
    func transaction(_ statements: [Statement]) async throws

    /// Closes the database; later calls fail with ``WarehouseError/Code/closed``.
    func close() async throws
}

extension Database {
    /// Runs a query without parameters.
    public func query(_ sql: String) async throws -> ResultSet {
        try await query(sql, [])
    }

    /// Runs DDL or DML without parameters.
    @discardableResult
    public func execute(_ sql: String) async throws -> Int {
        try await execute(sql, [])
    }
}

/// One SQL statement and its bound parameters.
public struct Statement: Sendable, Hashable {
    /// The SQL text; without binds it may hold several statements separated by `;`.
    public var sql: String
    /// Positional parameters.
    public var binds: [Value]

    /// Makes a statement.
    public init(_ sql: String, _ binds: [Value] = []) {
        self.sql = sql
        self.binds = binds
    }
}
