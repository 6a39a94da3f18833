public import Foundation
public import Warehouse

/// What a usage summary is grouped by.
public enum UsageBreakdown: String, Sendable, CaseIterable {
    /// One row per tenant.
    case tenant
    /// One row per department (nil key: requests without a department).
    case department
    /// One row per customer (nil key: requests without a customer).
    case customer
    /// One row per user.
    case user
}

/// One group of a usage summary over a window of days.
public struct UsageSummaryRow: Sendable, Hashable {
    /// The tenant the group belongs to (for `by: .tenant`, the group itself).
    public var tenant: String
    /// The department, customer or user (or tenant); nil when the requests had none.
    public var key: String?
    /// Asks and API queries.
    public var queries: Int
    /// Requests answered with numbers.
    public var answered: Int
    /// Requests answered with a clarifying question.
    public var clarifications: Int
    /// Requests refused.
    public var rejected: Int
    /// Requests that failed.
    public var errors: Int
    /// Requests served from a cache.
    public var cacheHits: Int
    /// Requests that made an LLM call.
    public var llmCalls: Int
    /// LLM input tokens (cached ones included).
    public var inputTokens: Int
    /// LLM output tokens.
    public var outputTokens: Int
    /// LLM input tokens served from the prompt cache.
    public var cachedInputTokens: Int
    /// The cost of the priced LLM calls, in USD, exact.
    public var costUSD: Decimal
    /// LLM calls of models without a price (their tokens are counted, their cost is not).
    public var unpricedCalls: Int
    /// Mean total latency, in ms.
    public var averageLatencyMs: Double
    /// 95th percentile of total latency, in ms, from the roll-up's latency histogram
    /// (interpolated within a bucket of ±25 %, capped at the maximum seen).
    public var p95LatencyMs: Double
    /// (answered + clarifications) / queries: a clarifying question is a successful reply.
    public var successRate: Double
    /// Distinct users in the group over the window.
    public var uniqueUsers: Int
}

/// A question and how often it was asked.
public struct QuestionCount: Sendable, Hashable {
    /// The normalised question.
    public var question: String
    /// How many times it was asked.
    public var count: Int
}

/// LLM usage and cost of one provider and model over a window.
public struct ModelCostRow: Sendable, Hashable {
    /// `openai`, `azure_openai`, `anthropic`.
    public var provider: String
    /// The model as reported.
    public var model: String
    /// LLM calls.
    public var calls: Int
    /// Input tokens (cached included).
    public var inputTokens: Int
    /// Output tokens.
    public var outputTokens: Int
    /// Cached input tokens.
    public var cachedInputTokens: Int
    /// Cost of the priced calls, USD, exact.
    public var costUSD: Decimal
    /// Calls without a price.
    public var unpricedCalls: Int
}

/// One UTC day of the daily series.
public struct DailyRow: Sendable, Hashable {
    /// The UTC day.
    public var day: SQLDate
    /// Asks and API queries.
    public var queries: Int
    /// Failed requests.
    public var errors: Int
    /// LLM input tokens.
    public var inputTokens: Int
    /// LLM output tokens.
    public var outputTokens: Int
    /// LLM cached input tokens.
    public var cachedInputTokens: Int
    /// Cost, USD, exact.
    public var costUSD: Decimal
    /// Mean latency, ms (0 on a day without requests).
    public var averageLatencyMs: Double
    /// Approximate p95 latency, ms (see ``UsageSummaryRow/p95LatencyMs``).
    public var p95LatencyMs: Double
    /// (answered + clarifications) / queries; 0 on a day without requests.
    public var successRate: Double
    /// Distinct users that day.
    public var uniqueUsers: Int
}

/// The read side of the usage store: summaries for dashboards, the CLI and the HTTP API.
///
/// Windows are `days` whole UTC days ending with the day of `now`, inclusive. A nil
/// `tenant` covers all tenants (summary rows stay per tenant). Everything is read from
/// the daily roll-ups, so a 30-day breakdown reads (days × groups) rows whatever the
/// number of requests.
public struct UsageReport: Sendable {
    let store: UsageStore

    /// A report over `store`.
    public init(store: UsageStore) {
        self.store = store
    }

    private var database: any Database { store.database }

    private func dayWindow(days: Int, now: Date) -> (from: Int64, to: Int64, first: SQLDate, last: SQLDate) {
        let last = PricingTable.utcDay(now)
        let first = last.adding(days: -(max(1, days) - 1))
        return (UsageStore.dayNumber(first), UsageStore.dayNumber(last), first, last)
    }

