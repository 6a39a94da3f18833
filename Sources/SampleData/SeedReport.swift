/// What a seed wrote.
public struct SeedReport: Sendable, Hashable {
    /// The rows written to one table (duplicate re-export rows included).
    public struct TableCount: Sendable, Hashable {
        /// The raw table.
        public var table: String
        /// Its rows.
        public var rows: Int

        /// Makes a count.
        public init(table: String, rows: Int) {
            self.table = table
            self.rows = rows
        }
    }

    /// Rows per raw table, in ``RawSchema/tableNames`` order.
    public var tables: [TableCount]
    /// The signals planted in the data, with their measured effect.
    public var planted: PlantedSignals
    /// Wall-clock seconds the seed took.
    public var seconds: Double

    /// Makes a report.
    public init(tables: [TableCount], planted: PlantedSignals, seconds: Double) {
        self.tables = tables
        self.planted = planted
        self.seconds = seconds
    }

    /// The rows written to `table`, or 0.
    public func rows(in table: String) -> Int {
        tables.first { $0.table == table }?.rows ?? 0
    }
}
