public import Foundation
public import Logging
public import Warehouse

/// Usage events in SQL, over any ``Database``: SQLite by default (one server), PostgreSQL
/// when several server instances share one store.
///
/// Tables:
/// - `usage_events`: one row per ask or API query, indexed by tenant and time and by
///   tenant + department / customer / user + time (one index per breakdown), and by time
///   for retention.
/// - `usage_rollup`: per UTC day, tenant and breakdown (`tenant`, `department`,
///   `customer`, `user`) member: counts by outcome, tokens, cost, latency sum and maximum
///   and a latency histogram (see ``LatencyHistogram``). Summaries and the daily series
///   read only this table.
/// - `usage_users` (day, tenant, department, customer, user): for unique users.
/// - `usage_models` (day, tenant, provider, model): cost by model.
/// - `usage_questions` (day, tenant, normalised question): top questions.
///
/// Each ``write(_:pricing:)`` inserts the raw rows and adds the batch to the roll-ups
/// (`INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`, which both engines speak)
/// in one transaction, so the roll-ups always equal the raw rows they summarise, also
/// with several writers. Costs are stored as whole units of 10⁻¹⁰ USD (`cost_e10`), exact
/// for prices given with up to four decimals per million tokens, and as the exact
/// decimal text in `usage_events.cost_usd`. Absent departments and customers are stored
/// as '' in the roll-ups (reported as nil).
public final class UsageStore: Sendable {
    let database: any Database
    /// Days of history kept by ``purge(olderThan:now:)`` when the tracker runs it.
    public let retentionDays: Int
    let logger: Logger
    var dialect: SQLDialect { database.dialect }

    init(database: any Database, retentionDays: Int, logger: Logger) {
        self.database = database
        self.retentionDays = retentionDays
        self.logger = logger
    }

    /// Opens (creating when missing) an SQLite store in WAL mode; `path: nil` is in memory.
    public static func sqlite(path: String?, retentionDays: Int = 400, logger: Logger) async throws -> UsageStore {
        let database = try SQLiteDatabase(
            configuration: .init(path: path, maxConnections: 4, pragmas: ["synchronous": "NORMAL"]), logger: logger)
        let store = UsageStore(database: database, retentionDays: retentionDays, logger: logger)
        do {
            try await store.createSchema()
        } catch {
            try? await database.close()
            throw error
        }
        return store
    }

    /// A store in an open PostgreSQL database (its current schema); the tables are created when missing.
    /// ``close()`` closes `database`.
    public static func postgres(_ database: any Database, retentionDays: Int = 400, logger: Logger) async throws -> UsageStore {
        let store = UsageStore(database: database, retentionDays: retentionDays, logger: logger)
        try await store.createSchema()
        return store
    }

    /// Closes the database.
    public func close() async throws {
        try await database.close()
    }

    // MARK: - Schema

    static let eventColumns = [
        "at_ms", "day", "kind", "tenant", "user_id", "department", "customer", "question", "normalized_question",
        "outcome", "error_class", "total_ms", "parse_ms", "compile_ms", "database_ms", "rows_returned", "cache_hit",
        "llm_provider", "llm_model", "input_tokens", "output_tokens", "cached_input_tokens", "cost_e10", "cost_usd",
        "unpriced",
    ]

    /// The additive counters of `usage_rollup`, in order.
    static let rollupCounters = [
        "queries", "answered", "clarifications", "rejected", "errors", "cache_hits", "rows_returned", "llm_calls",
        "unpriced_calls", "input_tokens", "output_tokens", "cached_input_tokens", "cost_e10",
    ]

    static let modelCounters = ["calls", "input_tokens", "output_tokens", "cached_input_tokens", "cost_e10", "unpriced_calls"]

