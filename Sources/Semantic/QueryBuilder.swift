import Warehouse

/// One compilation: resolves the query's members, then writes the SQL with its binds.
struct QueryBuilder {
    let model: DataModel
    let dialect: SQLDialect
    let query: CubeQuery
    let today: SQLDate
    let maximumRows: Int
    /// Every row, unordered: the SELECT that fills a pre-aggregation's table.
    var materializes = false
    private(set) var binds: [Value] = []

    init(
        model: DataModel, dialect: SQLDialect, query: CubeQuery, today: SQLDate,
        maximumRows: Int = QueryCompiler.maximumLimit
    ) {
        self.model = model
        self.dialect = dialect
        self.query = query
        self.today = today
        self.maximumRows = maximumRows
    }

    /// A resolved member reference: the cube member and the name the query used.
    struct Ref: Hashable {
        var name: String
        var cube: String
        var member: String
    }

    /// A selected dimension or time dimension.
    struct DimensionColumn {
        var ref: Ref
        var granularity: CubeQuery.Granularity?
        var alias: String { QueryBuilder.alias(of: ref.name, granularity: granularity) }
    }

    /// The result column of a member (`Orders.createdAt.month` for a time dimension with a
    /// granularity): also the column names of rollup tables, which are built from it.
    static func alias(of member: String, granularity: CubeQuery.Granularity? = nil) -> String {
        granularity.map { "\(member).\($0.rawValue)" } ?? member
    }

    // MARK: Resolution

    func resolve(_ name: String, context: String) throws -> (ref: Ref, slot: Cube.MemberSlot) {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else {
            throw SemanticError(.invalidQuery, member: name, "\(context) '\(name)' must be written Cube.member")
        }
        if let view = model.views[parts[0]], let member = view.member(parts[1]),
            let slot = model.cubes[member.cube]?.slot(member.member)
        {
            return (Ref(name: name, cube: member.cube, member: member.member), slot)
        }
        guard let cube = model.cubes[parts[0]], let slot = cube.slot(parts[1]) else {
            throw SemanticError(.invalidQuery, member: name, "unknown \(context) '\(name)'")
        }
        return (Ref(name: name, cube: parts[0], member: parts[1]), slot)
    }

    func measureRef(_ name: String) throws -> Ref {
        let (ref, slot) = try resolve(name, context: "measure")
        guard case .measure = slot else {
            throw SemanticError(.invalidQuery, member: name, "'\(name)' is not a measure")
        }
        return ref
    }

    func dimensionRef(_ name: String, context: String = "dimension") throws -> Ref {
        let (ref, slot) = try resolve(name, context: context)
        guard case .dimension = slot else {
            throw SemanticError(.invalidQuery, member: name, "'\(name)' is not a dimension")
        }
        return ref
    }

    func dimension(_ ref: Ref) -> Dimension { model.cubes[ref.cube]!.dimension(ref.member)! }
    func measure(_ ref: Ref) -> Measure { model.cubes[ref.cube]!.measure(ref.member)! }

    // MARK: Rendering members

    func cubeAlias(_ cube: String) -> String { dialect.quoteIdentifier(cube) }

    /// A dimension's SQL with references expanded.
    func dimensionSQL(cube: String, name: String) -> String {
        let template = model.cubes[cube]!.dimension(name)!.sql
        return template.render(cubeAlias: cubeAlias) { refCube, refName in
            memberSQL(cube: refCube, name: refName, aggregated: true)
        }
    }

    /// Any member's SQL: dimensions raw, measures aggregated (or raw when ungrouped).
    func memberSQL(cube: String, name: String, aggregated: Bool) -> String {
        guard let owner = model.cubes[cube] else { return "NULL" }
        switch owner.slot(name) {
        case .dimension?: return dimensionSQL(cube: cube, name: name)
        case .measure?:
            return measureSQL(cube: cube, measure: owner.measure(name)!, aggregated: aggregated)
        case .segment(let i)?:
            return "(" + render(owner.segments[i].sql, aggregated: aggregated) + ")"
        case nil: return "NULL"
        }
    }

