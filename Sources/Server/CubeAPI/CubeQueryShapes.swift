import Semantic
import Warehouse

/// The JSON pieces Cube puts around a query's data: the normalized query, its annotation,
/// and the result rows.
struct CubeQueryShapes {
    let query: CubeQuery
    let members: MemberCatalog
    let today: SQLDate

    /// Cube's normalized query: every list present, relative ranges resolved, order as
    /// `[{id, desc}]`, the effective limit, `timezone` and `queryType`.
    func normalizedQuery() throws -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("measures", .strings(query.measures)),
            ("dimensions", .strings(query.dimensions)),
            ("segments", .strings(query.segments)),
        ]
        var timeDimensions: [JSONValue] = []
        for td in query.timeDimensions {
            var item: [(String, JSONValue)] = [("dimension", .string(td.dimension))]
            if let granularity = td.granularity { item.append(("granularity", .string(granularity.rawValue))) }
            if let range = try query.resolvedDateRange(of: td, asOf: today) {
                item.append(("dateRange", .strings(CubeValueFormat.dateRange(from: range.from, to: range.to))))
            }
            timeDimensions.append(.object(item))
        }
        fields.append(("timeDimensions", .array(timeDimensions)))
        fields.append(("filters", .array(query.filters.map(Self.filter))))
        fields.append(("order", .array(effectiveOrder.map { .object([("id", .string($0.member)), ("desc", .bool($0.direction == .desc))]) })))
        let limit = query.limit ?? QueryCompiler.defaultLimit
        fields.append(("limit", .number(limit)))
        fields.append(("rowLimit", .number(limit)))
        if let offset = query.offset { fields.append(("offset", .number(offset))) }
        if query.total { fields.append(("total", .bool(true))) }
        if query.ungrouped { fields.append(("ungrouped", .bool(true))) }
        fields.append(("timezone", .string(query.timezone ?? "UTC")))
        fields.append(("queryType", .string("regularQuery")))
        return .object(fields)
    }

    /// The order the compiler applies: the query's own, else Cube's default (the first
    /// time dimension with a granularity ascending, else the first measure descending, else
    /// the first dimension ascending).
    var effectiveOrder: [CubeQuery.Order] {
        if let order = query.order { return order }
        if let td = query.timeDimensions.first(where: { $0.granularity != nil }), let granularity = td.granularity {
            return [CubeQuery.Order("\(td.dimension).\(granularity.rawValue)", .asc)]
        }
        if let measure = query.measures.first { return [CubeQuery.Order(measure, .desc)] }
        if let dimension = query.dimensions.first { return [CubeQuery.Order(dimension, .asc)] }
        return []
    }

    static func filter(_ filter: CubeQuery.Filter) -> JSONValue {
        switch filter {
        case .member(let member, let op, let values):
            var fields: [(String, JSONValue)] = [("member", .string(member)), ("operator", .string(op.rawValue))]
            if !values.isEmpty { fields.append(("values", .strings(values))) }
            return .object(fields)
        case .and(let items): return .object([("and", .array(items.map(Self.filter)))])
        case .or(let items): return .object([("or", .array(items.map(Self.filter)))])
        }
    }

    /// Cube's `annotation`: titles and types of every member in the result.
    func annotation() -> JSONValue {
        func item(_ member: MemberCatalog.Member, granularity: CubeQuery.Granularity? = nil) -> JSONValue {
            var fields: [(String, JSONValue)] = [
                ("title", .string(member.title)), ("shortTitle", .string(member.shortTitle)),
                ("type", .string(member.type)),
            ]
            if let description = member.description { fields.append(("description", .string(description))) }
            if let format = member.format { fields.append(("format", .string(format))) }
            if let meta = member.meta { fields.append(("meta", Self.json(meta))) }
            if member.kind == .measure {
                fields.append(("drillMembers", .array([])))
                fields.append(("drillMembersGrouped", .object([("measures", .array([])), ("dimensions", .array([]))])))
            }
            if let granularity {
                fields.append((
                    "granularity",
                    .object([
                        ("name", .string(granularity.rawValue)), ("title", .string(MemberCatalog.titleize(granularity.rawValue))),
                        ("interval", .string("1 \(granularity.rawValue)")), ("type", .string("built-in")),
                    ])
                ))
            }
            return .object(fields)
        }
        func section(_ names: [String]) -> JSONValue {
            .object(names.compactMap { name in members.member(name).map { (name, item($0)) } })
        }
        var timeDimensions: [(String, JSONValue)] = []
        for td in query.timeDimensions {
            guard let granularity = td.granularity, let member = members.member(td.dimension) else { continue }
            timeDimensions.append(("\(td.dimension).\(granularity.rawValue)", item(member, granularity: granularity)))
            if !query.dimensions.contains(td.dimension) { timeDimensions.append((td.dimension, item(member))) }
        }
        return .object([
            ("measures", section(query.measures)),
            ("dimensions", section(query.dimensions)),
            ("segments", section(query.segments)),
            ("timeDimensions", .object(timeDimensions)),
        ])
    }

    /// Result rows as Cube's objects: one key per column, and for a time dimension with a
    /// granularity also the bare member name (Cube's backward-compatible key).
    func rows(_ result: ResultSet, columns: [CompiledQuery.Column]) -> JSONValue {
        struct Output {
            var index: Int
            var keys: [String]
            var kind: CompiledQuery.Kind
            var type: ColumnType?
        }
        var outputs: [Output] = []
        for column in columns {
            guard let index = result.columnIndex(column.name) else { continue }
            var keys = [column.name]
            if case .timeDimension = column.kind, !query.dimensions.contains(column.member) { keys.append(column.member) }
            outputs.append(Output(index: index, keys: keys, kind: column.kind, type: result.columns[index].type))
        }
        return .array(
            result.rows.map { row in
                var fields: [(String, JSONValue)] = []
                fields.reserveCapacity(outputs.count + 1)
                for output in outputs {
                    let value = CubeValueFormat.json(row[output.index], kind: output.kind, columnType: output.type)
                    for key in output.keys { fields.append((key, value)) }
                }
                return .object(fields)
            })
    }

    static func json(_ meta: MetaValue) -> JSONValue {
        switch meta {
        case .string(let text): return .string(text)
        case .integer(let number): return .number(number)
        case .number(let number): return number.isFinite ? .number("\(number)") : .null
        case .bool(let flag): return .bool(flag)
        case .list(let items): return .array(items.map(json))
        case .object(let fields): return .object(fields.keys.sorted().map { ($0, json(fields[$0]!)) })
        case .null: return .null
        }
    }

    /// A bound value as Cube lists it in `/v1/sql`'s parameters: as text, whatever its
    /// type, since Cube passes every filter value to its driver as a string.
    static func parameter(_ value: Value) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .string(flag ? "true" : "false")
        case .int(let number): return .string(String(number))
        case .double(let number): return .string(CubeValueFormat.format(number))
        case .decimal(let number): return .string(number.description)
        case .string(let text): return .string(text)
        case .date(let date): return .string(date.description)
        case .timestamp(let timestamp): return .string(CubeValueFormat.time(timestamp))
        }
    }
}
