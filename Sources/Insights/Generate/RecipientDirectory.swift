import Foundation
public import Semantic
public import Warehouse

/// The people who receive insights: the sales hierarchy (`dim_sales_hierarchy`, read through
/// the `SalesHierarchy` cube), each with the territory of their level — SO a city, ASM a
/// state, ZSM a zone, NSM the whole tenant.
public struct RecipientDirectory: Sendable {
    /// The application role of each hierarchy level.
    public static let roles = ["SO": "sales_rep", "ASM": "manager", "ZSM": "manager", "NSM": "executive"]

    /// The tenant's model.
    public let model: DataModel
    /// The tenant's database.
    public let database: any Database

    /// Makes a directory.
    public init(model: DataModel, database: any Database) {
        self.model = model
        self.database = database
    }

    /// Everyone in the hierarchy, NSM first, then by level and name.
    public func recipients(asOf: SQLDate) async throws -> [Recipient] {
        let members = [
            "SalesHierarchy.employeeId", "SalesHierarchy.employeeName", "SalesHierarchy.email", "SalesHierarchy.role",
            "SalesHierarchy.territoryLevel", "SalesHierarchy.territoryName",
        ]
        let compiled = try QueryCompiler(model: model, dialect: database.dialect, maximumRows: 1_000_000)
            .compile(CubeQuery(dimensions: members, limit: 1_000_000), asOf: asOf)
        let result = try await database.query(compiled.sql, compiled.binds)
        let positions = members.map { member in compiled.columns.firstIndex { $0.member == member }! }
        let levelOrder = ["NSM": 0, "ZSM": 1, "ASM": 2, "SO": 3]
        return result.rows.compactMap { row -> Recipient? in
            func text(_ index: Int) -> String? {
                let value = row[positions[index]]
                return value.isNull ? nil : (value.stringValue ?? value.description)
            }
            // A row without an employee id names nobody a digest or a token could be for.
            guard let id = text(0), !id.isEmpty else { return nil }
            let level = text(4) ?? ""
            let hierarchyRole = text(3) ?? ""
            let territory: RecipientTerritory?
            if level.caseInsensitiveCompare(Territory.nationalLevel) == .orderedSame {
                territory = nil
            } else if let known = RecipientTerritory(parsing: "\(level):\(text(5) ?? "")") {
                territory = known
            } else {
                // A row whose territory is unreadable gets nothing rather than everything.
                return nil
            }
            return Recipient(
                id: id, name: text(1) ?? "", email: text(2), role: Self.roles[hierarchyRole] ?? "sales_rep",
                hierarchyRole: hierarchyRole, territory: territory)
        }
        .sorted { (levelOrder[$0.hierarchyRole ?? ""] ?? 9, $0.name) < (levelOrder[$1.hierarchyRole ?? ""] ?? 9, $1.name) }
    }
}