    /// WHERE clause and binds for a day window and optional tenant, with markers from `start`.
    private func filter(_ window: (from: Int64, to: Int64), tenant: String?, start: Int = 1, extra: [(String, Value)] = [])
        -> (String, [Value])
    {
        let dialect = database.dialect
        var conditions: [String] = []
        var binds: [Value] = []
        for (column, value) in extra {
            binds.append(value)
            conditions.append("\(column) = \(dialect.parameterMarker(start + binds.count - 1))")
        }
        binds.append(.int(window.from))
        conditions.append("day >= \(dialect.parameterMarker(start + binds.count - 1))")
        binds.append(.int(window.to))
        conditions.append("day <= \(dialect.parameterMarker(start + binds.count - 1))")
        if let tenant {
            binds.append(.string(tenant))
            conditions.append("tenant = \(dialect.parameterMarker(start + binds.count - 1))")
        }
        return ("WHERE " + conditions.joined(separator: " AND "), binds)
    }

    /// Totals per group over the window, most queries first.
    public func summary(tenant: String?, by breakdown: UsageBreakdown, days: Int, now: Date = Date()) async throws
        -> [UsageSummaryRow]
    {
        let window = dayWindow(days: days, now: now)
        let (whereClause, binds) = filter(
            (window.from, window.to), tenant: tenant, extra: [("dimension", .string(breakdown.rawValue))])
        let sums = (UsageStore.rollupCounters + ["latency_sum_ms"] + LatencyHistogram.columns).map { "SUM(\($0))" }
        let result = try await database.query(
            "SELECT tenant, member, MAX(latency_max_ms), \(sums.joined(separator: ", ")) FROM usage_rollup \(whereClause) "
                + "GROUP BY tenant, member",
            binds)

        let userColumn: String? =
            switch breakdown {
            case .tenant: nil
            case .department: "department"
            case .customer: "customer"
            case .user: "user_id"
            }
        let (userWhere, userBinds) = filter((window.from, window.to), tenant: tenant)
        let groupColumns = ["tenant"] + (userColumn.map { [$0] } ?? [])
        let distinct = try await database.query(
            "SELECT \(groupColumns.joined(separator: ", ")), COUNT(DISTINCT user_id) FROM usage_users \(userWhere) "
                + "GROUP BY \(groupColumns.joined(separator: ", "))",
            userBinds)
        var uniqueUsers: [String: Int] = [:]
        for row in distinct.rows {
            let tenant = row[0].stringValue ?? ""
            let member = userColumn == nil ? tenant : (row[1].stringValue ?? "")
            uniqueUsers[tenant + "\u{1F}" + member] = Self.int(row[groupColumns.count])
        }

        var rows: [UsageSummaryRow] = []
        for row in result.rows {
            let rowTenant = row[0].stringValue ?? ""
            let member = row[1].stringValue ?? ""
            let maxMs = row[2].doubleValue ?? 0
            let c = (3..<row.count).map { Self.int(row[$0]) }
            let latencySum = row[3 + UsageStore.rollupCounters.count].doubleValue ?? 0
            var histogram = LatencyHistogram()
            let histogramStart = UsageStore.rollupCounters.count + 1
            for bucket in 0..<LatencyHistogram.bucketCount { histogram.counts[bucket] = Int64(c[histogramStart + bucket]) }
            let queries = c[0]
            rows.append(
                UsageSummaryRow(
                    tenant: rowTenant, key: member.isEmpty ? nil : member, queries: queries, answered: c[1],
                    clarifications: c[2], rejected: c[3], errors: c[4], cacheHits: c[5], llmCalls: c[7],
                    inputTokens: c[9], outputTokens: c[10], cachedInputTokens: c[11],
                    costUSD: UsageStore.usd(e10: Int64(c[12])), unpricedCalls: c[8],
                    averageLatencyMs: queries > 0 ? latencySum / Double(queries) : 0,
                    p95LatencyMs: histogram.percentile(0.95, maxMs: maxMs) ?? 0,
                    successRate: queries > 0 ? Double(c[1] + c[2]) / Double(queries) : 0,
                    uniqueUsers: uniqueUsers[rowTenant + "\u{1F}" + member] ?? 0))
        }
        return rows.sorted { ($0.queries, $1.tenant, $1.key ?? "") > ($1.queries, $0.tenant, $0.key ?? "") }
    }