    func render(_ template: SQLTemplate, aggregated: Bool) -> String {
        template.render(cubeAlias: cubeAlias) { memberSQL(cube: $0, name: $1, aggregated: aggregated) }
    }

    /// A measure as an aggregate expression, filters inside as CASE WHEN (Cube's form).
    func measureSQL(cube: String, measure: Measure, aggregated: Bool) -> String {
        let raw = measure.sql.map { render($0, aggregated: aggregated) }
        if measure.type == .number { return "(" + (raw ?? "NULL") + ")" }
        let condition = measure.filters.map { "(" + render($0, aggregated: false) + ")" }.joined(separator: " AND ")
        var input = raw ?? (measure.type == .count ? "1" : "NULL")
        if !condition.isEmpty { input = "CASE WHEN \(condition) THEN \(input) END" }
        if !aggregated { return input }
        switch measure.type {
        case .count:
            return raw == nil && condition.isEmpty ? "COUNT(*)" : "COUNT(\(input))"
        case .countDistinct: return "COUNT(DISTINCT \(input))"
        case .countDistinctApprox:
            return dialect == .duckdb ? "approx_count_distinct(\(input))" : "COUNT(DISTINCT \(input))"
        case .sum: return "SUM(\(input))"
        case .avg: return "AVG(\(input))"
        case .min: return "MIN(\(input))"
        case .max: return "MAX(\(input))"
        case .number: return input
        }
    }

    /// Every cube whose columns a member's SQL touches (through nested references).
    func cubesUsed(cube: String, name: String, into set: inout [String]) {
        if !set.contains(cube) { set.append(cube) }
        guard let owner = model.cubes[cube] else { return }
        var templates: [SQLTemplate] = []
        switch owner.slot(name) {
        case .dimension(let i)?: templates = [owner.dimensions[i].sql]
        case .measure(let i)?: templates = [owner.measures[i].sql].compactMap { $0 } + owner.measures[i].filters
        case .segment(let i)?: templates = [owner.segments[i].sql]
        case nil: break
        }
        for template in templates {
            for other in template.cubeReferences where !set.contains(other) { set.append(other) }
            for reference in template.memberReferences { cubesUsed(cube: reference.cube, name: reference.name, into: &set) }
        }
    }

    // MARK: Build

