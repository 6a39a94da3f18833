import ArgumentParser
import Server
import Warehouse

struct SQLCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sql",
        abstract: "Run SQL on a tenant's database (for operators; never exposed over HTTP).")

    @OptionGroup var options: GlobalOptions

    @Option(help: "The tenant whose database to query.")
    var tenant: String

    @Flag(help: "Print JSON (column names and types, one object per row) instead of a table.")
    var json = false

    @Argument(help: "The SQL statement.")
    var sql: String

    func run() async throws {
        let logger = options.makeLogger()
        let configuration = try options.loadConfiguration()
        let router = TenantRouter(tenants: configuration.tenants, logger: logger)
        do {
            let database = try await router.database(for: tenant)
            let result = try await database.query(sql, [])
            print(json ? result.renderJSON() : result.renderTable(), terminator: json ? "\n" : "")
        } catch {
            await router.closeAll()
            throw error
        }
        await router.closeAll()
    }
}
