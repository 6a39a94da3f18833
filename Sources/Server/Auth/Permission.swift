/// What a role may do. Every route names the one permission it needs; the roles' sets come
/// from the configuration (`permissions:`), with ``RolePermissions/defaults`` otherwise.
public enum Permission: String, Sendable, Hashable, CaseIterable, Codable, CustomStringConvertible {
    /// Ask questions and answer clarifications (`/api/v1/ask…`).
    case ask
    /// See the SQL behind an answer (`sql` in answers, `/cubejs-api/v1/sql`).
    case viewSQL = "view_sql"
    /// Use Cube's REST and GraphQL APIs.
    case cubeAPI = "cube_api"
    /// Read usage, latency and cost (`/api/v1/metrics/…`).
    case viewMetrics = "view_metrics"
    /// Create, change and send insight digests.
    case manageInsights = "manage_insights"
    /// Administer the tenant.
    case admin

    /// The name used in configuration and in error messages.
    public var description: String { rawValue }
}

/// Which permissions each role holds.
public struct RolePermissions: Sendable, Hashable {
    /// Role → permissions.
    public var grants: [String: Set<Permission>]

    /// Makes a table; roles not named hold no permission.
    public init(_ grants: [String: Set<Permission>]) { self.grants = grants }

    /// The shipped table: executives read everything but the SQL, managers and analysts use
    /// the APIs, sales officers only ask, admins do all.
    public static let defaults = RolePermissions([
        "executive": [.ask, .cubeAPI, .viewMetrics],
        "manager": [.ask, .cubeAPI],
        "sales_rep": [.ask],
        "analyst": [.ask, .viewSQL, .cubeAPI],
        "admin": Set(Permission.allCases),
    ])

    /// Whether `role` holds `permission`.
    public func allows(_ role: String, _ permission: Permission) -> Bool {
        grants[role]?.contains(permission) ?? false
    }
}

extension RolePermissions: Decodable {
    /// Reads `{role: [permission, …]}`; an unknown role or permission is an error naming it,
    /// and a role left out keeps its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let table = try container.decode([String: [String]].self)
        var grants = Self.defaults.grants
        for (role, names) in table {
            guard AccessClaims.roles.contains(role) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "unknown role '\(role)'; roles are \(AccessClaims.roles.sorted().joined(separator: ", "))")
            }
            grants[role] = Set(
                try names.map { name in
                    guard let permission = Permission(rawValue: name) else {
                        throw DecodingError.dataCorruptedError(
                            in: container,
                            debugDescription:
                                "role \(role): unknown permission '\(name)'; permissions are \(Permission.allCases.map(\.rawValue).joined(separator: ", "))"
                        )
                    }
                    return permission
                })
        }
        self.grants = grants
    }
}