    mutating func build() throws -> CompiledQuery {
        if let zone = query.timezone, !["UTC", "Etc/UTC", "GMT"].contains(zone) {
            throw SemanticError(.invalidQuery, "only the UTC timezone is supported, not '\(zone)'")
        }
        let limit = query.limit ?? QueryCompiler.defaultLimit
        guard limit >= 0, limit <= maximumRows else {
            throw SemanticError(
                .invalidQuery, "limit \(limit) is beyond the maximum of \(maximumRows) rows")
        }
        let offset = query.offset ?? 0
        guard offset >= 0 else { throw SemanticError(.invalidQuery, "offset must not be negative") }

        let measures = try query.measures.map(measureRef)
        var dims = try query.dimensions.map { DimensionColumn(ref: try dimensionRef($0), granularity: nil) }
        var dateFilters: [CubeQuery.Filter] = []
        for td in query.timeDimensions {
            let ref = try dimensionRef(td.dimension, context: "time dimension")
            guard dimension(ref).type == .time else {
                throw SemanticError(.invalidQuery, member: td.dimension, "'\(td.dimension)' is not a time dimension")
            }
            if let granularity = td.granularity { dims.append(DimensionColumn(ref: ref, granularity: granularity)) }
            if let range = td.dateRange {
                let (from, to) = try DateRangeResolver(today: today).resolve(range, member: td.dimension)
                dateFilters.append(.member(td.dimension, .inDateRange, [from.description, to.description]))
            }
        }
        let segments = try query.segments.map { name -> Ref in
            let (ref, slot) = try resolve(name, context: "segment")
            guard case .segment = slot else { throw SemanticError(.invalidQuery, member: name, "'\(name)' is not a segment") }
            return ref
        }
        let filters = dateFilters + query.filters
        try filters.forEach { try check($0) }
        if measures.isEmpty && dims.isEmpty {
            throw SemanticError(.invalidQuery, "a query needs at least one measure or dimension")
        }

        var columns = dims.map { column in
            CompiledQuery.Column(
                name: column.alias, member: column.ref.name,
                kind: column.granularity.map { .timeDimension($0) } ?? .dimension,
                type: dimension(column.ref).type.rawValue)
        }
        // Cube lists dimensions (and time dimensions) before measures in its SQL; keep that order.
        columns += measures.map {
            CompiledQuery.Column(name: $0.name, member: $0.name, kind: .measure, type: measure($0).type.rawValue)
        }

        let order = try orderBy(query.order, dims: dims, measures: measures)
        let whereFilters = filters.filter { !isMeasureFilter($0) }
        let havingFilters = filters.filter { isMeasureFilter($0) }

        let measureCubes = unique(measures.map(\.cube))
        var body: String
        if !query.ungrouped, let groups = try multipliedGroups(measures: measures, dims: dims, whereFilters: whereFilters, segments: segments) {
            body = try fanOutBody(groups: groups, dims: dims, whereFilters: whereFilters, havingFilters: havingFilters, segments: segments)
        } else {
            var needed: [String] = measureCubes
            for d in dims { cubesUsed(cube: d.ref.cube, name: d.ref.member, into: &needed) }
            for m in measures { cubesUsed(cube: m.cube, name: m.member, into: &needed) }
            for s in segments { cubesUsed(cube: s.cube, name: s.member, into: &needed) }
            for f in filters { try filterCubes(f, into: &needed) }
            let root = measures.first?.cube ?? dims.first!.ref.cube
            let (treeRoot, joins) = try joinTree(root: root, cubes: needed)
            var select = dims.map { selectDimension($0) }
            select += measures.map {
                measureSQL(cube: $0.cube, measure: measure($0), aggregated: !query.ungrouped) + " AS " + dialect.quoteIdentifier($0.name)
            }
            body = "SELECT " + select.joined(separator: ", ") + "\n" + from(root: treeRoot, joins: joins)
            var conditions = try whereFilters.map { try condition($0, aggregated: false) }
            conditions += segments.map { memberSQL(cube: $0.cube, name: $0.member, aggregated: false) }
            if query.ungrouped {
                conditions += try havingFilters.map { try condition($0, aggregated: false) }
            }
            if !conditions.isEmpty { body += "\nWHERE " + conditions.joined(separator: " AND ") }
            if !query.ungrouped && !dims.isEmpty {
                body += "\nGROUP BY " + dims.map { dimensionExpression($0) }.joined(separator: ", ")
            }
            if !query.ungrouped, !havingFilters.isEmpty {
                body += "\nHAVING " + (try havingFilters.map { try condition($0, aggregated: true) }).joined(separator: " AND ")
            }
        }
        let orderSQL = order.isEmpty ? "" : "\nORDER BY " + order.map { "\(dialect.quoteIdentifier($0.alias)) \($0.direction.rawValue.uppercased())" }.joined(separator: ", ")
        let sql = materializes ? body : body + orderSQL + dialect.limitClause(limit: limit, offset: offset, hasOrder: !order.isEmpty)
        let totalSQL = query.total
            ? "SELECT COUNT(*) AS \(dialect.quoteIdentifier("total")) FROM (\n\(body)\n) AS \(dialect.quoteIdentifier("q"))" : nil
        return CompiledQuery(sql: sql, binds: binds, columns: columns, totalSQL: totalSQL)
    }

    private func unique(_ names: [String]) -> [String] { uniqueNames(names) }

