public import Foundation
public import Warehouse

/// Builds and refreshes a tenant's rollups as tables in the tenant's own database.
///
/// A rollup with a time dimension and a `partition_granularity` is built partition by
/// partition: each partition's rows are replaced in one transaction (delete the partition's
/// days, insert them from the raw tables, record the build), so readers never see half a
/// partition. An incremental refresh rebuilds only the partitions within the refresh key's
/// `update_window` of the newest data, and any partition not built yet. What was built, when,
/// and from which definition is kept in `convai_preaggregation_partitions`; a changed
/// definition rebuilds the table from scratch.
public struct PreAggregationRefresher: Sendable {
    /// The table that records built partitions.
    public static let stateTable = "convai_preaggregation_partitions"

    public let model: DataModel
    public let database: any Database
    private let compiler: QueryCompiler

    /// Makes a refresher for one tenant's model and database.
    public init(model: DataModel, database: any Database) {
        self.model = model
        self.database = database
        self.compiler = QueryCompiler(model: model, dialect: database.dialect, maximumRows: .max)
        let all = model.cubeNames.flatMap { model.cubes[$0]!.preAggregations }
        self.rollups = all.filter { $0.kind == .originalSQL } + all.filter { $0.kind == .rollup }
    }

    /// Every pre-aggregation of the model: the `original_sql` ones, then the rollups, each
    /// in declaration order.
    public let rollups: [PreAggregation]

    /// What one refresh did to one rollup.
    public struct Report: Sendable {
        /// `Cube.name`.
        public var id: String
        /// The partitions rebuilt.
        public var rebuilt: [Partition]
        /// The partitions left as they were.
        public var kept: Int
        /// The rows in the rollup's table afterwards.
        public var rows: Int
    }

    /// Refreshes `rollup`: every partition when `full`, else incrementally; `progress` hears
    /// each partition as it is built.
    public func refresh(_ rollup: PreAggregation, full: Bool = false, progress: @Sendable (String) -> Void = { _ in }) async throws -> Report {
        if rollup.kind == .originalSQL { return try await refreshOriginalSQL(rollup, progress: progress) }
        let dialect = database.dialect
        let q = dialect.quoteIdentifier
        let table = q(rollup.tableName)
        try await createStateTable()
        let build = try compiler.materialization(of: rollup)
        let definition = Self.fingerprint(build.sql)
        let known = try await database.query(
            "SELECT partition_start, definition FROM \(q(Self.stateTable)) WHERE preaggregation = \(dialect.parameterMarker(1))",
            [.string(rollup.id)])
        let builtStarts = Set(known.rows.compactMap { row -> SQLDate? in
            guard row.count == 2, row[1].stringValue == definition else { return nil }
            return row[0].dateValue
        })
        let fresh = !builtStarts.isEmpty && builtStarts.count == known.rows.count
        if !fresh {
            // New, or built from another definition: start over.
            progress("\(rollup.id): creating \(rollup.tableName)")
            try await database.transaction([
                Statement(dropTable(table)),
                Statement(createTable(table, from: build.sql, empty: true), build.binds),
                Statement("DELETE FROM \(q(Self.stateTable)) WHERE preaggregation = \(dialect.parameterMarker(1))", [.string(rollup.id)]),
            ])
        }
        var partitions = [Self.wholeTable]
        var newest: SQLDate?
        if rollup.timeDimension != nil {
            let bounds = try await database.query(try compiler.timeBoundsSQL(of: rollup))
            guard let row = bounds.rows.first, let first = row[0].dateValue, let last = row[1].dateValue else {
                // No rows at all: the empty table is the rollup.
                return try await finish(rollup, rebuilt: [], kept: 0, definition: definition, record: fresh ? nil : Self.wholeTable)
            }
            newest = last
            partitions = Partition.covering(from: first, to: last, by: rollup.partitionGranularity)
        }
        let windowStart = newest.map { $0.adding(days: -(rollup.refreshKey.updateWindowDays ?? 0)) }
        var rebuilt: [Partition] = []
        var kept = 0
        let stamp = Self.milliseconds(Date())
        for partition in partitions {
            let isBuilt = fresh && builtStarts.contains(partition.from)
            let inWindow = windowStart.map { partition.to >= $0 } ?? true
            if isBuilt && !full && rollup.refreshKey.incremental && !inWindow {
                kept += 1
                continue
            }
            let started = ContinuousClock.now
            try await database.transaction(try partitionStatements(rollup, table: table, partition: rollup.timeDimension == nil ? nil : partition, definition: definition, stamp: stamp))
            rebuilt.append(partition)
            progress("\(rollup.id): partition \(rollup.timeDimension == nil ? "all" : partition.description) built in \(Int((ContinuousClock.now - started) / .milliseconds(1))) ms (\(rebuilt.count + kept)/\(partitions.count))")
        }
        if let time = rollup.timeDimension {
            // Rows without a time fall in no partition; they are kept apart, rebuilt each time.
            let column = dialect.quoteIdentifier(QueryBuilder.alias(of: time, granularity: rollup.granularity))
            let undated = try compiler.materialization(of: rollup, undated: true)
            try await database.transaction([
                Statement("DELETE FROM \(table) WHERE \(column) IS NULL"),
                Statement("INSERT INTO \(table) SELECT * FROM (\(undated.sql)) AS \(dialect.quoteIdentifier("q"))", undated.binds),
            ])
        }
        // The mark of a complete build: until it is written, a table rebuilt from scratch is
        // missing partitions and no query may read it.
        return try await finish(rollup, rebuilt: rebuilt, kept: kept, definition: definition, record: Self.wholeTable)
    }

