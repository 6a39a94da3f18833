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

    /// The row-level security applied to every query compiled, if any.
    public let restriction: RowLevelRestriction?
    /// The largest `limit` a query may ask for: Cube's maximum for queries from outside;
    /// ConvAI's own bulk reads (the insight generator reads a year of daily rows at once)
    /// raise it.
    public let maximumRows: Int

    /// Makes a compiler; with a `restriction`, every query is first narrowed to its territory
    /// (see ``RowLevelSecurity/restrict(_:to:in:)``), so the SQL and the total SQL carry the filter.
    public init(
        model: DataModel, dialect: SQLDialect, restriction: RowLevelRestriction? = nil,
        maximumRows: Int = QueryCompiler.maximumLimit
    ) {
        self.model = model
        self.dialect = dialect
        self.restriction = restriction
        self.maximumRows = maximumRows
    }

    /// Compiles `query`; relative date ranges are resolved against `asOf` (today, UTC).
    public func compile(_ query: CubeQuery, asOf: SQLDate) throws -> CompiledQuery {
        if let compared = query.timeDimensions.first(where: { $0.compareDateRange != nil }) {
            throw SemanticError(
                .invalidQuery, member: compared.dimension,
                "a compareDateRange query is several queries; compile each of comparedQueries()")
        }
        var restricted = query
        if let restriction {
            restricted = try restriction.rules.restrict(query, to: restriction.territory, in: model)
        }
        var builder = QueryBuilder(model: model, dialect: dialect, query: restricted, today: asOf, maximumRows: maximumRows)
        return try builder.build()
    }
}