    func createSchema() async throws {
        let int = dialect == .postgres ? "BIGINT" : "INTEGER"
        let real = dialect == .postgres ? "DOUBLE PRECISION" : "REAL"
        let histogram = LatencyHistogram.columns.map { "\($0) \(int) NOT NULL DEFAULT 0" }.joined(separator: ", ")
        let counters = Self.rollupCounters.map { "\($0) \(int) NOT NULL DEFAULT 0" }.joined(separator: ", ")
        let statements = [
            """
            CREATE TABLE IF NOT EXISTS usage_events (
                at_ms \(int) NOT NULL, day \(int) NOT NULL, kind TEXT NOT NULL, tenant TEXT NOT NULL,
                user_id TEXT NOT NULL, department TEXT, customer TEXT, question TEXT, normalized_question TEXT,
                outcome TEXT NOT NULL, error_class TEXT, total_ms \(real) NOT NULL, parse_ms \(real), compile_ms \(real),
                database_ms \(real), rows_returned \(int), cache_hit \(int) NOT NULL, llm_provider TEXT, llm_model TEXT,
                input_tokens \(int), output_tokens \(int), cached_input_tokens \(int), cost_e10 \(int), cost_usd TEXT,
                unpriced \(int) NOT NULL DEFAULT 0)
            """,
            "CREATE INDEX IF NOT EXISTS usage_events_at ON usage_events (at_ms)",
            "CREATE INDEX IF NOT EXISTS usage_events_tenant ON usage_events (tenant, at_ms)",
            "CREATE INDEX IF NOT EXISTS usage_events_department ON usage_events (tenant, department, at_ms)",
            "CREATE INDEX IF NOT EXISTS usage_events_customer ON usage_events (tenant, customer, at_ms)",
            "CREATE INDEX IF NOT EXISTS usage_events_user ON usage_events (tenant, user_id, at_ms)",
            """
            CREATE TABLE IF NOT EXISTS usage_rollup (
                day \(int) NOT NULL, tenant TEXT NOT NULL, dimension TEXT NOT NULL, member TEXT NOT NULL,
                \(counters), latency_sum_ms \(real) NOT NULL DEFAULT 0, latency_max_ms \(real) NOT NULL DEFAULT 0,
                \(histogram),
                PRIMARY KEY (tenant, dimension, day, member))
            """,
            "CREATE INDEX IF NOT EXISTS usage_rollup_day ON usage_rollup (dimension, day)",
            """
            CREATE TABLE IF NOT EXISTS usage_users (
                day \(int) NOT NULL, tenant TEXT NOT NULL, department TEXT NOT NULL, customer TEXT NOT NULL,
                user_id TEXT NOT NULL, queries \(int) NOT NULL DEFAULT 0,
                PRIMARY KEY (tenant, day, department, customer, user_id))
            """,
            "CREATE INDEX IF NOT EXISTS usage_users_day ON usage_users (day)",
            """
            CREATE TABLE IF NOT EXISTS usage_models (
                day \(int) NOT NULL, tenant TEXT NOT NULL, provider TEXT NOT NULL, model TEXT NOT NULL,
                \(Self.modelCounters.map { "\($0) \(int) NOT NULL DEFAULT 0" }.joined(separator: ", ")),
                PRIMARY KEY (tenant, day, provider, model))
            """,
            "CREATE INDEX IF NOT EXISTS usage_models_day ON usage_models (day)",
            """
            CREATE TABLE IF NOT EXISTS usage_questions (
                day \(int) NOT NULL, tenant TEXT NOT NULL, question TEXT NOT NULL, queries \(int) NOT NULL DEFAULT 0,
                PRIMARY KEY (tenant, day, question))
            """,
            "CREATE INDEX IF NOT EXISTS usage_questions_day ON usage_questions (day)",
        ]
        for statement in statements { try await database.execute(statement) }
    }

    // MARK: - Writing