    /// The cube's SQL as a table, replaced whole in one transaction.
    private func refreshOriginalSQL(_ preAggregation: PreAggregation, progress: @Sendable (String) -> Void) async throws -> Report {
        try await createStateTable()
        let q = database.dialect.quoteIdentifier
        let select = try compiler.originalSQL(of: preAggregation)
        let table = q(preAggregation.tableName)
        let started = ContinuousClock.now
        try await database.transaction(
            [Statement(dropTable(table)), Statement(createTable(table, from: select))]
                + recordStatements(preAggregation, partition: Self.wholeTable, definition: Self.fingerprint(select), stamp: Self.milliseconds(Date())))
        progress("\(preAggregation.id): \(preAggregation.tableName) built in \(Int((ContinuousClock.now - started) / .milliseconds(1))) ms")
        return try await finish(preAggregation, rebuilt: [Self.wholeTable], kept: 0, definition: "", record: nil)
    }

    private func finish(_ rollup: PreAggregation, rebuilt: [Partition], kept: Int, definition: String, record: Partition?) async throws -> Report {
        let q = database.dialect.quoteIdentifier
        if let record {
            try await database.transaction(recordStatements(rollup, partition: record, definition: definition, stamp: Self.milliseconds(Date())))
        }
        let count = try await database.query("SELECT COUNT(*) FROM \(q(rollup.tableName))")
        return Report(id: rollup.id, rebuilt: rebuilt, kept: kept, rows: Int(count.rows.first?.first?.intValue ?? 0))
    }

    /// Each rollup whose table is built from its current definition, with the time of its
    /// last build (the refresh key's value): the rollups queries may be read from.
    /// Only reads: a database no rollup was ever built in is left as it is.
    public func builtRollups() async throws -> [(rollup: PreAggregation, refreshedAt: Date)] {
        guard !rollups.isEmpty, try await stateTableExists() else { return [] }
        let q = database.dialect.quoteIdentifier
        let state = try await database.query("SELECT preaggregation, definition, built_at_ms, partition_start FROM \(q(Self.stateTable))")
        var result: [(PreAggregation, Date)] = []
        for rollup in rollups {
            let definition = Self.fingerprint(
                rollup.kind == .originalSQL ? try compiler.originalSQL(of: rollup) : try compiler.materialization(of: rollup).sql)
            let rows = state.rows.filter { $0[0].stringValue == rollup.id }
            guard rows.contains(where: { $0[3].dateValue == Self.wholeTable.from }), rows.allSatisfy({ $0[1].stringValue == definition })
            else { continue }
            let latest = rows.compactMap { $0[2].intValue }.max() ?? 0
            result.append((rollup, Date(timeIntervalSince1970: Double(latest) / 1000)))
        }
        return result
    }

    // MARK: Statements

