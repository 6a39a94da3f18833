import Foundation
import Semantic
import Synchronization
import Warehouse

/// Results of compiled queries, kept for a while and shared: Cube's in-memory cache.
///
/// A result is found again only by the same tenant, the same security context (the caller's
/// territory) and the same compiled SQL and bound values, and — for a query read from a
/// rollup — the same refresh of that rollup (its refresh key), so a refresh makes the older
/// results unreachable. Entries live `ttl_seconds`; past `max_entries` or `max_megabytes`
/// the least recently used go. Identical queries arriving together run once (single flight):
/// the later ones wait for the first one's result.
final class QueryResultCache: Sendable {
    struct Key: Hashable, Sendable {
        var tenant: String
        /// The caller's territory bound (or none): results never cross security contexts,
        /// even if the SQL were the same.
        var restriction: RowLevelRestriction?
        var sql: String
        var binds: [Value]
        var totalSQL: String?
        /// The refresh of the rollup the SQL reads, if any.
        var refreshKey: Date?
    }

    /// What is cached: the rows, the total when asked for, and when the data was read.
    struct Result: Sendable {
        var rows: ResultSet
        var total: Int?
        var readAt: Date
    }

    private struct Entry {
        var result: Result
        var bytes: Int
        var expires: ContinuousClock.Instant
        var lastUsed: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var inFlight: [Key: Task<Result, any Error>] = [:]
    }

    let settings: ResultCacheSettings
    private let state = Mutex(State())

    init(settings: ResultCacheSettings) {
        self.settings = settings
    }


    /// The cached result for `key`, or the one `compute` makes (once, however many ask at the
    /// same time). `hit` is false for the caller whose `compute` ran.
    func result(for key: Key, compute: @escaping @Sendable () async throws -> Result) async throws -> (result: Result, hit: Bool) {
        guard settings.ttlSeconds > 0 else { return (try await compute(), false) }
        let now = ContinuousClock.now
        enum Found { case cached(Result), waiting(Task<Result, any Error>), mine(Task<Result, any Error>) }
        let found: Found = state.withLock { state in
            state.clock += 1
            if var entry = state.entries[key] {
                if entry.expires > now {
                    entry.lastUsed = state.clock
                    state.entries[key] = entry
                    return .cached(entry.result)
                }
                state.entries[key] = nil
                state.bytes -= entry.bytes
            }
            if let task = state.inFlight[key] {
                return .waiting(task)
            }
            let task = Task { try await compute() }
            state.inFlight[key] = task
            return .mine(task)
        }
        switch found {
        case .cached(let result): return (result, true)
        case .waiting(let task): return (try await task.value, true)
        case .mine(let task):
            do {
                let result = try await task.value
                store(result, for: key)
                return (result, false)
            } catch {
                _ = state.withLock { $0.inFlight.removeValue(forKey: key) }
                throw error
            }
        }
    }

    private func store(_ result: Result, for key: Key) {
        // The key counts too: a long IN list is in its SQL and its binds.
        let bytes = Self.estimatedBytes(result.rows) + key.sql.utf8.count
            + key.binds.reduce(0) { total, value in
                if case .string(let text) = value { return total + 16 + text.utf8.count }
                return total + 16
            }
        state.withLock { state in
            state.inFlight[key] = nil
            // A result larger than a quarter of the budget would push out everything else.
            guard bytes <= settings.maxBytes / 4 else { return }
            state.clock += 1
            if let old = state.entries[key] { state.bytes -= old.bytes }
            state.entries[key] = Entry(
                result: result, bytes: bytes, expires: .now + .seconds(settings.ttlSeconds), lastUsed: state.clock)
            state.bytes += bytes
            while state.entries.count > settings.maxEntries || state.bytes > settings.maxBytes {
                // Evicting scans the entries; it happens only past the bounds, and then a
                // batch at once keeps it rare.
                let victims = state.entries.sorted { $0.value.lastUsed < $1.value.lastUsed }
                    .prefix(max(1, state.entries.count / 10))
                for (victim, entry) in victims {
                    state.entries[victim] = nil
                    state.bytes -= entry.bytes
                }
            }
        }
    }

    /// A rough size of the rows in memory: the payload of each value plus its slot.
    static func estimatedBytes(_ rows: ResultSet) -> Int {
        var bytes = 64 * rows.columns.count
        for row in rows.rows {
            bytes += 16 * row.count
            for value in row { if case .string(let text) = value { bytes += text.utf8.count } }
        }
        return bytes
    }
}