    /// Inserts the events and adds them to the roll-ups, in one transaction. Missing
    /// normalised questions are computed here; costs come from `pricing` (an LLM call of
    /// an unknown model is stored with its tokens, no cost and `unpriced = 1`).
    public func write(_ events: [UsageEvent], pricing: PricingTable) async throws {
        guard !events.isEmpty else { return }
        var rows: [[Value]] = []
        rows.reserveCapacity(events.count)
        var rollup: [RollupKey: RollupCounts] = [:]
        var users: [UserKey: Int64] = [:]
        var models: [ModelKey: ModelCounts] = [:]
        var questions: [QuestionKey: Int64] = [:]
        for var event in events {
            if event.normalizedQuestion == nil, let question = event.question {
                event.normalizedQuestion = UsageEvent.normalize(question)
            }
            let atMs = Int64((event.at.timeIntervalSince1970 * 1000).rounded(.down))
            let day = Self.dayNumber(PricingTable.utcDay(milliseconds: atMs))
            var cost: Decimal?
            var costE10: Int64?
            if let llm = event.llm, let exact = pricing.cost(for: llm, on: event.at) {
                cost = exact
                costE10 = Self.e10(exact)
            }
            let unpriced = event.llm != nil && cost == nil
            rows.append([
                .int(atMs), .int(day), .string(event.kind.rawValue), .string(event.tenant), .string(event.user),
                Self.text(event.department), Self.text(event.customer), Self.text(event.question),
                Self.text(event.normalizedQuestion), .string(event.outcome.rawValue), Self.text(event.errorClass),
                .double(event.totalMs), Self.real(event.parseMs), Self.real(event.compileMs), Self.real(event.databaseMs),
                event.rows.map { .int(Int64($0)) } ?? .null, .int(event.cacheHit ? 1 : 0),
                Self.text(event.llm?.provider), Self.text(event.llm?.model),
                event.llm.map { .int(Int64($0.inputTokens)) } ?? .null,
                event.llm.map { .int(Int64($0.outputTokens)) } ?? .null,
                event.llm.map { .int(Int64($0.cachedInputTokens)) } ?? .null,
                costE10.map { .int($0) } ?? .null, cost.map { .string(Self.plain($0)) } ?? .null, .int(unpriced ? 1 : 0),
            ])
            var counts = RollupCounts()
            counts.add(event, costE10: costE10 ?? 0, unpriced: unpriced)
            let members: [(UsageBreakdown, String)] = [
                (.tenant, event.tenant), (.department, event.department ?? ""), (.customer, event.customer ?? ""),
                (.user, event.user),
            ]
            for (dimension, member) in members {
                rollup[RollupKey(day: day, tenant: event.tenant, dimension: dimension.rawValue, member: member), default: RollupCounts()]
                    .merge(counts)
            }
            users[
                UserKey(
                    day: day, tenant: event.tenant, department: event.department ?? "", customer: event.customer ?? "",
                    user: event.user), default: 0] += 1
            if let llm = event.llm {
                models[ModelKey(day: day, tenant: event.tenant, provider: llm.provider, model: llm.model), default: ModelCounts()]
                    .add(llm, costE10: costE10 ?? 0, unpriced: unpriced)
            }
            if let question = event.normalizedQuestion, !question.isEmpty {
                questions[QuestionKey(day: day, tenant: event.tenant, question: question), default: 0] += 1
            }
        }

        var statements = insertStatements(table: "usage_events", columns: Self.eventColumns, rows: rows)
        let greatest = dialect == .postgres ? "GREATEST" : "MAX"
        // Roll-up rows go in key order (the primary key's), so that two server instances
        // writing at once lock shared rows in the same order instead of deadlocking.
        statements += upsertStatements(
            table: "usage_rollup", keyColumns: ["day", "tenant", "dimension", "member"],
            sumColumns: Self.rollupCounters + ["latency_sum_ms"] + LatencyHistogram.columns,
            extra: [("latency_max_ms", "\(greatest)(usage_rollup.latency_max_ms, excluded.latency_max_ms)")],
            rows: rollup.sorted { ($0.key.tenant, $0.key.dimension, $0.key.day, $0.key.member) < ($1.key.tenant, $1.key.dimension, $1.key.day, $1.key.member) }
                .map { key, counts in
                [.int(key.day), .string(key.tenant), .string(key.dimension), .string(key.member)]
                    + counts.values + [.double(counts.latencySumMs)] + counts.histogram.counts.map { .int($0) }
                    + [.double(counts.latencyMaxMs)]
            })
        statements += upsertStatements(
            table: "usage_users", keyColumns: ["day", "tenant", "department", "customer", "user_id"],
            sumColumns: ["queries"], extra: [],
            rows: users.sorted { ($0.key.tenant, $0.key.day, $0.key.department, $0.key.customer, $0.key.user) < ($1.key.tenant, $1.key.day, $1.key.department, $1.key.customer, $1.key.user) }
                .map { key, queries in
                [.int(key.day), .string(key.tenant), .string(key.department), .string(key.customer), .string(key.user), .int(queries)]
            })
        statements += upsertStatements(
            table: "usage_models", keyColumns: ["day", "tenant", "provider", "model"], sumColumns: Self.modelCounters,
            extra: [],
            rows: models.sorted { ($0.key.tenant, $0.key.day, $0.key.provider, $0.key.model) < ($1.key.tenant, $1.key.day, $1.key.provider, $1.key.model) }
                .map { key, counts in
                [.int(key.day), .string(key.tenant), .string(key.provider), .string(key.model)] + counts.values
            })
        statements += upsertStatements(
            table: "usage_questions", keyColumns: ["day", "tenant", "question"], sumColumns: ["queries"], extra: [],
            rows: questions.sorted { ($0.key.tenant, $0.key.day, $0.key.question) < ($1.key.tenant, $1.key.day, $1.key.question) }
                .map { key, queries in [.int(key.day), .string(key.tenant), .string(key.question), .int(queries)] })
        try await database.transaction(statements)
    }

