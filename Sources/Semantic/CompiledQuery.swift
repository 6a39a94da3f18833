public import Warehouse

/// The SQL for a ``CubeQuery`` with its bound parameters and the columns it returns.
///
/// Parameters use one placeholder style per dialect: `?` for DuckDB and SQLite, `$1…` for
/// PostgreSQL, `@P1…` for SQL Server; `binds[i]` is parameter `i + 1`.
public struct CompiledQuery: Sendable, Hashable {
    /// What a result column holds.
    public enum Kind: Sendable, Hashable {
        /// A measure.
        case measure
        /// A dimension.
        case dimension
        /// A time dimension truncated to a granularity.
        case timeDimension(CubeQuery.Granularity)
    }

    /// One output column, in SELECT order.
    public struct Column: Sendable, Hashable {
        /// Cube's label: `Cube.member`, or `Cube.member.granularity` for a time dimension.
        public var name: String
        /// The member as queried (`Cube.member`).
        public var member: String
        /// Measure, dimension or time dimension.
        public var kind: Kind
        /// The member's type (`number`, `string`, `time`, `boolean`, or a measure type).
        public var type: String
    }

    /// The SELECT statement; column aliases are the ``Column/name``s.
    public var sql: String
    /// The values for the placeholders, in order.
    public var binds: [Value]
    /// The output columns.
    public var columns: [Column]
    /// With `total: true`, a statement counting every row of the query ignoring limit and
    /// offset; it uses the same ``binds``.
    public var totalSQL: String?
    /// The pre-aggregation the SQL reads (`Cube.name`), when a rollup answers the query.
    public var usedPreAggregation: String?
}