    func dimensionExpression(_ column: DimensionColumn) -> String {
        let sql = dimensionSQL(cube: column.ref.cube, name: column.ref.member)
        return column.granularity.map { dialect.truncate(sql, to: $0) } ?? sql
    }

    func selectDimension(_ column: DimensionColumn) -> String {
        dimensionExpression(column) + " AS " + dialect.quoteIdentifier(column.alias)
    }

    func from(root: String, joins: [Join]) -> String {
        var sql = "FROM " + source(root)
        for join in joins {
            sql += "\nLEFT JOIN " + source(join.to) + " ON " + render(join.sql, aggregated: false)
        }
        return sql
    }

    func source(_ cube: String) -> String {
        switch model.cubes[cube]!.source {
        case .table(let table): return dialect.quoteQualifiedName(table) + " AS " + cubeAlias(cube)
        case .sql(let template): return "(" + render(template, aggregated: false) + ") AS " + cubeAlias(cube)
        }
    }

    /// The root's join tree over `cubes`; falls back to Cube's fewest-joins root.
    func joinTree(root: String, cubes: [String]) throws -> (String, [Join]) {
        if let joins = model.joinGraph.joinTree(root: root, cubes: cubes) { return (root, joins) }
        if let best = model.joinGraph.joinTree(for: unique([root] + cubes)) { return (best.root, best.joins) }
        throw SemanticError(
            .invalidQuery, "cannot join \(unique([root] + cubes).joined(separator: ", ")): no join path connects them")
    }

    // MARK: Fan-out

    /// Measures grouped by cube when a single join would multiply some of them; nil when
    /// one flat query is exact.
    func multipliedGroups(measures: [Ref], dims: [DimensionColumn], whereFilters: [CubeQuery.Filter], segments: [Ref]) throws -> [(cube: String, measures: [Ref])]? {
        let measureCubes = unique(measures.map(\.cube))
        guard !measureCubes.isEmpty else { return nil }
        var needed = measureCubes
        for d in dims { cubesUsed(cube: d.ref.cube, name: d.ref.member, into: &needed) }
        for m in measures { cubesUsed(cube: m.cube, name: m.member, into: &needed) }
        for s in segments { cubesUsed(cube: s.cube, name: s.member, into: &needed) }
        for f in whereFilters { try filterCubes(f, into: &needed) }
        let (root, joins) = try joinTree(root: measureCubes[0], cubes: needed)
        var multiplied = false
        for cube in measureCubes {
            // Seen from the measure cube, a hop on the path from the root back to it is
            // reversed; any hop that then reads one_to_many repeats the cube's rows.
            let path = model.joinGraph.path(from: root, to: cube) ?? []
            let onPath = Set(path.map { "\($0.from)>\($0.to)" })
            for join in joins {
                let relation = onPath.contains("\(join.from)>\(join.to)") ? join.relationship.reversed : join.relationship
                if relation == .oneToMany { multiplied = true }
            }
        }
        guard multiplied else { return nil }
        return measureCubes.map { cube in (cube, measures.filter { $0.cube == cube }) }
    }

