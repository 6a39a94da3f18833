import ArgumentParser
import Foundation
import Logging
import Observability
import Warehouse

/// `convai bench observability`: the usage tracker's cost on the request path, against
/// timing an empty closure in the same run, and the time of a 30-day department breakdown
/// over a store of many recorded questions, against the same figures computed from the
/// raw rows.
struct ObservabilityBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "observability",
        abstract: "Tracker latency per request (µs) vs an empty timed closure; 30-day breakdown time over N questions.")

    @Option(help: "Timed calls per request-path measurement.")
    var calls = 50_000

    @Option(help: "Concurrent tasks for the contended measurement.")
    var tasks = 8

    @Option(help: "Questions recorded in the store for the breakdown measurement.")
    var questions = 1_000_000

    @Option(help: "Days of history the recorded questions span (ending today).")
    var historyDays = 60

    @Option(name: .customLong("repeat"), help: "Runs of each breakdown query; the median is reported.")
    var repeat_ = 20

    @Option(help: "Folder for the scratch store (default: a new temporary folder).")
    var directory: String?

    @Option(help: "The price file.")
    var pricing = "config/llm_pricing.yaml"

    func validate() throws {
        guard calls > 0, tasks > 0, questions > 0, historyDays >= 30, repeat_ > 0 else {
            throw ValidationError("--calls, --tasks, --questions and --repeat must be positive, --history-days at least 30")
        }
    }

    func run() async throws {
        let logger = Logger(label: "convai.bench.observability", factory: { _ in SwiftLogNoOpLogHandler() })
        let prices = try PricingTable.load(path: pricing)
        let folder = directory.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("convai-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { if directory == nil { try? FileManager.default.removeItem(at: folder) } }

        // 1. The request path.
        progress("request path: \(calls) calls per measurement, writer running")
        let trackerStore = try await UsageStore.sqlite(path: folder.appendingPathComponent("path.sqlite").path, logger: logger)
        let tracker = UsageTracker(store: trackerStore, pricing: prices, capacity: max(65_536, calls * (tasks + 2)), logger: logger)
        let event = UsageEvent(
            kind: .ask, tenant: "itc", user: "bench-user", department: "Sales", customer: "C1",
            question: "Top 5 brands by net sales last month", totalMs: 12.5, rows: 5,
            llm: LLMCallUsage(provider: "openai", model: "gpt-4o-mini", inputTokens: 1_200, outputTokens: 150))
        var figures: [String: [Double]] = [:]
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await tracker.run() }
            let empty: () async -> Void = {}
            figures["empty"] = await Self.perCall(calls) { await empty() }
            figures["record"] = await Self.perCall(calls) { tracker.record(event) }
            figures["track"] = await Self.perCall(calls) { await tracker.track(event) { _ in } }
            // Contended: `tasks` tasks recording at once; the mean per call of each task.
            let clock = ContinuousClock()
            let perTask = max(1, calls / tasks)
            let means = await withTaskGroup(of: Double.self) { recorders in
                for _ in 0..<tasks {
                    recorders.addTask {
                        let elapsed = clock.measure { for _ in 0..<perTask { tracker.record(event) } }
                        return Self.micros(elapsed) / Double(perTask)
                    }
                }
                var means: [Double] = []
                for await mean in recorders { means.append(mean) }
                return means
            }
            figures["contended"] = means
            progress("request path: shutting the tracker down (writing \(tracker.queuedCount) queued events)")
            await tracker.shutdown()
            group.cancelAll()
        }
        progress(
            "request path: recorded \(tracker.recordedCount), written \(tracker.writtenCount), dropped \(tracker.droppedCount)")

        // 2. The read side over many questions.
        let path = folder.appendingPathComponent("usage.sqlite").path
        let store = try await UsageStore.sqlite(path: path, logger: logger)
        let now = Date()
        var ingestSeconds = 0.0
        do {
            let generator = BenchUsage(questions: questions, historyDays: historyDays, now: now)
            let batch = 10_000
            var written = 0
            let clock = ContinuousClock()
            let start = clock.now
            while written < questions {
                let count = min(batch, questions - written)
                try await store.write(generator.events(from: written, count: count), pricing: prices)
                written += count
                if written % 100_000 == 0 || written == questions {
                    progress("recorded \(written)/\(questions) questions")
                }
            }
            ingestSeconds = Self.micros(clock.now - start) / 1e6
        } catch {
            try? await store.close()
            throw error
        }
        let report = UsageReport(store: store)
        var breakdown: [Double] = []
        var raw: [Double] = []
        var others: [String: [Double]] = [:]
        var groups = 0
        let rawDatabase = try SQLiteDatabase(configuration: .init(path: path, maxConnections: 2), logger: logger)
        do {
            let clock = ContinuousClock()
            for run in 1...repeat_ {
                var rows: [UsageSummaryRow] = []
                let elapsed = try await clock.measure {
                    rows = try await report.summary(tenant: "itc", by: .department, days: 30, now: now)
                }
                breakdown.append(Self.micros(elapsed) / 1000)
                groups = rows.count
                raw.append(Self.micros(try await clock.measure { try await Self.rawBreakdown(rawDatabase, now: now) }) / 1000)
                others["top questions", default: []].append(
                    Self.micros(try await clock.measure { _ = try await report.topQuestions(tenant: "itc", days: 30, now: now) }) / 1000)
                others["cost by model", default: []].append(
                    Self.micros(try await clock.measure { _ = try await report.costByModel(tenant: "itc", days: 30, now: now) }) / 1000)
                others["daily series", default: []].append(
                    Self.micros(try await clock.measure { _ = try await report.daily(tenant: "itc", days: 30, now: now) }) / 1000)
                others["user breakdown", default: []].append(
                    Self.micros(try await clock.measure { _ = try await report.summary(tenant: "itc", by: .user, days: 30, now: now) }) / 1000)
                if run % max(1, repeat_ / 4) == 0 { progress("breakdown run \(run)/\(repeat_)") }
            }
        } catch {
            try? await rawDatabase.close()
            try? await store.close()
            throw error
        }
        try await rawDatabase.close()
        try await store.close()

        func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
        func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
        }
        let empty = figures["empty"]!, record = figures["record"]!, track = figures["track"]!
        print("observability benchmark: \(calls) calls per path; \(questions) questions over \(historyDays) days")
        print(String(format: "  empty timed closure (base)   p50 %7.3f µs   p99 %7.3f µs   mean %7.3f µs",
                     percentile(empty, 0.5), percentile(empty, 0.99), empty.reduce(0, +) / Double(empty.count)))
        print(String(format: "  record(event)                p50 %7.3f µs   p99 %7.3f µs   mean %7.3f µs",
                     percentile(record, 0.5), percentile(record, 0.99), record.reduce(0, +) / Double(record.count)))
        print(String(format: "  track(event) { empty }       p50 %7.3f µs   p99 %7.3f µs   mean %7.3f µs",
                     percentile(track, 0.5), percentile(track, 0.99), track.reduce(0, +) / Double(track.count)))
        print(String(format: "  record, %d tasks at once      mean per call %7.3f µs (worst task)", tasks, figures["contended"]!.max() ?? 0))
        let added = percentile(track, 0.99) - percentile(empty, 0.99)
        print(String(format: "  added by track{} at p99       %7.3f µs (ratio p50 track / base %.1fx)", added,
                     percentile(track, 0.5) / max(percentile(empty, 0.5), 1e-9)))
        print(String(format: "  goal: under 20 µs added per request -> %@", added < 20 ? "met" : "NOT met"))
        print(String(format: "  recording %d questions (batches of 10,000)   %8.1f s   %8.0f questions/s", questions, ingestSeconds,
                     Double(questions) / max(ingestSeconds, 1e-9)))
        print(String(format: "  30-day department breakdown (roll-up)  median %8.2f ms   max %8.2f ms   (%d departments)",
                     median(breakdown), breakdown.max() ?? 0, groups))
        print(String(format: "  same totals from the raw rows (base)   median %8.2f ms   ratio %.1fx", median(raw),
                     median(raw) / max(median(breakdown), 1e-9)))
        for name in others.keys.sorted() {
            print(String(format: "  30-day %-15@                  median %8.2f ms", name, median(others[name]!)))
        }
        print(String(format: "  goal: breakdown under 50 ms -> %@", median(breakdown) < 50 ? "met" : "NOT met"))
    }

    static func micros(_ duration: Duration) -> Double { duration.milliseconds * 1000 }

    /// Per-call times in µs of `body`, each call timed on its own.
    static func perCall(_ calls: Int, _ body: () async -> Void) async -> [Double] {
        let clock = ContinuousClock()
        var times: [Double] = []
        times.reserveCapacity(calls)
        for _ in 0..<calls {
            let start = clock.now
            await body()
            times.append(micros(clock.now - start))
        }
        return times
    }

    /// The department breakdown's totals (without p95 and unique users) straight from the
    /// raw rows: what the roll-up saves.
    static func rawBreakdown(_ database: SQLiteDatabase, now: Date) async throws {
        let from = Int64((now.timeIntervalSince1970 - 30 * 86_400) * 1000)
        _ = try await database.query(
                """
                SELECT department, COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cached_input_tokens),
                       SUM(cost_e10), AVG(total_ms), SUM(CASE WHEN outcome IN ('answered', 'clarification') THEN 1 ELSE 0 END)
                FROM usage_events WHERE tenant = ? AND at_ms >= ? GROUP BY department
                """, [.string("itc"), .int(from)])
    }
}

