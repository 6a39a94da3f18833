import Warehouse

/// Produces a table's rows a batch at a time, so that a seed never holds a whole fact
/// table in memory and can build the next batch while the database loads the last.
protocol RowBatchSource {
    /// The next rows, or nil when there are no more.
    mutating func nextBatch() -> [[Value]]?
}

extension Database {
    /// Bulk-loads every batch of `source` into `table`, building batch n + 1 while batch n
    /// loads. Calls `loaded` with the running row count and the source after each batch.
    func load<Source: RowBatchSource>(
        _ source: inout Source, into table: String, columns: [String], loaded: (Int, Source) -> Void
    ) async throws -> Int {
        var total = 0
        var next = source.nextBatch()
        while let rows = next {
            async let done = bulkLoad(into: table, columns: columns, rows: rows)
            next = source.nextBatch()
            total += try await done
            loaded(total, source)
        }
        return total
    }
}
