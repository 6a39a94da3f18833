import ArgumentParser
import Foundation
import Hummingbird
import Server
import Warehouse

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Start the HTTP server: GET /health and the Cube REST API under /cubejs-api/v1.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "The port to listen on (overrides the configuration; 0 picks a free one).")
    var port: Int?

    @Option(help: "The address to bind (overrides the configuration).")
    var host: String?

    @Flag(help: "Do not deliver insight digests and alerts here (run `convai scheduler` elsewhere).")
    var noScheduler = false

    @Flag(help: "Do not build and refresh the rollups here (run `convai preagg refresh` elsewhere).")
    var noPreaggregations = false

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be from 0 to 65535") }
    }

    func run() async throws {
        let logger = options.makeLogger()
        var configuration = try options.loadConfiguration()
        if let port { configuration.server.port = port }
        if let host { configuration.server.host = host }
        let tenants = TenantRouter(tenants: configuration.tenants, logger: logger)
        let host = configuration.server.host
        let app = try await buildApplication(
            configuration: configuration, tenants: tenants, logger: logger, runsInsightScheduler: !noScheduler,
            refreshesPreAggregations: !noPreaggregations,
            onServerRunning: { port in
                // Written straight to the file descriptor: a pipe reader (make, a test) sees it at once.
                FileHandle.standardOutput.write(
                    Data("ConvAI is running at http://\(host):\(port)  (health: http://\(host):\(port)/health)\n".utf8))
            })
        do {
            try await app.runService()
        } catch {
            await tenants.closeAll()
            throw error
        }
        await tenants.closeAll()
    }
}