    mutating func fanOutBody(groups: [(cube: String, measures: [Ref])], dims: [DimensionColumn], whereFilters: [CubeQuery.Filter], havingFilters: [CubeQuery.Filter], segments: [Ref]) throws -> String {
        var subqueries: [String] = []
        for group in groups {
            var needed = [group.cube]
            for d in dims { cubesUsed(cube: d.ref.cube, name: d.ref.member, into: &needed) }
            for m in group.measures { cubesUsed(cube: m.cube, name: m.member, into: &needed) }
            for s in segments { cubesUsed(cube: s.cube, name: s.member, into: &needed) }
            for f in whereFilters { try filterCubes(f, into: &needed) }
            guard let joins = model.joinGraph.joinTree(root: group.cube, cubes: needed) else {
                throw SemanticError(
                    .invalidQuery, member: group.measures[0].name,
                    "measures of \(group.cube) would be multiplied by the joins of this query and \(group.cube) cannot reach \(needed.filter { $0 != group.cube }.joined(separator: ", ")) to be aggregated on its own")
            }
            var select = dims.map { selectDimension($0) }
            select += group.measures.map {
                measureSQL(cube: $0.cube, measure: measure($0), aggregated: true) + " AS " + dialect.quoteIdentifier($0.name)
            }
            var sql = "SELECT " + select.joined(separator: ", ") + "\n" + from(root: group.cube, joins: joins)
            var conditions = try whereFilters.map { try condition($0, aggregated: false) }
            conditions += segments.map { memberSQL(cube: $0.cube, name: $0.member, aggregated: false) }
            if !conditions.isEmpty { sql += "\nWHERE " + conditions.joined(separator: " AND ") }
            if !dims.isEmpty { sql += "\nGROUP BY " + dims.map { dimensionExpression($0) }.joined(separator: ", ") }
            subqueries.append(sql)
        }
        let names = groups.indices.map { dialect.quoteIdentifier("q\($0)") }
        func key(_ column: DimensionColumn, upTo count: Int) -> String {
            let parts = names.prefix(count).map { "\($0).\(dialect.quoteIdentifier(column.alias))" }
            return parts.count == 1 ? parts[0] : "COALESCE(" + parts.joined(separator: ", ") + ")"
        }
        var select = dims.map { key($0, upTo: names.count) + " AS " + dialect.quoteIdentifier($0.alias) }
        for (i, group) in groups.enumerated() {
            select += group.measures.map { "\(names[i]).\(dialect.quoteIdentifier($0.name)) AS \(dialect.quoteIdentifier($0.name))" }
        }
        var sql = "SELECT " + select.joined(separator: ", ") + "\nFROM (\n" + subqueries[0] + "\n) AS " + names[0]
        for i in 1..<subqueries.count {
            let on = dims.isEmpty ? "1 = 1" : dims.map { column in
                let left = key(column, upTo: i)
                let right = "\(names[i]).\(dialect.quoteIdentifier(column.alias))"
                return dialect.nullSafeEquals(left, right, type: column.granularity == nil ? dimension(column.ref).type : .time)
            }.joined(separator: " AND ")
            sql += "\nFULL OUTER JOIN (\n" + subqueries[i] + "\n) AS " + names[i] + " ON " + on
        }
        if !havingFilters.isEmpty {
            // The measures are plain columns of the joined subqueries here, so their filters
            // become WHERE conditions on those columns.
            var columnsByMeasure: [String: String] = [:]
            for (i, group) in groups.enumerated() {
                for m in group.measures { columnsByMeasure[m.name] = "\(names[i]).\(dialect.quoteIdentifier(m.name))" }
            }
            for name in measureNames(in: havingFilters) where columnsByMeasure[name] == nil {
                throw SemanticError(
                    .invalidQuery, member: name,
                    "a filter on measure '\(name)' needs it among the query's measures when measures of several cubes are aggregated apart")
            }
            let outer = try havingFilters.map { try condition($0, aggregated: true, measureColumns: columnsByMeasure) }
            sql += "\nWHERE " + outer.joined(separator: " AND ")
        }
        return sql
    }

    // MARK: Filters

    func check(_ filter: CubeQuery.Filter) throws {
        switch filter {
        case .and(let items), .or(let items): try items.forEach { try check($0) }
        case .member(let name, let op, let values):
            let (_, slot) = try resolve(name, context: "filter member")
            if case .segment = slot { throw SemanticError(.invalidQuery, member: name, "cannot filter on segment '\(name)'") }
            switch op {
            case .set, .notSet: break
            case .inDateRange, .notInDateRange:
                guard values.count == 2 else {
                    throw SemanticError(.invalidQuery, member: name, "\(op.rawValue) needs two values, [from, to]")
                }
            default:
                guard !values.isEmpty else {
                    throw SemanticError(.invalidQuery, member: name, "\(op.rawValue) needs at least one value")
                }
            }
        }
    }

