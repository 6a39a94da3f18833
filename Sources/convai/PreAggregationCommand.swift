import ArgumentParser
import Foundation
import Semantic
import Server
import Warehouse

struct PreAggregationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preagg", abstract: "Build and refresh the rollups of a tenant's data model.",
        subcommands: [Refresh.self])

    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refresh",
            abstract: "Build or refresh the tenant's rollups as tables in its own database (incrementally, unless --full).")

        @OptionGroup var options: GlobalOptions

        @Option(help: "The tenant whose rollups to refresh.")
        var tenant: String

        @Option(name: .customLong("rollup"), help: "Only this rollup (Cube.name); repeatable.")
        var only: [String] = []

        @Flag(help: "Rebuild every partition, not only those in the refresh key's update window.")
        var full = false

        func run() async throws {
            let logger = options.makeLogger()
            let configuration = try options.loadConfiguration()
            let catalog = SemanticCatalog.load(configuration: configuration, logger: logger)
            let router = TenantRouter(tenants: configuration.tenants, logger: logger)
            do {
                let refresher = PreAggregationRefresher(model: try catalog.dataModel(for: tenant), database: try await router.database(for: tenant))
                let rollups = refresher.rollups.filter { only.isEmpty || only.contains($0.id) }
                if let unknown = only.first(where: { name in !refresher.rollups.contains { $0.id == name } }) {
                    throw ValidationError("no rollup '\(unknown)' in \(tenant)'s model; it has \(refresher.rollups.map(\.id).joined(separator: ", "))")
                }
                if rollups.isEmpty { print("\(tenant): the data model declares no rollups") }
                for rollup in rollups {
                    let started = ContinuousClock.now
                    let report = try await refresher.refresh(rollup, full: full) { line in print("[preagg] \(line)") }
                    let seconds = Double((ContinuousClock.now - started) / .milliseconds(1)) / 1000
                    print("\(report.id): \(report.rebuilt.count) partition(s) built, \(report.kept) kept, \(report.rows) rows, \(String(format: "%.1f", seconds)) s")
                }
            } catch {
                await router.closeAll()
                throw error
            }
            await router.closeAll()
        }
    }
}
