public import Logging
public import Observability
import Foundation
import ServiceLifecycle
import Warehouse

extension UsageTracker {
    /// The tracker the configuration asks for: usage in `data/usage.sqlite` (or the
    /// PostgreSQL database of `observability.postgres_url`), priced with
    /// `config/llm_pricing.yaml`. A missing price file prices nothing (every LLM call is
    /// flagged unpriced) and says so in the log; a broken one is an error.
    public static func make(configuration: ConvAIConfiguration, logger: Logger) async throws -> UsageTracker {
        let settings = configuration.observability
        let store: UsageStore
        if let url = settings.postgresURL {
            store = try await UsageStore.postgres(
                try PostgresDatabase(url: url, logger: logger), retentionDays: settings.retentionDays, logger: logger)
        } else {
            store = try await UsageStore.sqlite(
                path: configuration.usageStorePath, retentionDays: settings.retentionDays, logger: logger)
        }
        let pricing: PricingTable
        if FileManager.default.fileExists(atPath: configuration.pricingPath) {
            pricing = try PricingTable.load(path: configuration.pricingPath)
        } else {
            logger.warning(
                "no LLM price list; LLM calls are recorded unpriced", metadata: ["path": "\(configuration.pricingPath)"])
            pricing = .empty
        }
        return UsageTracker(store: store, pricing: pricing, logger: logger)
    }
}

/// Runs the tracker's writer beside the HTTP server. The server stops first on SIGTERM
/// (Hummingbird shuts its own services down after the listener), then this drains the
/// queue into the store and closes it, so nothing answered before the signal is lost.
struct UsageTrackerService: Service {
    let tracker: UsageTracker

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await tracker.run() }
            try? await gracefulShutdown()
            await tracker.shutdown()
            await group.waitForAll()
        }
    }
}
