import ArgumentParser
import Foundation
import Insights
import SampleData
import Semantic
import Server
import Warehouse

struct InsightsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insights",
        abstract: "Print the insights a tenant's people would get in today's digest.",
        discussion: """
            Reads the tenant's data once and ranks each recipient's insights: the national head's
            by default, one person's with --for EMPLOYEE_ID, everyone's with --all.
              convai insights --tenant itc --as-of 2026-12-06
              convai insights --tenant itc --for 41 --json
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "The tenant.")
    var tenant: String

    @Option(help: "The last day of data to use, YYYY-MM-DD (default: the latest day with sales).")
    var asOf: String?

    @Option(name: .customLong("for"), help: "The employee id (dim_sales_hierarchy) whose insights to print.")
    var employee: String?

    @Flag(help: "Every recipient's insights.")
    var all = false

    @Flag(help: "Print JSON.")
    var json = false

    @Option(help: "Run the detectors on every day of the data and compare with this planted.json (recall and false alarms).")
    var backtest: String?

    @Option(help: "With --backtest: the first day judged (default: 63 days after the first day of data, when eight weeks of baseline exist).")
    var from: String?

    func validate() throws {
        if let asOf, SQLDate(iso: asOf) == nil {
            throw ValidationError("--as-of must be a real date written YYYY-MM-DD, got '\(asOf)'")
        }
        if all && employee != nil { throw ValidationError("give --for or --all, not both") }
    }

    func run() async throws {
        let logger = options.makeLogger()
        let configuration = try options.loadConfiguration()
        let router = TenantRouter(tenants: configuration.tenants, logger: logger)
        do {
            try await run(service: try InsightService(configuration: configuration, tenants: router, logger: logger))
        } catch {
            await router.closeAll()
            throw error
        }
        await router.closeAll()
    }

    private func run(service: InsightService) async throws {
        let day = try await service.asOf(tenant: tenant, requested: asOf.flatMap { SQLDate(iso: $0) })
        let everyone = try await service.recipients(tenant: tenant, asOf: day)
        var chosen: [Recipient]
        if all {
            chosen = everyone
        } else if let employee {
            guard let person = everyone.first(where: { $0.id == employee }) else {
                throw ValidationError("tenant '\(tenant)' has no employee '\(employee)' in dim_sales_hierarchy")
            }
            chosen = [person]
        } else {
            // The national head's, or the whole tenant's view when there is no hierarchy.
            chosen = Array(everyone.filter { $0.territory == nil }.prefix(1))
            if chosen.isEmpty {
                chosen = [Recipient(id: "tenant", name: "Whole tenant", email: nil, role: "executive", hierarchyRole: nil, territory: nil)]
            }
        }
        if let backtest {
            let planted = try PlantedSignals(json: String(contentsOfFile: backtest, encoding: .utf8))
            let generator = try await service.generator(tenant: tenant)
            guard let first = SQLDate(iso: planted.startDate) else {
                throw ValidationError("\(backtest): startDate '\(planted.startDate)' is not a date")
            }
            let started = ContinuousClock.now
            let result = try await generator.backtest(
                from: from.flatMap { SQLDate(iso: $0) } ?? first.adding(days: 63), to: day, historyStart: first)
            let check = PlantedSignalCheck(backtest: result, planted: planted)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(check), as: UTF8.self))
            } else {
                print(check.table)
                print("(\(result.days.count) days judged in \((ContinuousClock.now - started).formatted(.units(allowed: [.milliseconds]))))")
            }
            return
        }
        let started = ContinuousClock.now
        let digests = try await service.digests(tenant: tenant, recipients: chosen, asOf: day)
        let elapsed = ContinuousClock.now - started
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try digests.count == 1 && !all ? encoder.encode(digests[0]) : encoder.encode(digests)
            print(String(decoding: data, as: UTF8.self))
        } else {
            for digest in digests {
                print("\(digest.recipient.name) (\(digest.recipient.hierarchyRole ?? digest.recipient.role), \(digest.scopeDescription)) — as of \(digest.asOf)")
                for (rank, insight) in digest.insights.enumerated() {
                    print("  \(rank + 1). [\(insight.tone.rawValue), \(Int(insight.priority.rounded()))] \(insight.title)")
                    print("     \(insight.text)")
                    print("     Ask: \(insight.followUpQuestion)")
                }
            }
            print("(\(digests.count) recipient\(digests.count == 1 ? "" : "s"), generated in \(elapsed.formatted(.units(allowed: [.milliseconds]))))")
        }
    }
}