    func isMeasureFilter(_ filter: CubeQuery.Filter) -> Bool {
        switch filter {
        case .member(let name, _, _):
            if case .measure? = try? resolve(name, context: "member").slot { return true }
            return false
        case .and(let items), .or(let items): return items.contains { isMeasureFilter($0) }
        }
    }

    func measureNames(in filters: [CubeQuery.Filter]) -> [String] {
        filters.flatMap { filter -> [String] in
            switch filter {
            case .member(let name, _, _): return isMeasureFilter(filter) ? [name] : []
            case .and(let items), .or(let items): return measureNames(in: items)
            }
        }
    }

    func filterCubes(_ filter: CubeQuery.Filter, into set: inout [String]) throws {
        switch filter {
        case .member(let name, _, _):
            let ref = try resolve(name, context: "filter member").ref
            cubesUsed(cube: ref.cube, name: ref.member, into: &set)
        case .and(let items), .or(let items): for item in items { try filterCubes(item, into: &set) }
        }
    }

    mutating func bind(_ value: Value) -> String {
        binds.append(value)
        return dialect.parameterMarker(binds.count)
    }

    /// A typed bind for a filter value: numbers for number members, dates for time ones.
    mutating func typedBind(_ text: String, type: String, member: String) throws -> String {
        switch type {
        case "string": return bind(.string(text))
        case "boolean":
            guard let value = Bool(text.lowercased()) else {
                throw SemanticError(.invalidQuery, member: member, "expected true or false")
            }
            return bind(.bool(value))
        case "time":
            guard let date = DateRangeResolver.date(text) else {
                throw SemanticError(.invalidQuery, member: member, "expected a date (YYYY-MM-DD)")
            }
            return bind(.date(date))
        default:
            if let int = Int64(text) { return bind(.int(int)) }
            guard let double = Double(text), double.isFinite else {
                throw SemanticError(.invalidQuery, member: member, "expected a number")
            }
            return bind(.double(double))
        }
    }

    mutating func dateBind(_ text: String, member: String, plusOneDay: Bool = false) throws -> String {
        guard let date = DateRangeResolver.date(text) else {
            throw SemanticError(.invalidQuery, member: member, "expected a date (YYYY-MM-DD), got a malformed value")
        }
        return bind(.date(plusOneDay ? date.adding(days: 1) : date))
    }

