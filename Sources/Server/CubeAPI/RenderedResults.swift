import Foundation
import Semantic
import Synchronization
import Warehouse

/// The JSON of cached results, written once: a result served from the cache a thousand
/// times is rendered once, not a thousand times (rendering rows is most of what a cached
/// request costs).
///
/// Keyed by the cached result (its cache key and when it was read) and the query as asked
/// (its member order and shapes), which together fix every byte. Bounded by bytes: past the
/// budget it starts over.
final class RenderedResults: Sendable {
    struct Key: Hashable, Sendable {
        var result: QueryResultCache.Key
        var readAt: Date
        var query: CubeQuery
        var today: SQLDate
    }

    private let budget: Int
    private let state = Mutex<(entries: [Key: [UInt8]], bytes: Int)>(([:], 0))

    init(budgetBytes: Int) {
        self.budget = budgetBytes
    }

    /// The rendering for `key`, made by `render` the first time.
    func bytes(_ key: Key, render: () throws -> [UInt8]) rethrows -> [UInt8] {
        if let known = state.withLock({ $0.entries[key] }) { return known }
        let bytes = try render()
        state.withLock { state in
            if state.bytes + bytes.count > budget {
                state.entries.removeAll(keepingCapacity: true)
                state.bytes = 0
            }
            if bytes.count <= budget / 4 {
                state.entries[key] = bytes
                state.bytes += bytes.count
            }
        }
        return bytes
    }
}
