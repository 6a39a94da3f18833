public import Semantic
public import Visualization

/// A person who receives insights: someone in the sales hierarchy (`dim_sales_hierarchy`),
/// or one added in the configuration, with the scope of data they may see.
public struct Recipient: Codable, Sendable, Hashable {
    /// `dim_sales_hierarchy.employee_id` as text, or the configured id.
    public var id: String
    /// The name to greet.
    public var name: String
    /// Where the e-mail digest goes; `nil` sends none.
    public var email: String?
    /// The application role (`executive`, `manager`, `sales_rep`, `analyst`, `admin`).
    public var role: String
    /// `SO`, `ASM`, `ZSM`, `NSM`, or `nil` for a configured recipient.
    public var hierarchyRole: String?
    /// The territory whose data they see; `nil` for the whole tenant.
    public var territory: RecipientTerritory?
    /// The names of the configured webhooks their alerts and digests are pushed to.
    public var webhooks: [String]

    /// Makes a recipient.
    public init(
        id: String, name: String, email: String?, role: String, hierarchyRole: String?,
        territory: RecipientTerritory?, webhooks: [String] = []
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.role = role
        self.hierarchyRole = hierarchyRole
        self.territory = territory
        self.webhooks = webhooks
    }
}

/// A recipient's territory (Codable twin of Semantic's ``Territory``).
public struct RecipientTerritory: Codable, Sendable, Hashable, CustomStringConvertible {
    /// `City`, `State` or `Zone`.
    public var level: String
    /// The city, state or zone.
    public var name: String

    /// Makes a territory.
    public init(level: String, name: String) {
        self.level = level
        self.name = name
    }

    /// Semantic's territory, for row-level restriction.
    public var territory: Territory { Territory(level: level, name: name) }

    /// `Mumbai (City)`.
    public var description: String { "\(name) (\(level))" }
}

/// One recipient's digest for one day: the top insights of their scope.
public struct Digest: Codable, Sendable, Hashable {
    /// The tenant id (`itc`).
    public var tenant: String
    /// The company's name (`ITC Limited`).
    public var tenantName: String
    /// Who it is for.
    public var recipient: Recipient
    /// The last day of data it covers (ISO date).
    public var asOf: String
    /// The insights, highest priority first.
    public var insights: [Insight]

    /// How its numbers are written: the tenant's `locale` (Indian lakh and crore by default).
    public var numberStyle: NumberFormat.Style

    /// Makes a digest.
    public init(
        tenant: String, tenantName: String, recipient: Recipient, asOf: String, insights: [Insight],
        numberStyle: NumberFormat.Style = .india
    ) {
        self.tenant = tenant
        self.tenantName = tenantName
        self.recipient = recipient
        self.asOf = asOf
        self.insights = insights
        self.numberStyle = numberStyle
    }

    private enum CodingKeys: String, CodingKey { case tenant, tenantName, recipient, asOf, insights, numberStyle }

    /// Reads a digest; one written before digests carried their number style is Indian.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        tenant = try container.decode(String.self, forKey: .tenant)
        tenantName = try container.decode(String.self, forKey: .tenantName)
        recipient = try container.decode(Recipient.self, forKey: .recipient)
        asOf = try container.decode(String.self, forKey: .asOf)
        insights = try container.decode([Insight].self, forKey: .insights)
        numberStyle = try container.decodeIfPresent(NumberFormat.Style.self, forKey: .numberStyle) ?? .india
    }

    /// "Mumbai (City)" or "All of ITC Limited".
    public var scopeDescription: String {
        recipient.territory.map { "\($0.name) (\($0.level))" } ?? "All of \(tenantName)"
    }
}
