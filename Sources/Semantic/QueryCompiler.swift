public import Warehouse

/// Compiles a ``CubeQuery`` against a ``DataModel`` into SQL for one dialect.
///
/// Identifiers come only from the model and are quoted with ``SQLDialect/quoteIdentifier(_:)``;
/// every value from the query travels as a bound parameter. When measures of a cube would be
/// multiplied by a join (the cube sits on the "one" side of a one-to-many hop), each measure
/// cube is aggregated in its own subquery grouped by the query's dimensions and the
/// subqueries are joined on those dimensions, as Cube does for multiplied measures.
///
/// Placeholders: `?` for DuckDB and SQLite, `$1…` for PostgreSQL, `@P1…` for SQL Server.
/// LIMIT and OFFSET are checked integers and are written as literals. Date bounds are bound
/// as dates: a day `d` is included as `x >= d AND x < d + 1`, so timestamps on the last day count.
public struct QueryCompiler: Sendable {
    /// The model queries are checked against.
    public let model: DataModel
    /// The SQL dialect to write.
    public let dialect: SQLDialect
    /// Cube's default row limit.
    public static let defaultLimit = 10_000
    /// Cube's maximum row limit.
    public static let maximumLimit = 50_000

    /// Makes a compiler.
    public init(model: DataModel, dialect: SQLDialect) {
        self.model = model
        self.dialect = dialect
    }

    /// Compiles `query`; relative date ranges are resolved against `asOf` (today, UTC).
    public func compile(_ query: CubeQuery, asOf: SQLDate) throws -> CompiledQuery {
        if let compared = query.timeDimensions.first(where: { $0.compareDateRange != nil }) {
            throw SemanticError(
                .invalidQuery, member: compared.dimension,
                "a compareDateRange query is several queries; compile each of comparedQueries()")
        }
        var builder = QueryBuilder(model: model, dialect: dialect, query: query, today: asOf)
        return try builder.build()
    }
}
