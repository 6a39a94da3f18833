import GraphQL
import OrderedCollections

/// GraphQLSwift 4.3.0 declares `__InputValue.isDeprecated` as a non-null `Boolean` but
/// leaves it to the default resolver, and neither argument nor input-field definitions have
/// such a property: every introspection query that asks for it (graphql-core's, hence
/// Python's gql, and GraphiQL's) fails with "Cannot return null for non-nullable field
/// __InputValue.isDeprecated". This gives the field a resolver, once, before any schema of
/// ours is built or run.
enum GraphQLIntrospectionRepair {
    static let applied: Bool = {
        guard let probe = try? GraphQLSchema(
            query: GraphQLObjectType(name: "Query", fields: ["probe": GraphQLField(type: GraphQLString)])),
            let inputValue = probe.typeMap["__InputValue"] as? GraphQLObjectType,
            var fields = try? inputValue.fields()
        else { return false }
        fields["isDeprecated"] = GraphQLField(type: GraphQLNonNull(GraphQLBoolean)) { source, _, _, _ in
            switch source {
            case let argument as GraphQLArgumentDefinition: Map.bool(argument.deprecationReason != nil)
            case let field as InputObjectFieldDefinition: Map.bool(field.deprecationReason != nil)
            default: Map.bool(false)
            }
        }
        let repaired = fields
        inputValue.fields = { repaired }
        return true
    }()
}