    mutating func condition(_ filter: CubeQuery.Filter, aggregated: Bool, measureColumns: [String: String] = [:]) throws -> String {
        switch filter {
        case .and(let items):
            return "(" + (try items.map { try condition($0, aggregated: aggregated, measureColumns: measureColumns) }).joined(separator: " AND ") + ")"
        case .or(let items):
            return "(" + (try items.map { try condition($0, aggregated: aggregated, measureColumns: measureColumns) }).joined(separator: " OR ") + ")"
        case .member(let name, let op, let values):
            let (ref, slot) = try resolve(name, context: "filter member")
            // PostgreSQL text cannot hold U+0000 and refuses such a bind outright; no stored
            // value contains one on any engine, so it is a client error everywhere.
            if values.contains(where: { $0.unicodeScalars.contains("\u{0000}") }) {
                throw SemanticError(.invalidQuery, member: name, "a filter value contains a NUL character (U+0000)")
            }
            let x: String
            let type: String
            switch slot {
            case .measure:
                x = measureColumns[ref.name] ?? memberSQL(cube: ref.cube, name: ref.member, aggregated: aggregated)
                type = "number"
            default:
                x = dimensionSQL(cube: ref.cube, name: ref.member)
                type = dimension(ref).type.rawValue
            }
            switch op {
            case .equals:
                let list = try values.map { try typedBind($0, type: type, member: name) }
                return list.count == 1 ? "\(x) = \(list[0])" : "\(x) IN (\(list.joined(separator: ", ")))"
            case .notEquals:
                let list = try values.map { try typedBind($0, type: type, member: name) }
                let test = list.count == 1 ? "\(x) <> \(list[0])" : "\(x) NOT IN (\(list.joined(separator: ", ")))"
                return "(\(test) OR \(x) IS NULL)"
            case .contains, .notContains, .startsWith, .notStartsWith, .endsWith, .notEndsWith:
                let negated = [.notContains, .notStartsWith, .notEndsWith].contains(op)
                let parts = values.map { value -> String in
                    let p = bind(.string(dialect.escapingLikeWildcards(value)))
                    let pattern: [String]
                    switch op {
                    case .contains, .notContains: pattern = ["'%'", p, "'%'"]
                    case .startsWith, .notStartsWith: pattern = [p, "'%'"]
                    default: pattern = ["'%'", p]
                    }
                    return "LOWER(\(x)) \(negated ? "NOT LIKE" : "LIKE") LOWER(\(dialect.concat(pattern))) \(dialect.likeEscapeClause)"
                }
                return negated
                    ? "(" + parts.joined(separator: " AND ") + " OR \(x) IS NULL)"
                    : "(" + parts.joined(separator: " OR ") + ")"
            case .gt, .gte, .lt, .lte:
                let symbol = [CubeQuery.Operator.gt: ">", .gte: ">=", .lt: "<", .lte: "<="][op]!
                return "\(x) \(symbol) \(try typedBind(values[0], type: type, member: name))"
            case .set: return "\(x) IS NOT NULL"
            case .notSet: return "\(x) IS NULL"
            case .inDateRange:
                guard let from = DateRangeResolver.date(values[0]), let to = DateRangeResolver.date(values[1]), from <= to else {
                    throw SemanticError(.invalidQuery, member: name, "malformed date range [\(values[0]), \(values[1])]")
                }
                return "(\(x) >= \(bind(.date(from))) AND \(x) < \(bind(.date(to.adding(days: 1)))))"
            case .notInDateRange:
                guard let from = DateRangeResolver.date(values[0]), let to = DateRangeResolver.date(values[1]), from <= to else {
                    throw SemanticError(.invalidQuery, member: name, "malformed date range [\(values[0]), \(values[1])]")
                }
                return "(\(x) < \(bind(.date(from))) OR \(x) >= \(bind(.date(to.adding(days: 1)))))"
            case .beforeDate: return "\(x) < \(try dateBind(values[0], member: name))"
            case .beforeOrOnDate: return "\(x) < \(try dateBind(values[0], member: name, plusOneDay: true))"
            case .afterDate: return "\(x) >= \(try dateBind(values[0], member: name, plusOneDay: true))"
            case .afterOrOnDate: return "\(x) >= \(try dateBind(values[0], member: name))"
            }
        }
    }

    // MARK: Order

    struct OrderItem {
        var alias: String
        var direction: CubeQuery.Direction
    }

    func orderBy(_ order: [CubeQuery.Order]?, dims: [DimensionColumn], measures: [Ref]) throws -> [OrderItem] {
        guard let order else {
            if let td = dims.first(where: { $0.granularity != nil }) { return [OrderItem(alias: td.alias, direction: .asc)] }
            if let m = measures.first { return [OrderItem(alias: m.name, direction: .desc)] }
            if let d = dims.first { return [OrderItem(alias: d.alias, direction: .asc)] }
            return []
        }
        return try order.map { item in
            if let m = measures.first(where: { $0.name == item.member }) { return OrderItem(alias: m.name, direction: item.direction) }
            if let d = dims.first(where: { $0.ref.name == item.member || $0.alias == item.member }) {
                return OrderItem(alias: d.alias, direction: item.direction)
            }
            _ = try resolve(item.member, context: "order member")
            throw SemanticError(.invalidQuery, member: item.member, "cannot order by '\(item.member)': it is not in the query")
        }
    }
}

/// `names` without repeats, in first-seen order.
func uniqueNames(_ names: [String]) -> [String] {
    var seen: [String] = []
    for name in names where !seen.contains(name) { seen.append(name) }
    return seen
}