    private func partitionStatements(_ rollup: PreAggregation, table: String, partition: Partition?, definition: String, stamp: Int64) throws -> [Statement] {
        let dialect = database.dialect
        let build = try compiler.materialization(of: rollup, partition: partition.map { ($0.from, $0.to) })
        // Binds of the build SELECT come first in the INSERT; the DELETE has its own.
        var statements: [Statement] = []
        if let partition, let time = rollup.timeDimension {
            let column = dialect.quoteIdentifier(QueryBuilder.alias(of: time, granularity: rollup.granularity))
            statements.append(Statement(
                "DELETE FROM \(table) WHERE \(column) >= \(dialect.parameterMarker(1)) AND \(column) < \(dialect.parameterMarker(2))",
                [.date(partition.from), .date(partition.to.adding(days: 1))]))
        } else {
            statements.append(Statement("DELETE FROM \(table)"))
        }
        statements.append(Statement("INSERT INTO \(table) SELECT * FROM (\(build.sql)) AS \(dialect.quoteIdentifier("q"))", build.binds))
        statements += recordStatements(rollup, partition: partition ?? Self.wholeTable, definition: definition, stamp: stamp)
        return statements
    }

    /// The partition's old record goes and the new one comes, in the caller's transaction.
    private func recordStatements(_ rollup: PreAggregation, partition: Partition, definition: String, stamp: Int64) -> [Statement] {
        let d = database.dialect
        let q = d.quoteIdentifier
        let m = d.parameterMarker
        return [
            Statement(
                "DELETE FROM \(q(Self.stateTable)) WHERE preaggregation = \(m(1)) AND partition_start = \(m(2))",
                [.string(rollup.id), .date(partition.from)]),
            Statement(
                "INSERT INTO \(q(Self.stateTable)) (preaggregation, partition_start, partition_end, built_at_ms, definition) VALUES (\(m(1)), \(m(2)), \(m(3)), \(m(4)), \(m(5)))",
                [.string(rollup.id), .date(partition.from), .date(partition.to), .int(stamp), .string(definition)]),
        ]
    }

    private func stateTableExists() async throws -> Bool {
        let marker = database.dialect.parameterMarker(1)
        let sql =
            database.dialect == .sqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = \(marker)"
            : "SELECT COUNT(*) FROM information_schema.tables WHERE table_name = \(marker)"
        return (try await database.query(sql, [.string(Self.stateTable)]).scalar?.intValue ?? 0) > 0
    }

    private func createStateTable() async throws {
        let q = database.dialect.quoteIdentifier
        let columns = "preaggregation VARCHAR(200) NOT NULL, partition_start DATE NOT NULL, partition_end DATE NOT NULL, built_at_ms BIGINT NOT NULL, definition VARCHAR(32) NOT NULL, PRIMARY KEY (preaggregation, partition_start)"
        switch database.dialect {
        case .sqlserver:
            try await database.execute("IF OBJECT_ID(N'\(Self.stateTable)', N'U') IS NULL CREATE TABLE \(q(Self.stateTable)) (\(columns))")
        default:
            try await database.execute("CREATE TABLE IF NOT EXISTS \(q(Self.stateTable)) (\(columns))")
        }
    }

    private func dropTable(_ quoted: String) -> String {
        database.dialect == .sqlserver
            ? "IF OBJECT_ID(N'\(quoted.dropFirst().dropLast())', N'U') IS NOT NULL DROP TABLE \(quoted)"
            : "DROP TABLE IF EXISTS \(quoted)"
    }

    /// `CREATE TABLE … AS` the select's rows, or only its columns when `empty`.
    private func createTable(_ quoted: String, from select: String, empty: Bool = false) -> String {
        let q = database.dialect.quoteIdentifier("q")
        let rows = empty ? " WHERE 1 = 0" : ""
        return database.dialect == .sqlserver
            ? "SELECT * INTO \(quoted) FROM (\(select)) AS \(q)\(rows)"
            : "CREATE TABLE \(quoted) AS SELECT * FROM (\(select)) AS \(q)\(rows)"
    }

    /// The record of a rollup built as one piece (no time dimension, or no rows yet), and of
    /// a partitioned rollup's complete build.
    static let wholeTable = Partition(from: SQLDate(daysSinceEpoch: 0), to: SQLDate(daysSinceEpoch: 0))

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    /// The build SQL's fingerprint: a changed definition is rebuilt from scratch.
    static func fingerprint(_ text: String) -> String { String(fnv1a64(text), radix: 16) }
}