    /// Deletes raw events older than `days` days before `now`, and roll-up rows of the
    /// UTC days before that cut-off; returns the raw events deleted.
    public func purge(olderThan days: Int, now: Date) async throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(max(0, days)) * 86_400)
        let cutoffMs = Int64((cutoff.timeIntervalSince1970 * 1000).rounded(.down))
        let cutoffDay = Self.dayNumber(PricingTable.utcDay(milliseconds: cutoffMs))
        let marker = dialect.parameterMarker(1)
        let deleted = try await database.execute("DELETE FROM usage_events WHERE at_ms < \(marker)", [.int(cutoffMs)])
        for table in ["usage_rollup", "usage_users", "usage_models", "usage_questions"] {
            try await database.execute("DELETE FROM \(table) WHERE day < \(marker)", [.int(cutoffDay)])
        }
        logger.debug("purged usage history", metadata: ["usage.deleted": "\(deleted)", "usage.retention_days": "\(days)"])
        return deleted
    }

    // MARK: - SQL building

    private var maxParameters: Int { dialect == .postgres ? 30_000 : 30_000 }

    private func markers(rows: Int, columns: Int) -> String {
        var index = 0
        var tuples: [String] = []
        tuples.reserveCapacity(rows)
        for _ in 0..<rows {
            var tuple: [String] = []
            for _ in 0..<columns {
                index += 1
                tuple.append(dialect.parameterMarker(index))
            }
            tuples.append("(" + tuple.joined(separator: ", ") + ")")
        }
        return tuples.joined(separator: ", ")
    }

    private func insertStatements(table: String, columns: [String], rows: [[Value]]) -> [Statement] {
        chunks(rows, columns: columns.count).map { chunk in
            Statement(
                "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES \(markers(rows: chunk.count, columns: columns.count))",
                chunk.flatMap { $0 })
        }
    }

    /// Multi-row upserts; `rows` hold the key columns, then the summed columns, then the
    /// `extra` columns. Keys are unique within the batch (Postgres refuses to update one
    /// row twice in a statement).
    private func upsertStatements(
        table: String, keyColumns: [String], sumColumns: [String], extra: [(String, String)], rows: [[Value]]
    ) -> [Statement] {
        let columns = keyColumns + sumColumns + extra.map(\.0)
        let updates =
            sumColumns.map { "\($0) = \(table).\($0) + excluded.\($0)" } + extra.map { "\($0.0) = \($0.1)" }
        return chunks(rows, columns: columns.count).map { chunk in
            Statement(
                "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                    + markers(rows: chunk.count, columns: columns.count)
                    + " ON CONFLICT (\(keyColumns.joined(separator: ", "))) DO UPDATE SET "
                    + updates.joined(separator: ", "),
                chunk.flatMap { $0 })
        }
    }

    private func chunks(_ rows: [[Value]], columns: Int) -> [ArraySlice<[Value]>] {
        let size = max(1, min(500, maxParameters / max(1, columns)))
        return stride(from: 0, to: rows.count, by: size).map { rows[$0..<min($0 + size, rows.count)] }
    }

    // MARK: - Values

    static func text(_ value: String?) -> Value { value.map(Value.string) ?? .null }
    static func real(_ value: Double?) -> Value { value.map(Value.double) ?? .null }

    /// yyyymmdd of a day.
    static func dayNumber(_ day: SQLDate) -> Int64 {
        let c = day.components
        return Int64(c.year * 10_000 + c.month * 100 + c.day)
    }

    static func day(fromNumber number: Int64) -> SQLDate? {
        SQLDate(year: Int(number / 10_000), month: Int(number / 100 % 100), day: Int(number % 100))
    }

    /// Whole units of 10⁻¹⁰ USD (rounded half-even beyond that).
    static func e10(_ cost: Decimal) -> Int64 {
        var scaled = cost * Decimal(sign: .plus, exponent: 10, significand: 1)
        var rounded = Decimal()
        NSDecimalRound(&rounded, &scaled, 0, .bankers)
        return Int64(plain(rounded)) ?? 0
    }

    static func usd(e10 units: Int64) -> Decimal {
        Decimal(sign: units < 0 ? .minus : .plus, exponent: -10, significand: Decimal(units.magnitude))
    }

    /// The decimal as plain digits (no exponent).
    static func plain(_ value: Decimal) -> String {
        value.description
    }
}

