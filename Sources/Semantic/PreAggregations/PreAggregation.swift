/// A pre-aggregation of a cube (`pre_aggregations:` in Cube's YAML): a rollup of some of the
/// model's measures by some of its dimensions and, optionally, a time dimension at a
/// granularity, materialized as a table in the tenant's own database and refreshed on a
/// schedule; or `original_sql`, the cube's own SQL materialized.
public struct PreAggregation: Sendable, Hashable {
    /// What is materialized.
    public enum Kind: String, Sendable, Hashable {
        /// Measures grouped by dimensions (and a truncated time dimension).
        case rollup
        /// The cube's `sql:` as a table.
        case originalSQL = "original_sql"
    }

    /// When the materialized data is rebuilt.
    public struct RefreshKey: Sendable, Hashable {
        /// How often, in seconds (`every: 1 hour`); Cube's default is 10 seconds of a
        /// refresh-key query, ConvAI's without a `sql:` is one hour.
        public var everySeconds: Int
        /// With `incremental: true`, a refresh rebuilds only the partitions within
        /// ``updateWindowDays`` of the newest data, not the whole range.
        public var incremental: Bool
        /// The days back from the newest data an incremental refresh rebuilds (`update_window`).
        public var updateWindowDays: Int?

        /// Makes a refresh key.
        public init(everySeconds: Int = 3600, incremental: Bool = false, updateWindowDays: Int? = nil) {
            self.everySeconds = everySeconds
            self.incremental = incremental
            self.updateWindowDays = updateWindowDays
        }
    }

    /// The name, unique within its cube.
    public var name: String
    /// The cube that declares it.
    public var cube: String
    /// Rollup or original SQL.
    public var kind: Kind
    /// The measures, as `Cube.member` (of the declaring cube or of cubes it joins).
    public var measures: [String]
    /// The dimensions, as `Cube.member`.
    public var dimensions: [String]
    /// The time dimension, as `Cube.member`, if any.
    public var timeDimension: String?
    /// The granularity the time dimension is stored at.
    public var granularity: CubeQuery.Granularity?
    /// The time span of one partition (`partition_granularity`), if partitioned.
    public var partitionGranularity: CubeQuery.Granularity?
    /// When it is rebuilt.
    public var refreshKey: RefreshKey

    /// Makes a pre-aggregation; member names are fully qualified (`Cube.member`).
    public init(
        name: String, cube: String, kind: Kind = .rollup, measures: [String] = [], dimensions: [String] = [],
        timeDimension: String? = nil, granularity: CubeQuery.Granularity? = nil,
        partitionGranularity: CubeQuery.Granularity? = nil, refreshKey: RefreshKey = RefreshKey()
    ) {
        self.name = name
        self.cube = cube
        self.kind = kind
        self.measures = measures
        self.dimensions = dimensions
        self.timeDimension = timeDimension
        self.granularity = granularity
        self.partitionGranularity = partitionGranularity
        self.refreshKey = refreshKey
    }

    /// `Cube.name`, as Cube's `usedPreAggregations` names it.
    public var id: String { "\(cube).\(name)" }

    /// The table it is materialized in: `convai_preagg_<cube>_<name>`, lower case so that
    /// every engine keeps the name as written.
    public var tableName: String { "convai_preagg_\(cube)_\(name)".lowercased() }
}
