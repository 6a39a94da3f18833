import GraphQL
import OrderedCollections
import Semantic

/// Cube's GraphQL schema for one tenant's model, built at run time from the model's public
/// cubes and views, with the names Cube's own GraphQL API gives them.
///
/// ```graphql
/// type Query { cube(where: RootWhereInput, limit: Int, offset: Int, timezone: String,
///                   renewQuery: Boolean, ungrouped: Boolean, orderBy: RootOrderByInput): [Result!]! }
/// type Result { transactions(where: TransactionsWhereInput, orderBy: TransactionsOrderByInput): TransactionsMembers! … }
/// type TransactionsMembers { netSales: Float  transactionDate: TimeDimension … }
/// ```
///
/// A cube's field is its name with a lower-case first letter, its types are named after
/// its name in upper camel case; members keep their names. Measures are `Float`,
/// dimensions `String`, `Float`, `Boolean` or `TimeDimension` (`value` and one field per
/// granularity) by type. Members the model hides (`public: false`) are not in the schema,
/// so a query naming one fails validation, as does any unknown name.
struct CubeGraphQLSchema: Sendable {
    /// What a member field stands for.
    struct Member: Sendable {
        /// `Cube.member`.
        var name: String
        var kind: MemberCatalog.Kind
        /// `number`, `string`, `time` or `boolean`.
        var type: String

        var isTime: Bool { kind == .dimension && type == "time" }
    }

    /// What a cube field of `Result` stands for.
    struct Cube: Sendable {
        var name: String
        /// By field name.
        var members: [String: Member]
    }

    let schema: GraphQLSchema
    /// By field name.
    let cubes: [String: Cube]
    /// The field names of each member, by its `Cube.member` name.
    let fieldNames: [String: (cube: String, member: String)]

    /// The granularities a `TimeDimension` offers besides `value`, as Cube lists them.
    static let granularities = CubeQuery.Granularity.allCases.map(\.rawValue)

    /// Builds the schema of `catalog`'s public cubes and views; `resolveCube` answers the
    /// `cube` field.
    init(catalog: MemberCatalog, resolveCube: @escaping GraphQLFieldResolve) throws {
        _ = GraphQLIntrospectionRepair.applied
        let shared = try SharedTypes()
        let rootWhere = try GraphQLInputObjectType(name: "RootWhereInput", fields: [:])
        var rootWhereFields: InputObjectFieldMap = [
            "AND": InputObjectField(type: GraphQLList(GraphQLNonNull(rootWhere))),
            "OR": InputObjectField(type: GraphQLList(GraphQLNonNull(rootWhere))),
        ]
        var rootOrderFields: InputObjectFieldMap = [:]
        var resultFields: GraphQLFieldMap = [:]
        var cubes: [String: Cube] = [:]
        var fieldNames: [String: (cube: String, member: String)] = [:]
        var typeNames: Set<String> = []
        for entry in catalog.entries where entry.isPublic {
            let fieldName = Self.fieldName(entry.name)
            let typeName = Self.typeName(entry.name)
            // A name GraphQL cannot spell, or one that collides with another cube's, is left
            // out rather than making the whole schema invalid.
            guard Self.isValidName(fieldName), Self.isValidName(typeName), cubes[fieldName] == nil,
                !typeNames.contains(typeName)
            else { continue }
            var members: [String: Member] = [:]
            var memberFields: GraphQLFieldMap = [:]
            var filterFields: InputObjectFieldMap = [:]
            var orderFields: InputObjectFieldMap = [:]
            for item in entry.measures + entry.dimensions where item.isPublic {
                let name = Self.memberName(item.name)
                guard Self.isValidName(name), members[name] == nil, name != "AND", name != "OR" else { continue }
                let member = Member(name: item.name, kind: item.kind, type: item.type)
                members[name] = member
                fieldNames[item.name] = (fieldName, name)
                let types = shared.types(of: member)
                memberFields[name] = GraphQLField(type: types.output, description: item.description)
                filterFields[name] = InputObjectField(type: types.filter)
                orderFields[name] = InputObjectField(type: shared.orderBy)
            }
            guard !members.isEmpty else { continue }
            typeNames.insert(typeName)
            cubes[fieldName] = Cube(name: entry.name, members: members)
            let whereInput = try GraphQLInputObjectType(name: "\(typeName)WhereInput", fields: [:])
            let cubeFilterFields = filterFields
            // AND and OR nest the type in itself, which only a lazily built field map can say.
            whereInput.fields = { [unowned whereInput] in
                var fields: InputObjectFieldMap = [
                    "AND": InputObjectField(type: GraphQLList(GraphQLNonNull(whereInput))),
                    "OR": InputObjectField(type: GraphQLList(GraphQLNonNull(whereInput))),
                ]
                fields.merge(cubeFilterFields) { first, _ in first }
                return fields
            }
            let orderInput = try GraphQLInputObjectType(name: "\(typeName)OrderByInput", fields: orderFields)
            rootWhereFields[fieldName] = InputObjectField(type: whereInput)
            rootOrderFields[fieldName] = InputObjectField(type: orderInput)
            resultFields[fieldName] = GraphQLField(
                type: GraphQLNonNull(
                    try GraphQLObjectType(name: "\(typeName)Members", description: entry.description, fields: memberFields)),
                description: entry.description,
                args: ["where": GraphQLArgument(type: whereInput), "orderBy": GraphQLArgument(type: orderInput)])
        }
        let finalRootWhereFields = rootWhereFields
        rootWhere.fields = { finalRootWhereFields }
        let rootOrder = try GraphQLInputObjectType(name: "RootOrderByInput", fields: rootOrderFields)
        let result = try GraphQLObjectType(name: "Result", fields: resultFields)
        let query = try GraphQLObjectType(
            name: "Query",
            fields: [
                "cube": GraphQLField(
                    type: GraphQLNonNull(GraphQLList(GraphQLNonNull(result))),
                    description: "Rows of one query over the cubes selected below, as Cube's REST API /v1/load runs it.",
                    args: [
                        "where": GraphQLArgument(type: rootWhere),
                        "limit": GraphQLArgument(type: GraphQLInt),
                        "offset": GraphQLArgument(type: GraphQLInt),
                        "timezone": GraphQLArgument(type: GraphQLString),
                        "renewQuery": GraphQLArgument(type: GraphQLBoolean),
                        "ungrouped": GraphQLArgument(type: GraphQLBoolean),
                        "orderBy": GraphQLArgument(type: rootOrder),
                    ],
                    resolve: resolveCube)
            ])
        schema = try GraphQLSchema(
            query: query, types: [shared.floatFilter, shared.stringFilter, shared.dateTimeFilter, shared.orderBy])
        self.cubes = cubes
        self.fieldNames = fieldNames
    }

