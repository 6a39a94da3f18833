import GraphQL
import OrderedCollections
import Semantic

/// Turns one `cube` field of a GraphQL request into the Cube query it stands for, as Cube's
/// own GraphQL API does: selected measures, dimensions and time dimensions (a granularity
/// field selects that granularity, `value` the bare dimension); `where` at the top and per
/// cube as filters; `orderBy` at the top, then per cube in selection order; the first
/// top-level `inDateRange` of a time dimension becomes its `dateRange`, so that the query
/// can be answered from a rollup.
///
/// The request has passed validation against ``CubeGraphQLSchema``, so every cube and member
/// named exists and is public; values travel on as the query's filter values, which the
/// compiler binds.
struct CubeGraphQLTranslator {
    let schema: CubeGraphQLSchema
    let variables: [String: Map]
    let fragments: [String: FragmentDefinition]

    init(schema: CubeGraphQLSchema, info: GraphQLResolveInfo) {
        self.schema = schema
        variables = info.variableValues.compactMapValues { $0 as? Map }
        fragments = info.fragments
    }

    func query(arguments: Map, fields: [Field]) throws -> CubeQuery {
        var query = CubeQuery()
        var filters = try rootFilters(arguments["where"])
        // Read from the request's text where it is written there: coerced arguments list an
        // input object's fields in the schema's order, and the order of orderBy's keys is
        // the sort priority.
        var order = try rootOrder(fields.first.flatMap { try argument("orderBy", of: $0) } ?? arguments["orderBy"])
        for cubeField in try fields.flatMap({ try selectedFields(of: $0) }) {
            guard let cube = schema.cubes[cubeField.name.value] else { continue }
            if let orderBy = try argument("orderBy", of: cubeField) {
                order += try cubeOrder(orderBy, cube: cube)
            }
            if let whereValue = try argument("where", of: cubeField) {
                filters = try cubeFilters(whereValue, cube: cube) + filters
            }
            for memberField in try selectedFields(of: cubeField) {
                guard let member = cube.members[memberField.name.value] else { continue }
                switch member.kind {
                case .measure: Self.append(member.name, to: &query.measures)
                case .segment: break
                case .dimension where member.isTime:
                    let granularities = try selectedFields(of: memberField).map(\.name.value)
                    if granularities.isEmpty || granularities.contains("value") {
                        Self.append(member.name, to: &query.dimensions)
                    }
                    for name in granularities {
                        guard let granularity = CubeQuery.Granularity(rawValue: name) else { continue }
                        let td = CubeQuery.TimeDimension(dimension: member.name, granularity: granularity)
                        if !query.timeDimensions.contains(td) { query.timeDimensions.append(td) }
                    }
                case .dimension: Self.append(member.name, to: &query.dimensions)
                }
            }
        }
        query.filters = Self.pushDownDateRanges(filters, into: &query.timeDimensions)
        query.order = order.isEmpty ? nil : order
        query.limit = arguments["limit"].intValueIfPresent
        query.offset = arguments["offset"].intValueIfPresent
        if case .string(let zone) = arguments["timezone"] { query.timezone = zone }
        if case .bool(true) = arguments["ungrouped"] { query.ungrouped = true }
        return query
    }

    private static func append(_ name: String, to names: inout [String]) {
        if !names.contains(name) { names.append(name) }
    }

    /// Cube filters a time dimension's date range once, on the time dimension: the first
    /// top-level `inDateRange` of each member moves onto its time dimensions (added without
    /// a granularity if none is selected).
    static func pushDownDateRanges(
        _ filters: [CubeQuery.Filter], into timeDimensions: inout [CubeQuery.TimeDimension]
    ) -> [CubeQuery.Filter] {
        var moved: Set<String> = []
        return filters.filter { filter in
            guard case .member(let member, .inDateRange, let values) = filter, !moved.contains(member),
                let range = dateRange(values)
            else { return true }
            moved.insert(member)
            var found = false
            for index in timeDimensions.indices where timeDimensions[index].dimension == member {
                timeDimensions[index].dateRange = range
                found = true
            }
            if !found { timeDimensions.append(CubeQuery.TimeDimension(dimension: member, dateRange: range)) }
            return false
        }
    }