// MARK: - Batch aggregation

struct RollupKey: Hashable {
    var day: Int64
    var tenant: String
    var dimension: String
    var member: String
}

struct UserKey: Hashable {
    var day: Int64
    var tenant: String
    var department: String
    var customer: String
    var user: String
}

struct ModelKey: Hashable {
    var day: Int64
    var tenant: String
    var provider: String
    var model: String
}

struct QuestionKey: Hashable {
    var day: Int64
    var tenant: String
    var question: String
}

struct RollupCounts {
    var queries: Int64 = 0
    var answered: Int64 = 0
    var clarifications: Int64 = 0
    var rejected: Int64 = 0
    var errors: Int64 = 0
    var cacheHits: Int64 = 0
    var rowsReturned: Int64 = 0
    var llmCalls: Int64 = 0
    var unpricedCalls: Int64 = 0
    var inputTokens: Int64 = 0
    var outputTokens: Int64 = 0
    var cachedInputTokens: Int64 = 0
    var costE10: Int64 = 0
    var latencySumMs: Double = 0
    var latencyMaxMs: Double = 0
    var histogram = LatencyHistogram()

    mutating func add(_ event: UsageEvent, costE10: Int64, unpriced: Bool) {
        queries += 1
        switch event.outcome {
        case .answered: answered += 1
        case .clarification: clarifications += 1
        case .rejected: rejected += 1
        case .error: errors += 1
        }
        if event.cacheHit { cacheHits += 1 }
        rowsReturned += Int64(event.rows ?? 0)
        if let llm = event.llm {
            llmCalls += 1
            inputTokens += Int64(llm.inputTokens)
            outputTokens += Int64(llm.outputTokens)
            cachedInputTokens += Int64(llm.cachedInputTokens)
        }
        if unpriced { unpricedCalls += 1 }
        self.costE10 += costE10
        let latency = event.totalMs.isFinite ? max(0, event.totalMs) : 0
        latencySumMs += latency
        latencyMaxMs = max(latencyMaxMs, latency)
        histogram.add(milliseconds: latency)
    }

    mutating func merge(_ other: RollupCounts) {
        queries += other.queries
        answered += other.answered
        clarifications += other.clarifications
        rejected += other.rejected
        errors += other.errors
        cacheHits += other.cacheHits
        rowsReturned += other.rowsReturned
        llmCalls += other.llmCalls
        unpricedCalls += other.unpricedCalls
        inputTokens += other.inputTokens
        outputTokens += other.outputTokens
        cachedInputTokens += other.cachedInputTokens
        costE10 += other.costE10
        latencySumMs += other.latencySumMs
        latencyMaxMs = max(latencyMaxMs, other.latencyMaxMs)
        histogram.merge(other.histogram)
    }

    /// In the order of ``UsageStore/rollupCounters``.
    var values: [Value] {
        [
            queries, answered, clarifications, rejected, errors, cacheHits, rowsReturned, llmCalls, unpricedCalls,
            inputTokens, outputTokens, cachedInputTokens, costE10,
        ].map { .int($0) }
    }
}

struct ModelCounts {
    var calls: Int64 = 0
    var inputTokens: Int64 = 0
    var outputTokens: Int64 = 0
    var cachedInputTokens: Int64 = 0
    var costE10: Int64 = 0
    var unpricedCalls: Int64 = 0

    mutating func add(_ llm: LLMCallUsage, costE10: Int64, unpriced: Bool) {
        calls += 1
        inputTokens += Int64(llm.inputTokens)
        outputTokens += Int64(llm.outputTokens)
        cachedInputTokens += Int64(llm.cachedInputTokens)
        self.costE10 += costE10
        if unpriced { unpricedCalls += 1 }
    }

    /// In the order of ``UsageStore/modelCounters``.
    var values: [Value] {
        [calls, inputTokens, outputTokens, cachedInputTokens, costE10, unpricedCalls].map { .int($0) }
    }
}
