import Foundation
import Semantic
import Synchronization
import Warehouse

/// Values remembered by what they were made from, up to `capacity` of them; past it the
/// memo starts over (one more computation per key). For work a repeated request need not
/// redo: parsing its query, compiling it.
final class BoundedMemo<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private let capacity: Int
    private let entries = Mutex<[Key: Value]>([:])

    init(capacity: Int = 10_000) {
        self.capacity = capacity
    }

    /// The value for `key`, made by `make` the first time.
    func value(_ key: Key, make: () throws -> Value) rethrows -> Value {
        if let known = entries.withLock({ $0[key] }) { return known }
        let value = try make()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = value
        }
        return value
    }
}

/// What a compiled query depends on: the tenant, the caller's territory, the query itself,
/// the day relative ranges resolve against, and which rollups are built (and when). A query
/// asked again — the dashboard's, the digest's — skips matching rollups and writing SQL.
struct CompiledQueryKey: Hashable, Sendable {
    var tenant: String
    var restriction: RowLevelRestriction?
    var query: CubeQuery
    var today: SQLDate
    var rollups: [String: Date]
}

/// A request's query text (the `query` parameter or the body) and its `queryType`.
struct RequestTextKey: Hashable, Sendable {
    var text: Data
    var queryType: String?
}