    /// Two days, or one relative phrase such as `last 7 days`, as Cube reads a GraphQL range.
    private static func dateRange(_ values: [String]) -> CubeQuery.DateRange? {
        if values.count == 2 { return .absolute(values[0], values[1]) }
        if values.count == 1, let first = values[0].first, !first.isNumber { return .relative(values[0]) }
        return nil
    }

    // MARK: Selections

    /// The fields under `field`, through fragments, honouring `@skip` and `@include`.
    private func selectedFields(of field: Field) throws -> [Field] {
        guard let selectionSet = field.selectionSet else { return [] }
        return try fields(in: selectionSet)
    }

    /// The most fields one selection may expand to (through fragments); a query past it is
    /// refused rather than walked.
    static let maximumFields = 1_000

    private func fields(in selectionSet: SelectionSet) throws -> [Field] {
        var visited: Set<String> = []
        var result: [Field] = []
        try collect(selectionSet, visited: &visited, into: &result)
        return result
    }

    /// As graphql-js's collectFields: each fragment is expanded once per selection set, so
    /// fragments spreading each other twice over cannot grow the work exponentially.
    private func collect(_ selectionSet: SelectionSet, visited: inout Set<String>, into result: inout [Field]) throws {
        for selection in selectionSet.selections {
            switch selection {
            case let field as Field:
                if try isIncluded(field.directives), !field.name.value.hasPrefix("__") { result.append(field) }
            case let inline as InlineFragment:
                if try isIncluded(inline.directives) { try collect(inline.selectionSet, visited: &visited, into: &result) }
            case let spread as FragmentSpread:
                guard try isIncluded(spread.directives), visited.insert(spread.name.value).inserted,
                    let fragment = fragments[spread.name.value]
                else { continue }
                try collect(fragment.selectionSet, visited: &visited, into: &result)
            default: continue
            }
            if result.count > Self.maximumFields {
                throw CubeAPIError.badRequest("the query selects more than \(Self.maximumFields) fields")
            }
        }
    }

    private func isIncluded(_ directives: [Directive]) throws -> Bool {
        for directive in directives {
            guard let condition = directive.arguments.first(where: { $0.name.value == "if" }) else { continue }
            let value = try valueFromASTUntyped(valueAST: condition.value, variables: variables)
            let flag = value.boolValueIfPresent ?? false
            if directive.name.value == "skip", flag { return false }
            if directive.name.value == "include", !flag { return false }
        }
        return true
    }

    private func argument(_ name: String, of field: Field) throws -> Map? {
        guard let argument = field.arguments.first(where: { $0.name.value == name }) else { return nil }
        let value = try valueFromASTUntyped(valueAST: argument.value, variables: variables)
        if case .dictionary = value { return value }
        return nil
    }

    // MARK: Order

    private func rootOrder(_ value: Map) throws -> [CubeQuery.Order] {
        guard case .dictionary(let byCube) = value else { return [] }
        var order: [CubeQuery.Order] = []
        for (fieldName, members) in byCube {
            guard let cube = schema.cubes[fieldName] else { throw Self.unknown("cube", fieldName) }
            order += try cubeOrder(members, cube: cube)
        }
        return order
    }

    private func cubeOrder(_ value: Map, cube: CubeGraphQLSchema.Cube) throws -> [CubeQuery.Order] {
        guard case .dictionary(let byMember) = value else { return [] }
        return try byMember.compactMap { name, direction in
            guard let member = cube.members[name] else { throw Self.unknown("member of \(cube.name)", name) }
            guard case .string(let text) = direction else { return nil }
            guard let direction = CubeQuery.Direction(rawValue: text) else {
                throw CubeAPIError.badRequest("\(member.name): order direction must be asc or desc, not '\(text)'")
            }
            return CubeQuery.Order(member.name, direction)
        }
    }