    /// The types every cube uses: Cube's filter inputs, `OrderBy`, `DateTime` and
    /// `TimeDimension`.
    private struct SharedTypes {
        let dateTime: GraphQLScalarType
        let timeDimension: GraphQLObjectType
        let floatFilter: GraphQLInputObjectType
        let stringFilter: GraphQLInputObjectType
        let dateTimeFilter: GraphQLInputObjectType
        let orderBy: GraphQLEnumType

        init() throws {
            dateTime = try GraphQLScalarType(
                name: "DateTime", description: "An instant in UTC, as ISO 8601 text with milliseconds.",
                serialize: { value in
                    if let map = value as? Map { return map }
                    return try map(from: value)
                })
            var granularityFields: GraphQLFieldMap = ["value": GraphQLField(type: dateTime)]
            for granularity in CubeGraphQLSchema.granularities {
                granularityFields[granularity] = GraphQLField(type: dateTime)
            }
            timeDimension = try GraphQLObjectType(name: "TimeDimension", fields: granularityFields)
            let (number, numbers, flag) = (GraphQLFloat, GraphQLList(GraphQLFloat), GraphQLBoolean)
            let (text, texts) = (GraphQLString, GraphQLList(GraphQLString))
            floatFilter = try Self.filter(
                "FloatFilter",
                [
                    "equals": number, "notEquals": number, "in": numbers, "notIn": numbers, "set": flag, "gt": number,
                    "lt": number, "gte": number, "lte": number,
                ])
            stringFilter = try Self.filter(
                "StringFilter",
                [
                    "equals": text, "notEquals": text, "in": texts, "notIn": texts, "contains": texts, "notContains": texts,
                    "startsWith": texts, "notStartsWith": texts, "endsWith": texts, "notEndsWith": texts, "set": flag,
                ])
            dateTimeFilter = try Self.filter(
                "DateTimeFilter",
                [
                    "equals": texts, "notEquals": texts, "in": texts, "notIn": texts, "inDateRange": texts,
                    "notInDateRange": texts, "beforeDate": text, "beforeOrOnDate": text, "afterDate": text,
                    "afterOrOnDate": text, "set": flag,
                ])
            orderBy = try GraphQLEnumType(
                name: "OrderBy", values: ["asc": GraphQLEnumValue(value: "asc"), "desc": GraphQLEnumValue(value: "desc")])
        }

        /// One of Cube's filter inputs: each operator with the type of its operand.
        private static func filter(
            _ name: String, _ operators: KeyValuePairs<String, any GraphQLInputType>
        ) throws -> GraphQLInputObjectType {
            var fields: InputObjectFieldMap = [:]
            for (op, type) in operators { fields[op] = InputObjectField(type: type) }
            return try GraphQLInputObjectType(name: name, fields: fields)
        }

        /// The member's field type and filter input.
        func types(of member: Member) -> (output: any GraphQLOutputType, filter: GraphQLInputObjectType) {
            guard member.kind == .dimension else { return (GraphQLFloat, floatFilter) }
            switch member.type {
            case "time": return (timeDimension, dateTimeFilter)
            case "number": return (GraphQLFloat, floatFilter)
            // Filtered as strings (`equals: "true"`), as in Cube.
            case "boolean": return (GraphQLBoolean, stringFilter)
            default: return (GraphQLString, stringFilter)
            }
        }
    }

    // MARK: Names

    /// `Transactions` → `transactions`, `sales_overview` → `sales_overview`.
    static func fieldName(_ cube: String) -> String { cube.prefix(1).lowercased() + cube.dropFirst() }

    /// `Transactions` → `Transactions`, `sales_overview` → `SalesOverview`.
    static func typeName(_ cube: String) -> String {
        cube.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    /// `Transactions.netSales` → `netSales`.
    static func memberName(_ name: String) -> String {
        guard let dot = name.firstIndex(of: ".") else { return name }
        return String(name[name.index(after: dot)...])
    }

    /// GraphQL's `/[_A-Za-z][_0-9A-Za-z]*/`, without the `__` reserved for introspection.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, !name.hasPrefix("__") else { return false }
        func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" }
        return isLetter(first) && name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) }
    }
}
