import ArgumentParser
import Foundation
import Server
import Transform
import Warehouse

struct TransformCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transform",
        abstract: "Build the marts of the dbt project in transform/ on a tenant's database, then run its schema tests.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "The tenant whose database to transform.")
    var tenant: String

    @Option(name: .customLong("select"), help: "dbt selector (name, name+, +name, path:models/marts); repeatable.")
    var selectors: [String] = []

    @Flag(help: "Rebuild incremental models from scratch.")
    var fullRefresh = false

    @Option(name: .customLong("var"), help: "A project variable as name=value; repeatable.")
    var variables: [String] = []

    @Flag(help: "Build the models but skip the schema tests.")
    var skipTests = false

    @Option(help: "The dbt project folder (default: transform/ under the project root).")
    var project: String?

    func validate() throws {
        for variable in variables where !variable.contains("=") || variable.hasPrefix("=") {
            throw ValidationError("--var takes name=value, got '\(variable)'")
        }
    }

    func run() async throws {
        let logger = options.makeLogger()
        let configuration = try options.loadConfiguration()
        let folder = project.map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: configuration.root).appendingPathComponent("transform")
        let dbtProject = try DbtProject.load(from: folder)
        let router = TenantRouter(tenants: configuration.tenants, logger: logger)
        var vars: [String: String] = [:]
        for variable in variables {
            let parts = variable.split(separator: "=", maxSplits: 1)
            vars[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        let report: TransformRunner.Report
        do {
            let database = try await router.database(for: tenant)
            let runner = TransformRunner(
                project: dbtProject, database: database, schema: try router.configuration(for: tenant).database.schema,
                logger: logger)
            report = try await runner.run(
                .init(select: selectors, fullRefresh: fullRefresh, vars: vars, runTests: !skipTests), progress: Self.show)
        } catch {
            await router.closeAll()
            throw error
        }
        await router.closeAll()
        print("\(tenant): \(report.summary)")
        for model in report.models where model.status == .error {
            print("ERROR \(model.message ?? model.name)")
        }
        for test in report.tests where test.status == .fail || test.status == .error {
            print("FAIL \(test.name) (\(test.file)): \(test.message ?? "\(test.failures) failing row(s)")")
        }
        if !report.succeeded { throw ExitCode.failure }
    }

    @Sendable static func show(_ event: TransformRunner.Event) {
        let line: String
        switch event {
        case .modelStarted:
            return
        case .modelFinished(let index, let total, let result):
            let label = "\(index) of \(total) \(result.status == .success ? "OK" : result.status.rawValue.uppercased()) "
                + "\(result.action) \(result.name)"
            let detail = result.status == .success
                ? (result.rows.map { "\($0) rows, " } ?? "") + String(format: "%.2fs", result.seconds)
                : (result.message ?? "")
            line = label.padding(toLength: max(label.count, 58), withPad: ".", startingAt: 0) + " [" + detail + "]"
        case .testFinished(let index, let total, let result):
            let label = "\(index) of \(total) \(result.status.rawValue.uppercased()) \(result.name)"
            line = label.padding(toLength: max(label.count, 58), withPad: ".", startingAt: 0)
                + (result.failures > 0 ? " [\(result.failures) failing]" : "")
        }
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
