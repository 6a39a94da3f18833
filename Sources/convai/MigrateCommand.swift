import ArgumentParser
import Foundation
import Server
import Warehouse

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate", abstract: "Create or update the warehouse schema of one tenant, or of all.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "The tenant to migrate; all tenants when left out.")
    var tenant: String?

    func run() async throws {
        let logger = options.makeLogger()
        let configuration = try options.loadConfiguration()
        let router = TenantRouter(tenants: configuration.tenants, logger: logger)
        let ids = try tenant.map { [try router.configuration(for: $0).id] } ?? router.tenantIDs
        do {
            for id in ids {
                let database = try await router.database(for: id)
                let migrations = try Migration.load(from: configuration.databaseFolder, dialect: database.dialect)
                let report = try await MigrationRunner(database: database, migrations: migrations, logger: logger).run()
                if report.applied.isEmpty {
                    print("\(id): up to date (\(report.alreadyApplied.count) migration(s) applied earlier)")
                } else {
                    let names = report.applied.map { v in "\(v) \(migrations.first { $0.version == v }?.name ?? "")" }
                    print("\(id): applied \(names.joined(separator: ", "))")
                }
            }
        } catch {
            await router.closeAll()
            throw error
        }
        await router.closeAll()
    }
}
