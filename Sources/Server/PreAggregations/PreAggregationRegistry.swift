import Foundation
import Logging
import Semantic
import Warehouse

/// Which rollups each tenant's database holds, built from the current model, and when each
/// was last refreshed: what queries may be read from.
///
/// Read from the database the first time a tenant's query needs it, and replaced by the
/// refresh service after each refresh. A database that cannot say (down, no rights) has no
/// rollups: queries go to the raw tables, which is always correct.
actor PreAggregationRegistry {
    struct Built: Sendable {
        var rollups: [PreAggregation] = []
        var refreshedAt: [String: Date] = [:]

        init() {}

        /// What ``PreAggregationRefresher/builtRollups()`` found.
        init(_ found: [(rollup: PreAggregation, refreshedAt: Date)]) {
            rollups = found.map(\.rollup)
            refreshedAt = Dictionary(found.map { ($0.rollup.id, $0.refreshedAt) }, uniquingKeysWith: { $1 })
        }
    }

    private let tenants: TenantRouter
    private let semantic: SemanticCatalog
    private let logger: Logger
    private var built: [String: Built] = [:]
    private var loading: [String: Task<Built, Never>] = [:]

    init(tenants: TenantRouter, semantic: SemanticCatalog, logger: Logger) {
        self.tenants = tenants
        self.semantic = semantic
        self.logger = logger
    }

    /// The tenant's usable rollups, read once.
    func built(for tenant: String) async -> Built {
        if let known = built[tenant] { return known }
        if let task = loading[tenant] { return await task.value }
        let task = Task { await self.read(tenant) }
        loading[tenant] = task
        let result = await task.value
        loading[tenant] = nil
        if built[tenant] == nil { built[tenant] = result }
        return built[tenant]!
    }

    /// Replaces what is known of the tenant's rollups (after a refresh).
    func update(_ tenant: String, _ value: Built) { built[tenant] = value }

    private func read(_ tenant: String) async -> Built {
        do {
            let refresher = PreAggregationRefresher(model: try semantic.dataModel(for: tenant), database: try await tenants.database(for: tenant))
            return Built(try await refresher.builtRollups())
        } catch {
            logger.warning("cannot read which rollups are built; queries read the raw tables", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
            return Built()
        }
    }
}
