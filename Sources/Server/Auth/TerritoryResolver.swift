import JWTKit
import Foundation
import Semantic
import Synchronization
import Warehouse

/// Finds the sales territory that bounds a caller, for row-level security.
///
/// Roles named in `row_level_security.roles` are bounded. Their territory is the token's
/// `territory` claim (`City:Mumbai`, `State:Maharashtra`, `Zone:West`, or a bare name whose
/// level comes from the user's hierarchy row, else from the role: City for a sales_rep,
/// State for a manager), else the user's row in `dim_sales_hierarchy` (the `sub` claim is
/// the employee id or the e-mail). A bounded caller without a territory is refused: access
/// fails closed.
final class TerritoryResolver: Sendable {
    struct Denied: Error, CustomStringConvertible { var description: String }

    private struct Key: Hashable {
        var tenant: String
        var subject: String
    }

    private struct HierarchyRow: Sendable {
        var level: String
        var name: String
    }

    private let tenants: TenantRouter
    private let rules: RowLevelSecurity?
    private let timeToLive: Duration
    /// Hierarchy rows by tenant and user, with when they were read; nil = the user has none.
    private let cache = Mutex([Key: (row: HierarchyRow?, readAt: ContinuousClock.Instant)]())
    private static let levels = RowLevelSecurity.levels.sorted() + [Territory.nationalLevel]
    private static let maximumCachedUsers = 100_000

    init(tenants: TenantRouter, rules: RowLevelSecurity?, timeToLive: Duration = .seconds(300)) {
        self.tenants = tenants
        self.rules = rules
        self.timeToLive = timeToLive
    }

    /// The restriction for `claims`, or nil when the caller sees the whole tenant.
    func restriction(for claims: AccessClaims) async throws -> RowLevelRestriction? {
        guard let rules, rules.roles.contains(claims.role) else { return nil }
        let territory: Territory
        if let claim = claims.territory?.trimmingCharacters(in: .whitespaces), !claim.isEmpty {
            territory = try await self.territory(claim: claim, claims: claims)
        } else if let row = try await hierarchyRow(claims) {
            territory = Territory(level: row.level, name: row.name)
        } else {
            throw Denied(
                description:
                    "Forbidden: the role '\(claims.role)' sees one territory, and user '\(claims.sub.value)' has none (no territory claim, no dim_sales_hierarchy row)"
            )
        }
        return RowLevelRestriction(rules: rules, territory: territory)
    }

    private func territory(claim: String, claims: AccessClaims) async throws -> Territory {
        if let colon = claim.firstIndex(of: ":") {
            let level = claim[..<colon].trimmingCharacters(in: .whitespaces)
            let name = claim[claim.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard let known = Self.levels.first(where: { $0.caseInsensitiveCompare(level) == .orderedSame }), !name.isEmpty
            else {
                throw Denied(
                    description: "Forbidden: territory claim '\(claim)' is not Level:Name with a level of \(Self.levels.joined(separator: ", "))")
            }
            return Territory(level: known, name: name)
        }
        if let row = try await hierarchyRow(claims) { return Territory(level: row.level, name: claim) }
        return Territory(level: claims.role == "sales_rep" ? "City" : "State", name: claim)
    }

    private func hierarchyRow(_ claims: AccessClaims) async throws -> HierarchyRow? {
        let key = Key(tenant: claims.tenant, subject: claims.sub.value)
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[key] }), now - cached.readAt < timeToLive { return cached.row }
        let database = try await tenants.database(for: claims.tenant)
        let marker = database.dialect.parameterMarker(1)
        let subject = claims.sub.value
        let sql: String
        let bind: Value
        if let id = Int64(subject) {
            sql = "SELECT territory_level, territory_name FROM dim_sales_hierarchy WHERE employee_id = \(marker)"
            bind = .int(id)
        } else {
            sql = "SELECT territory_level, territory_name FROM dim_sales_hierarchy WHERE lower(email) = lower(\(marker))"
            bind = .string(subject)
        }
        let result = try await database.query(sql, [bind])
        // Several rows for one user (two e-mails alike, a duplicated id) would make the
        // territory a matter of row order: treat it as none, so access fails closed.
        let row = (result.rows.count == 1 ? result.rows.first : nil).flatMap { values -> HierarchyRow? in
            guard values.count == 2, case .string(let level) = values[0], case .string(let name) = values[1] else { return nil }
            return HierarchyRow(level: level, name: name)
        }
        cache.withLock { entries in
            if entries.count >= Self.maximumCachedUsers { entries.removeAll(keepingCapacity: true) }
            entries[key] = (row, now)
        }
        return row
    }
}
