/// The SQL dialect of a warehouse engine.
public enum SQLDialect: String, Sendable, Hashable, CaseIterable, Codable {
    case duckdb, postgres, sqlserver, sqlite

    /// Quotes an identifier that comes from the data model or the configuration
    /// (never from a user): `"name"` or `[name]`, with the quote character doubled.
    public func quoteIdentifier(_ name: String) -> String {
        switch self {
        case .sqlserver: return "[" + name.replacing("]", with: "]]") + "]"
        default: return "\"" + name.replacing("\"", with: "\"\"") + "\""
        }
    }

    /// Quotes a possibly schema-qualified name such as `main.fact_sales_transactions`.
    public func quoteQualifiedName(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false).map { quoteIdentifier(String($0)) }
            .joined(separator: ".")
    }
}

extension SQLDialect {
    /// The schema new tables land in when none is named.
    public var defaultSchema: String {
        switch self {
        case .duckdb: return "main"
        case .postgres: return "public"
        case .sqlserver: return "dbo"
        case .sqlite: return "main"
        }
    }
}

extension SQLDialect {
    /// The engine's name in file names (`database/schema_<stem>.sql`), as DESIGN.md
    /// names them: `postgresql` and `mssql` rather than the dialects' short names.
    public var fileStem: String {
        switch self {
        case .postgres: return "postgresql"
        case .sqlserver: return "mssql"
        case .duckdb, .sqlite: return rawValue
        }
    }

    /// The marker of the `index`-th (1-based) bound parameter: `$1` for PostgreSQL, `@P1`
    /// for SQL Server (sp_executesql's names), `?` for DuckDB and SQLite.
    public func parameterMarker(_ index: Int) -> String {
        switch self {
        case .postgres: return "$\(index)"
        case .sqlserver: return "@P\(index)"
        case .duckdb, .sqlite: return "?"
        }
    }
}
