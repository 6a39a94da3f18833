import Foundation
import Semantic
import Synchronization
import Warehouse

/// Compiled queries remembered by what they were compiled from, so a query asked again —
/// the dashboard's, the digest's — skips matching rollups and writing SQL; what its result
/// cache lookup then costs is a hash.
///
/// The key holds everything the SQL depends on: the tenant, the caller's territory, the query
/// itself, the day relative ranges resolve against, and which rollups are built (and when).
/// Bounded: past `capacity` it starts over, which costs one compile per query.
final class CompiledQueryMemo: Sendable {
    struct Key: Hashable, Sendable {
        var tenant: String
        var securityContext: String
        var query: CubeQuery
        var today: SQLDate
        var rollups: [String: Date]
    }

    private let capacity: Int
    private let entries = Mutex<[Key: CompiledQuery]>([:])

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// The compiled query for `key`, compiled by `compile` the first time.
    func compiled(_ key: Key, compile: () throws -> CompiledQuery) rethrows -> CompiledQuery {
        if let known = entries.withLock({ $0[key] }) { return known }
        let compiled = try compile()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = compiled
        }
        return compiled
    }
}
