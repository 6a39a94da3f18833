
/// A user's sales territory: `level` is one of `City`, `State`, `Zone`, `National`
/// (`dim_sales_hierarchy.territory_level`), `name` the territory as stored (`Mumbai`,
/// `Maharashtra`, `West`).
public struct Territory: Sendable, Hashable, CustomStringConvertible {
    /// `City`, `State`, `Zone` or `National`.
    public var level: String
    /// The city, state or zone, compared exactly as stored.
    public var name: String

    /// Makes a territory.
    public init(level: String, name: String) {
        self.level = level
        self.name = name
    }

    /// The level that sees the whole tenant.
    public static let nationalLevel = "National"

    /// `City Mumbai`.
    public var description: String { "\(level) \(name)" }
}

/// Row-level security rules, as Cube's `queryRewrite` would apply them: a query is narrowed
/// to the caller's territory by an `equals` filter on the member that holds that territory
/// level in each restricted cube the query reads.
///
/// Decoded from the `row_level_security:` key of `config/convai.yaml`:
/// ```yaml
/// row_level_security:
///   roles: [sales_rep, manager]
///   cubes:
///     Transactions: { City: Customers.city, State: Customers.state, Zone: Customers.zone }
///     PrimarySales: { City: Accounts.city,  State: Accounts.state,  Zone: Accounts.zone }
/// ```
/// Which cubes' rules apply to a query: those of its measures' cubes; when none of these has
/// a rule (or there are no measures), those of the cubes of its other members (dimensions,
/// time dimensions, segments, filter members). A view member counts as its underlying cube.
public struct RowLevelSecurity: Sendable, Hashable, Decodable {
    /// The roles bounded by a territory; other roles see the whole tenant (the caller decides
    /// from the role whether to restrict).
    public var roles: Set<String>
    /// Per cube, the member (`Cube.member`, a dimension) holding each territory level.
    public var cubes: [String: [String: String]]

    /// The levels a rule may name; `National` needs none.
    public static let levels: Set<String> = ["City", "State", "Zone"]

    /// Makes rules.
    public init(roles: Set<String>, cubes: [String: [String: String]]) {
        self.roles = roles
        self.cubes = cubes
    }

    /// The shipped rules for the shipped model: secondary sales and outlets by the outlet's
    /// place, primary sales and distributors by the distributor's.
    public static let salesTerritories = RowLevelSecurity(
        roles: ["sales_rep", "manager"],
        cubes: [
            "Transactions": territoryMembers(of: "Customers"),
            "Customers": territoryMembers(of: "Customers"),
            "PrimarySales": territoryMembers(of: "Accounts"),
            "Accounts": territoryMembers(of: "Accounts"),
        ])

    private static func territoryMembers(of cube: String) -> [String: String] {
        ["City": "\(cube).city", "State": "\(cube).state", "Zone": "\(cube).zone"]
    }

    /// Checks every rule against `model`: each cube exists, each level is City, State or
    /// Zone, and each member is a dimension of the model written `Cube.member`, of the cube
    /// itself or of one it reaches by its joins.
    public func validate(against model: DataModel) throws {
        for (cube, members) in cubes.sorted(by: { $0.key < $1.key }) {
            guard model.cubes[cube] != nil else {
                throw SemanticError(.unknownReference, cube: cube, "row_level_security names cube \(cube), which the model lacks")
            }
            for (level, member) in members.sorted(by: { $0.key < $1.key }) {
                guard Self.levels.contains(level) else {
                    throw SemanticError(
                        .invalidFile, cube: cube, member: member,
                        "row_level_security level '\(level)' is not one of City, State, Zone")
                }
                let parts = member.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, model.cubes[parts[0]]?.dimension(parts[1]) != nil else {
                    throw SemanticError(
                        .unknownReference, cube: cube, member: member,
                        "row_level_security level \(level) names \(member), which is not a dimension of the model")
                }
                guard model.joinGraph.path(from: cube, to: parts[0]) != nil else {
                    throw SemanticError(
                        .unknownReference, cube: cube, member: member,
                        "row_level_security level \(level) names \(member), which cube \(cube) cannot reach by its joins")
                }
            }
        }
    }

    /// `query` restricted to `territory`: for each applicable cube (see the type's
    /// description), an `equals` filter on its member for the territory's level, with the
    /// territory name as the value, ANDed with the query's filters. `National` changes nothing.
    ///
    /// Pass `model` so that view members count as their underlying cubes (the compiler does);
    /// without it a member counts as the cube its name starts with.
    /// - Throws: ``SemanticError`` `.accessDenied` when an applicable cube has no member for
    ///   the territory's level.
    public func restrict(_ query: CubeQuery, to territory: Territory, in model: DataModel? = nil) throws -> CubeQuery {
        guard territory.level != Territory.nationalLevel else { return query }
        let cubeOf = { (name: String) -> String in Self.cube(of: name, in: model) }
        var applicable = uniqueNames(query.measures.map(cubeOf)).filter { cubes[$0] != nil }
        if applicable.isEmpty {
            let others = query.dimensions + query.timeDimensions.map(\.dimension) + query.segments
                + query.filters.flatMap(Self.members)
            applicable = uniqueNames(others.map(cubeOf)).filter { cubes[$0] != nil }
        }
        var restricted = query
        var added: [String] = []
        for cube in applicable {
            guard let member = cubes[cube]?[territory.level] else {
                throw SemanticError(
                    .accessDenied, cube: cube,
                    "cube \(cube) has no row-level security rule for territory level \(territory.level)")
            }
            if added.contains(member) { continue }
            added.append(member)
            restricted.filters.append(.member(member, .equals, [territory.name]))
        }
        return restricted
    }

    /// The cube a query member belongs to: a view member's underlying cube, else the prefix.
    static func cube(of name: String, in model: DataModel?) -> String {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let prefix = parts.first else { return name }
        if parts.count == 2, let view = model?.views[prefix], let member = view.member(parts[1]) { return member.cube }
        return prefix
    }

    /// Every member a filter names, through `and` / `or`.
    static func members(_ filter: CubeQuery.Filter) -> [String] {
        switch filter {
        case .member(let name, _, _): return [name]
        case .and(let items), .or(let items): return items.flatMap(members)
        }
    }
}

/// What the compiler applies: the rules and the caller's territory.
public struct RowLevelRestriction: Sendable, Hashable {
    /// The rules.
    public var rules: RowLevelSecurity
    /// The caller's territory.
    public var territory: Territory

    /// Makes a restriction.
    public init(rules: RowLevelSecurity, territory: Territory) {
        self.rules = rules
        self.territory = territory
    }
}
