/// An error from a warehouse database or its configuration.
///
/// `message` is the engine's own text (safe for an operator, not for an HTTP client:
/// it may quote data). `statement` is the SQL that failed, when there was one.
public struct WarehouseError: Error, Sendable, Hashable {
    /// The class of failure; new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String
        /// The database could not be opened or connected to.
        public static let connectionFailed = Code(raw: "connection_failed")
        /// The engine rejected or failed a statement.
        public static let statementFailed = Code(raw: "statement_failed")
        /// A bound parameter could not be bound (count or type mismatch).
        public static let bindFailed = Code(raw: "bind_failed")
        /// A result column has a type ConvAI does not read.
        public static let unsupportedType = Code(raw: "unsupported_type")
        /// The database was used after it was closed.
        public static let closed = Code(raw: "closed")
        /// A bulk load failed.
        public static let bulkLoadFailed = Code(raw: "bulk_load_failed")
        /// A migration failed or an applied migration was changed afterwards.
        public static let migrationFailed = Code(raw: "migration_failed")
        /// The configuration is missing or malformed.
        public static let invalidConfiguration = Code(raw: "invalid_configuration")
        /// A tenant name that the configuration does not know.
        public static let unknownTenant = Code(raw: "unknown_tenant")
        /// A statement ran longer than the tenant's statement timeout and was stopped
        /// (DuckDB's interrupt, PostgreSQL's `statement_timeout` (57014), SQL Server's
        /// query timeout).
        public static let timeout = Code(raw: "timeout")

        public var description: String { raw }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, in the engine's or the loader's words.
    public var message: String
    /// The statement that failed, if any.
    public var statement: String?
    /// The engine's five-character SQLSTATE (PostgreSQL, SQL Server), when it sent one:
    /// lets a caller tell e.g. `42P01` (no such table) from `57014` (statement timeout).
    public var sqlState: String?
    /// The engine's numeric result code, for engines without SQLSTATE (SQLite's primary
    /// result code, e.g. 1 `SQLITE_ERROR`, 5 `SQLITE_BUSY`, 19 `SQLITE_CONSTRAINT`).
    public var resultCode: Int?

    /// The engine's own error number, severity and state, when it reported them
    /// (SQL Server: 208 "Invalid object name", 18456 "Login failed").
    public var serverError: ServerError?

    /// An engine's numbered error.
    public struct ServerError: Sendable, Hashable {
        /// The engine's error number.
        public var number: Int
        /// The engine's severity (SQL Server: 11–16 user errors, 17+ resource or server faults).
        public var severity: Int
        /// The engine's state, which tells apart places that raise the same number.
        public var state: Int

        /// Makes a server error.
        public init(number: Int, severity: Int, state: Int = 0) {
            self.number = number
            self.severity = severity
            self.state = state
        }
    }

    /// Makes an error.
    public init(
        _ code: Code, _ message: String, statement: String? = nil, sqlState: String? = nil,
        serverError: ServerError? = nil, resultCode: Int? = nil
    ) {
        self.code = code
        self.message = message
        self.statement = statement
        self.sqlState = sqlState
        self.serverError = serverError
        self.resultCode = resultCode
    }
}

extension WarehouseError: CustomStringConvertible {
    /// The message, followed by the statement when there is one (for terminals and logs).
    public var description: String {
        guard let statement else { return message }
        return "\(message)\n  in statement: \(statement)"
    }
}