    /// The most asked normalised questions over the window, most frequent first (ties by text).
    public func topQuestions(tenant: String?, days: Int, limit: Int = 10, now: Date = Date()) async throws
        -> [QuestionCount]
    {
        let window = dayWindow(days: days, now: now)
        let (whereClause, binds) = filter((window.from, window.to), tenant: tenant)
        let result = try await database.query(
            "SELECT question, SUM(queries) AS asked FROM usage_questions \(whereClause) GROUP BY question "
                + "ORDER BY asked DESC, question LIMIT \(database.dialect.parameterMarker(binds.count + 1))",
            binds + [.int(Int64(max(0, limit)))])
        return result.rows.map { QuestionCount(question: $0[0].stringValue ?? "", count: Self.int($0[1])) }
    }

    /// LLM calls, tokens and cost per provider and model over the window, costliest first.
    public func costByModel(tenant: String?, days: Int, now: Date = Date()) async throws -> [ModelCostRow] {
        let window = dayWindow(days: days, now: now)
        let (whereClause, binds) = filter((window.from, window.to), tenant: tenant)
        let sums = UsageStore.modelCounters.map { "SUM(\($0))" }.joined(separator: ", ")
        let result = try await database.query(
            "SELECT provider, model, \(sums) FROM usage_models \(whereClause) GROUP BY provider, model", binds)
        let rows = result.rows.map { row in
            ModelCostRow(
                provider: row[0].stringValue ?? "", model: row[1].stringValue ?? "", calls: Self.int(row[2]),
                inputTokens: Self.int(row[3]), outputTokens: Self.int(row[4]), cachedInputTokens: Self.int(row[5]),
                costUSD: UsageStore.usd(e10: Int64(Self.int(row[6]))), unpricedCalls: Self.int(row[7]))
        }
        return rows.sorted { ($0.costUSD, $1.provider, $1.model) > ($1.costUSD, $0.provider, $0.model) }
    }

    /// One row per UTC day of the window, oldest first, days without requests included as zeros.
    public func daily(tenant: String?, days: Int, now: Date = Date()) async throws -> [DailyRow] {
        let window = dayWindow(days: days, now: now)
        let (whereClause, binds) = filter(
            (window.from, window.to), tenant: tenant, extra: [("dimension", .string(UsageBreakdown.tenant.rawValue))])
        let sums = (UsageStore.rollupCounters + ["latency_sum_ms"] + LatencyHistogram.columns).map { "SUM(\($0))" }
        let result = try await database.query(
            "SELECT day, MAX(latency_max_ms), \(sums.joined(separator: ", ")) FROM usage_rollup \(whereClause) GROUP BY day",
            binds)
        let (userWhere, userBinds) = filter((window.from, window.to), tenant: tenant)
        let distinct = try await database.query(
            "SELECT day, COUNT(DISTINCT \(tenant == nil ? "tenant || '/' || user_id" : "user_id")) FROM usage_users "
                + "\(userWhere) GROUP BY day",
            userBinds)
        var users: [Int64: Int] = [:]
        for row in distinct.rows { users[row[0].intValue ?? 0] = Self.int(row[1]) }
        var byDay: [Int64: DailyRow] = [:]
        for row in result.rows {
            let number = row[0].intValue ?? 0
            guard let day = UsageStore.day(fromNumber: number) else { continue }
            let maxMs = row[1].doubleValue ?? 0
            let c = (2..<row.count).map { Self.int(row[$0]) }
            let latencySum = row[2 + UsageStore.rollupCounters.count].doubleValue ?? 0
            var histogram = LatencyHistogram()
            let histogramStart = UsageStore.rollupCounters.count + 1
            for bucket in 0..<LatencyHistogram.bucketCount { histogram.counts[bucket] = Int64(c[histogramStart + bucket]) }
            let queries = c[0]
            byDay[number] = DailyRow(
                day: day, queries: queries, errors: c[4], inputTokens: c[9], outputTokens: c[10], cachedInputTokens: c[11],
                costUSD: UsageStore.usd(e10: Int64(c[12])),
                averageLatencyMs: queries > 0 ? latencySum / Double(queries) : 0,
                p95LatencyMs: histogram.percentile(0.95, maxMs: maxMs) ?? 0,
                successRate: queries > 0 ? Double(c[1] + c[2]) / Double(queries) : 0, uniqueUsers: users[number] ?? 0)
        }
        var series: [DailyRow] = []
        var day = window.first
        while day <= window.last {
            let number = UsageStore.dayNumber(day)
            series.append(
                byDay[number]
                    ?? DailyRow(
                        day: day, queries: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUSD: 0,
                        averageLatencyMs: 0, p95LatencyMs: 0, successRate: 0, uniqueUsers: 0))
            day = day.adding(days: 1)
        }
        return series
    }

    static func int(_ value: Value) -> Int {
        if let v = value.intValue { return Int(v) }
        if let d = value.doubleValue { return Int(d.rounded()) }
        return 0
    }
}