/// Deterministic usage for the benchmark: 3 tenants × 300 users, each user in one of 8
/// departments asking about 2 of 50 customers, 500 distinct questions, 60 % with an LLM call.
struct BenchUsage: Sendable {
    let questions: Int
    let historyDays: Int
    let now: Date

    func events(from start: Int, count: Int) -> [UsageEvent] {
        let span = Double(historyDays) * 86_400
        let departments = ["Sales", "Finance", "Marketing", "Supply Chain", "Trade", "E-commerce", "Category", "Leadership"]
        let tenants = ["itc", "nestle", "unilever"]
        let models = [("openai", "gpt-4o-mini"), ("openai", "gpt-4.1"), ("anthropic", "claude-sonnet-4-20250514"), ("azure_openai", "gpt-4o")]
        return (start..<start + count).map { i in
            var h = UInt64(truncatingIfNeeded: i) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            let user = Int(h % 900)
            let tenant = tenants[user % 3]
            let llm: LLMCallUsage? =
                h % 10 < 6
                ? {
                    let (provider, model) = models[Int(h >> 8) % models.count]
                    let input = 800 + Int(h >> 16 % 3_000)
                    return LLMCallUsage(
                        provider: provider, model: model, inputTokens: input, outputTokens: 60 + Int(h >> 24 % 400),
                        cachedInputTokens: input / 2)
                }() : nil
            let outcome: UsageEvent.Outcome = h % 50 == 0 ? .error : h % 13 == 0 ? .clarification : h % 97 == 0 ? .rejected : .answered
            return UsageEvent(
                kind: h % 5 == 0 ? .apiQuery : .ask, tenant: tenant, user: "\(tenant)-user\(user)",
                department: departments[user % departments.count], customer: "customer\((user + Int(h >> 40 % 2)) % 50)",
                question: "question number \(Int(h >> 32) % 500)",
                at: now.addingTimeInterval(-span + span * Double(i) / Double(questions)),
                outcome: outcome, errorClass: outcome == .error ? "WarehouseError" : nil,
                totalMs: 20 + Double(h >> 20 % 4_000) / 10, parseMs: 0.2, compileMs: 0.3, databaseMs: 15, rows: 10,
                cacheHit: h % 7 == 0, llm: llm)
        }
    }
}