    // MARK: Filters

    /// `RootWhereInput`: `AND`, `OR` and one `…WhereInput` per cube.
    private func rootFilters(_ value: Map) throws -> [CubeQuery.Filter] {
        guard case .dictionary(let fields) = value else { return [] }
        var filters: [CubeQuery.Filter] = []
        for (key, item) in fields {
            switch key {
            case "AND", "OR": filters += try combined(key, item) { try rootFilters($0) }
            default:
                guard let cube = schema.cubes[key] else { throw Self.unknown("cube", key) }
                filters += try cubeFilters(item, cube: cube)
            }
        }
        return filters
    }

    /// A cube's `…WhereInput`: `AND`, `OR` and one filter input per member.
    private func cubeFilters(_ value: Map, cube: CubeGraphQLSchema.Cube) throws -> [CubeQuery.Filter] {
        guard case .dictionary(let fields) = value else { return [] }
        var filters: [CubeQuery.Filter] = []
        for (key, item) in fields {
            switch key {
            case "AND", "OR": filters += try combined(key, item) { try cubeFilters($0, cube: cube) }
            default:
                guard let member = cube.members[key] else { throw Self.unknown("member of \(cube.name)", key) }
                filters += try memberFilters(item, member: member)
            }
        }
        return filters
    }

    /// `AND: [a, b]` or `OR: [a, b]`; each item's own conditions all hold (a single item may
    /// be given without the list, as GraphQL's input coercion allows).
    private func combined(
        _ key: String, _ value: Map, _ translate: (Map) throws -> [CubeQuery.Filter]
    ) throws -> [CubeQuery.Filter] {
        let items: [Map]
        switch value {
        case .array(let list): items = list
        case .null, .undefined: return []
        default: items = [value]
        }
        let parts = try items.compactMap { item -> CubeQuery.Filter? in
            let filters = try translate(item)
            if filters.isEmpty { return nil }
            return filters.count == 1 ? filters[0] : .and(filters)
        }
        guard !parts.isEmpty else { return [] }
        return [key == "AND" ? .and(parts) : .or(parts)]
    }

    /// `{equals: …, in: […], set: true, …}` on one member: one filter per operator given.
    private func memberFilters(_ value: Map, member: CubeGraphQLSchema.Member) throws -> [CubeQuery.Filter] {
        guard case .dictionary(let operators) = value else { return [] }
        var filters: [CubeQuery.Filter] = []
        for (name, operand) in operators {
            if case .null = operand { continue }
            if case .undefined = operand { continue }
            if name == "set" {
                filters.append(.member(member.name, operand.boolValueIfPresent == false ? .notSet : .set, []))
                continue
            }
            let op: CubeQuery.Operator?
            switch name {
            case "in": op = .equals
            case "notIn": op = .notEquals
            default: op = CubeQuery.Operator(rawValue: name)
            }
            guard let op else { throw CubeAPIError.badRequest("\(member.name): unknown filter operator '\(name)'") }
            let operands: [Map]
            if case .array(let list) = operand { operands = list } else { operands = [operand] }
            let values = try operands.compactMap { try Self.text($0, member: member.name) }
            filters.append(.member(member.name, op, values))
        }
        return filters
    }

    /// A filter value as the text Cube's query carries; numbers without a needless `.0`.
    private static func text(_ value: Map, member: String) throws -> String? {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .number(let number):
            if number.storageType == .int { return String(number.intValue) }
            return CubeValueFormat.format(number.doubleValue)
        case .null, .undefined: return nil
        case .array, .dictionary: throw CubeAPIError.badRequest("\(member): filter values must be scalars")
        }
    }

    private static func unknown(_ what: String, _ name: String) -> CubeAPIError {
        CubeAPIError.badRequest("unknown \(what) '\(name)'")
    }
}

extension Map {
    fileprivate var intValueIfPresent: Int? {
        if case .number(let number) = self { return number.intValue }
        return nil
    }

    fileprivate var boolValueIfPresent: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }
}
