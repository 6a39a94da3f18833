import Foundation
import Logging
import Semantic
import ServiceLifecycle
import Warehouse

/// Keeps every tenant's rollups fresh while the server runs: each rollup is refreshed
/// (incrementally) when its refresh key's `every` has passed since its last build, or when a
/// transform finished since (`etl_transform_runs`: new data should not wait for the hour),
/// and the registry learns the new refresh time, which also retires the cached results read
/// from the old one. A tenant whose refresh fails keeps its last build and is tried again later.
struct PreAggregationRefreshService: Service {
    let tenants: TenantRouter
    let semantic: SemanticCatalog
    let registry: PreAggregationRegistry
    let logger: Logger
    /// How often due rollups are looked for.
    var pollInterval: Duration = .seconds(10)

    func run() async throws {
        // A refresh in progress is abandoned at shutdown: its partition's transaction rolls
        // back and the previous build stays.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                for tenant in tenants.tenantIDs where !Task.isCancelled {
                    await refreshDue(tenant)
                }
                try await Task.sleep(for: pollInterval)
            }
        }
    }

    func refreshDue(_ tenant: String) async {
        guard let model = try? semantic.dataModel(for: tenant) else { return }
        do {
            let refresher = PreAggregationRefresher(model: model, database: try await tenants.database(for: tenant))
            guard !refresher.rollups.isEmpty else { return }
            let before = Dictionary(try await refresher.builtRollups().map { ($0.rollup.id, $0.refreshedAt) }, uniquingKeysWith: { $1 })
            let now = Date()
            let transformed = await lastTransform(in: refresher.database)
            var refreshed = false
            for rollup in refresher.rollups {
                if let last = before[rollup.id], now.timeIntervalSince(last) < Double(rollup.refreshKey.everySeconds),
                    transformed.map({ $0 <= last }) ?? true
                {
                    continue
                }
                let started = ContinuousClock.now
                let report = try await refresher.refresh(rollup)
                refreshed = true
                logger.info(
                    "refreshed rollup",
                    metadata: [
                        "tenant": "\(tenant)", "rollup": "\(report.id)", "partitions.built": "\(report.rebuilt.count)",
                        "partitions.kept": "\(report.kept)", "rows": "\(report.rows)",
                        "duration_ms": "\(Int((ContinuousClock.now - started) / .milliseconds(1)))",
                    ])
            }
            if refreshed || before.isEmpty {
                await registry.update(tenant, .init(try await refresher.builtRollups()))
            }
        } catch {
            logger.warning("rollup refresh failed; the last build stays in use", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
        }
    }

    /// When the last transform finished (UTC), if the database records transforms.
    private func lastTransform(in database: any Database) async -> Date? {
        guard let result = try? await database.query("SELECT max(finished_at) FROM etl_transform_runs", []) else { return nil }
        switch result.scalar {
        case .timestamp(let finished)?: return Date(timeIntervalSince1970: Double(finished.microsecondsSinceEpoch) / 1_000_000)
        // SQLite keeps timestamps as text.
        case .string(let text)?:
            return SQLTimestamp(iso: text).map { Date(timeIntervalSince1970: Double($0.microsecondsSinceEpoch) / 1_000_000) }
        default: return nil
        }
    }
}
