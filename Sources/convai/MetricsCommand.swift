import ArgumentParser
import Foundation
import Logging
import Observability
import Server
import Warehouse

/// `convai metrics`: usage by tenant, department, customer or user, read from the usage
/// store the server writes (`<root>/data/usage.sqlite`).
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Usage, tokens, cost, latency and success over the last N days, from the usage store.")

    enum Report: String, ExpressibleByArgument, CaseIterable {
        case summary, questions, models, daily
    }

    @OptionGroup var options: GlobalOptions

    @Option(help: "Only this tenant (default: all tenants).")
    var tenant: String?

    @Option(help: "Group the summary by tenant, department, customer or user.")
    var by: String = UsageBreakdown.department.rawValue

    @Option(help: "Whole UTC days up to and including today.")
    var days = 30

    @Option(help: "summary (default), questions (top questions), models (cost by model) or daily.")
    var report: Report = .summary

    @Option(help: "Rows of the questions report.")
    var limit = 10

    @Option(help: "The usage store (default: <root>/data/usage.sqlite).")
    var store: String?

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        guard UsageBreakdown(rawValue: by) != nil else {
            throw ValidationError("--by must be one of \(UsageBreakdown.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard days > 0 else { throw ValidationError("--days must be positive") }
        guard limit > 0 else { throw ValidationError("--limit must be positive") }
    }

    func run() async throws {
        var logger = options.makeLogger()
        logger.logLevel = .warning
        let path = try store ?? URL(fileURLWithPath: options.loadConfiguration().root)
            .appendingPathComponent("data/usage.sqlite").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no usage store at \(path) (the server creates it when it records the first request)")
        }
        let usage = try await UsageStore.sqlite(path: path, logger: logger)
        let result: ResultSet
        do {
            result = try await table(UsageReport(store: usage))
        } catch {
            try? await usage.close()
            throw error
        }
        try await usage.close()
        print(json ? result.renderJSON() : result.renderTable(), terminator: json ? "\n" : "")
    }

    private func table(_ usage: UsageReport) async throws -> ResultSet {
        func column(_ name: String, _ kind: ColumnType.Kind, _ sql: String) -> Column {
            Column(name: name, type: ColumnType(kind: kind, sqlName: sql))
        }
        let text = ColumnType.Kind.string
        let int = ColumnType.Kind.int
        let real = ColumnType.Kind.double
        let money = ColumnType.Kind.decimal(precision: 38, scale: 10)
        func usd(_ value: Decimal) -> Value { SQLDecimal("\(value)").map(Value.decimal) ?? .string("\(value)") }
        func ms(_ value: Double) -> Value { .double((value * 10).rounded() / 10) }
        switch report {
        case .summary:
            let rows = try await usage.summary(tenant: tenant, by: UsageBreakdown(rawValue: by)!, days: days)
            return ResultSet(
                columns: [
                    column("tenant", text, "TEXT"), column(by, text, "TEXT"), column("queries", int, "BIGINT"),
                    column("success_rate", real, "DOUBLE"), column("errors", int, "BIGINT"),
                    column("avg_ms", real, "DOUBLE"), column("p95_ms", real, "DOUBLE"),
                    column("input_tokens", int, "BIGINT"), column("output_tokens", int, "BIGINT"),
                    column("cached_input_tokens", int, "BIGINT"), column("cost_usd", money, "DECIMAL"),
                    column("unpriced_calls", int, "BIGINT"), column("unique_users", int, "BIGINT"),
                ],
                rows: rows.map { row in
                    [
                        .string(row.tenant), row.key.map(Value.string) ?? .null, .int(Int64(row.queries)),
                        .double((row.successRate * 1000).rounded() / 1000), .int(Int64(row.errors)),
                        ms(row.averageLatencyMs), ms(row.p95LatencyMs), .int(Int64(row.inputTokens)),
                        .int(Int64(row.outputTokens)), .int(Int64(row.cachedInputTokens)), usd(row.costUSD),
                        .int(Int64(row.unpricedCalls)), .int(Int64(row.uniqueUsers)),
                    ]
                })
        case .questions:
            let rows = try await usage.topQuestions(tenant: tenant, days: days, limit: limit)
            return ResultSet(
                columns: [column("question", text, "TEXT"), column("count", int, "BIGINT")],
                rows: rows.map { [.string($0.question), .int(Int64($0.count))] })
        case .models:
            let rows = try await usage.costByModel(tenant: tenant, days: days)
            return ResultSet(
                columns: [
                    column("provider", text, "TEXT"), column("model", text, "TEXT"), column("calls", int, "BIGINT"),
                    column("input_tokens", int, "BIGINT"), column("output_tokens", int, "BIGINT"),
                    column("cached_input_tokens", int, "BIGINT"), column("cost_usd", money, "DECIMAL"),
                    column("unpriced_calls", int, "BIGINT"),
                ],
                rows: rows.map { row in
                    [
                        .string(row.provider), .string(row.model), .int(Int64(row.calls)), .int(Int64(row.inputTokens)),
                        .int(Int64(row.outputTokens)), .int(Int64(row.cachedInputTokens)), usd(row.costUSD),
                        .int(Int64(row.unpricedCalls)),
                    ]
                })
        case .daily:
            let rows = try await usage.daily(tenant: tenant, days: days)
            return ResultSet(
                columns: [
                    column("day", .date, "DATE"), column("queries", int, "BIGINT"), column("errors", int, "BIGINT"),
                    column("success_rate", real, "DOUBLE"), column("avg_ms", real, "DOUBLE"),
                    column("p95_ms", real, "DOUBLE"), column("input_tokens", int, "BIGINT"),
                    column("output_tokens", int, "BIGINT"), column("cost_usd", money, "DECIMAL"),
                    column("unique_users", int, "BIGINT"),
                ],
                rows: rows.map { row in
                    [
                        .date(row.day), .int(Int64(row.queries)), .int(Int64(row.errors)),
                        .double((row.successRate * 1000).rounded() / 1000), ms(row.averageLatencyMs),
                        ms(row.p95LatencyMs), .int(Int64(row.inputTokens)), .int(Int64(row.outputTokens)),
                        usd(row.costUSD), .int(Int64(row.uniqueUsers)),
                    ]
                })
        }
    }
}
