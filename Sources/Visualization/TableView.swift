/// The result as a table a client can always switch to: column titles and, per row, each
/// cell formatted for the tenant with the raw number beside it.
public struct TableView: Codable, Sendable, Hashable {
    /// One column.
    public struct Column: Codable, Sendable, Hashable {
        /// The heading.
        public var title: String
        /// `Cube.member` it shows.
        public var member: String
        /// Numbers align right and sort numerically.
        public var isNumeric: Bool

        /// Makes a column.
        public init(title: String, member: String, isNumeric: Bool) {
            self.title = title
            self.member = member
            self.isNumeric = isNumeric
        }
    }

    /// One cell.
    public struct Cell: Codable, Sendable, Hashable {
        /// What the reader sees (`₹5.60 L`, `North`).
        public var text: String
        /// The number, for numeric columns; absent for labels and empty cells.
        public var value: Double?

        /// Makes a cell.
        public init(text: String, value: Double? = nil) {
            self.text = text
            self.value = value
        }
    }

    /// The columns, in order.
    public var columns: [Column]
    /// The rows, one cell per column.
    public var rows: [[Cell]]

    /// Makes a table.
    public init(columns: [Column], rows: [[Cell]]) {
        self.columns = columns
        self.rows = rows
    }
}
