/// The type of a result column, as the engine reported it.
public struct ColumnType: Sendable, Hashable {
    /// How the column's values are represented in ``Value``.
    public enum Kind: Sendable, Hashable {
        case bool, int, double, decimal(precision: Int, scale: Int), string, date, timestamp
        /// A type carried as text (TIME, INTERVAL, UUID, ENUM…).
        case text
    }

    /// The value representation.
    public var kind: Kind
    /// The engine's own name for the type, e.g. `DECIMAL(10,2)` or `VARCHAR`.
    public var sqlName: String

    /// Makes a column type.
    public init(kind: Kind, sqlName: String) {
        self.kind = kind
        self.sqlName = sqlName
    }
}

/// A named, typed result column.
public struct Column: Sendable, Hashable {
    /// The column's name as the query labelled it.
    public var name: String
    /// The column's type.
    public var type: ColumnType

    /// Makes a column.
    public init(name: String, type: ColumnType) {
        self.name = name
        self.type = type
    }
}

/// A fully read query result: named, typed columns and rows of ``Value``.
public struct ResultSet: Sendable, Hashable {
    /// The columns in select order.
    public var columns: [Column]
    /// The rows; each has one value per column.
    public var rows: [[Value]]

    /// Makes a result set.
    public init(columns: [Column], rows: [[Value]]) {
        self.columns = columns
        self.rows = rows
    }

    /// The index of the column named `name`, if any.
    public func columnIndex(_ name: String) -> Int? {
        columns.firstIndex { $0.name == name }
    }

    /// The single value of a one-row, one-column result (e.g. `SELECT count(*)`).
    public var scalar: Value? {
        rows.count == 1 && columns.count == 1 ? rows[0][0] : nil
    }
}
