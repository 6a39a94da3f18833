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

    /// The rollups built and fresh in the tenant's database, in preference order; a query
    /// one of them answers exactly is read from it (``CompiledQuery/usedPreAggregation``).
    public let rollups: [PreAggregation]
    /// The model with each cube whose `original_sql` pre-aggregation is built read from its
    /// table instead of running the cube's SQL again.
    let readingModel: DataModel

    /// Makes a compiler; with a `restriction`, every query is first narrowed to its territory
    /// (see ``RowLevelSecurity/restrict(_:to:in:)``), so the SQL and the total SQL carry the filter.
    public init(
        model: DataModel, dialect: SQLDialect, restriction: RowLevelRestriction? = nil,
        maximumRows: Int = QueryCompiler.maximumLimit, rollups: [PreAggregation] = []
    ) {
        self.model = model
        self.dialect = dialect
        self.restriction = restriction
        self.maximumRows = maximumRows
        self.rollups = rollups
        var reading = model
        for preAggregation in rollups where preAggregation.kind == .originalSQL && reading.cubes[preAggregation.cube] != nil {
            reading.cubes[preAggregation.cube]!.source = .table(preAggregation.tableName)
        }
        self.readingModel = reading
    }

    /// The SELECT that fills an `original_sql` pre-aggregation's table: the cube's own SQL.
    public func originalSQL(of preAggregation: PreAggregation) throws -> String {
        guard let cube = model.cubes[preAggregation.cube], case .sql(let template) = cube.source else {
            throw SemanticError(.invalidQuery, "pre-aggregation \(preAggregation.id): original_sql needs a cube defined by sql:")
        }
        let builder = QueryBuilder(model: model, dialect: dialect, query: CubeQuery(), today: SQLDate(daysSinceEpoch: 0))
        return builder.render(template, aggregated: false)
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
        let model = readingModel
        var builder = QueryBuilder(model: model, dialect: dialect, query: restricted, today: asOf, maximumRows: maximumRows)
        var compiled = try builder.build()
        if model.cubes.contains(where: { $0.value.source != self.model.cubes[$0.key]?.source }) {
            compiled.usedPreAggregation = rollups.first { $0.kind == .originalSQL && compiled.sql.contains(dialect.quoteIdentifier($0.tableName)) }?.id
        }
        guard !rollups.isEmpty,
            let (rollup, reading) = RollupMatcher(model: model, dialect: dialect, today: asOf).match(restricted, among: rollups)
        else { return compiled }
        // Compiled against the raw tables first: the same checks and errors, and the
        // columns' types as the model declares them.
        var fromRollup = QueryBuilder(model: reading, dialect: dialect, query: restricted, today: asOf, maximumRows: maximumRows)
        // A gap in the reading model (a number measure naming a raw column) must not fail a
        // query the raw tables answer.
        guard var result = try? fromRollup.build() else { return compiled }
        result.columns = compiled.columns
        result.usedPreAggregation = rollup.id
        return result
    }

    /// The SELECT that fills `rollup`'s table: its measures by its dimensions and time
    /// dimension at its granularity, every row, unordered, column aliases as the members'
    /// (`Cube.member`, `Cube.time.day`), optionally only one partition's days (or, `undated`,
    /// only the rows without a time). Never
    /// restricted: a rollup holds the whole tenant, and each query read from it gets its
    /// caller's territory filter.
    public func materialization(
        of rollup: PreAggregation, partition: (from: SQLDate, to: SQLDate)? = nil, undated: Bool = false
    ) throws -> CompiledQuery {
        var query = CubeQuery(measures: rollup.measures, dimensions: rollup.dimensions)
        if let time = rollup.timeDimension {
            query.timeDimensions = [
                .init(
                    dimension: time, granularity: rollup.granularity,
                    dateRange: partition.map { .absolute($0.from.description, $0.to.description) })
            ]
            // The rows no partition holds.
            if undated { query.filters = [.member(time, .notSet, [])] }
        }
        var builder = QueryBuilder(model: model, dialect: dialect, query: query, today: partition?.to ?? SQLDate(daysSinceEpoch: 0))
        builder.materializes = true
        return try builder.build()
    }

    /// `SELECT MIN(t), MAX(t) FROM <cube>` for a rollup's time dimension `t`, on the raw table:
    /// the days the rollup's partitions must cover.
    public func timeBoundsSQL(of rollup: PreAggregation) throws -> String {
        guard let time = rollup.timeDimension else {
            throw SemanticError(.invalidQuery, "pre-aggregation \(rollup.id) has no time dimension")
        }
        let builder = QueryBuilder(model: model, dialect: dialect, query: CubeQuery(), today: SQLDate(daysSinceEpoch: 0))
        let ref = try builder.dimensionRef(time, context: "time dimension")
        let column = builder.dimensionSQL(cube: ref.cube, name: ref.member)
        return "SELECT MIN(\(column)), MAX(\(column)) " + builder.from(root: ref.cube, joins: [])
    }
}
