import NIOCore
import SQLiteNIO

/// `Value` ⇄ SQLite storage classes.
///
/// SQLite stores only NULL, INTEGER, REAL, TEXT and BLOB, so the richer warehouse types
/// travel as text or integers in canonical forms that sort and compare correctly as
/// stored, and come back typed from the column's declared type.
enum SQLiteValueCoding {
    static func bind(_ value: Value) -> SQLiteData {
        switch value {
        case .null: return .null
        case .bool(let v): return .integer(v ? 1 : 0)
        case .int(let v): return .integer(SQLiteInt64(v))
        case .double(let v): return .float(v)
        // SQLite has no decimal type. Text keeps the exact digits and scale of the value:
        // a column declared DECIMAL(p,s) has NUMERIC affinity and stores it as INTEGER
        // or REAL (exact up to 15 significant digits), and comparisons with such a column
        // convert the text to a number first. Reading re-applies the declared scale.
        case .decimal(let v): return .text(v.description)
        case .string(let v): return .text(v)
        // ISO text sorts in date order, and SQLite's date functions read it.
        case .date(let v): return .text(v.description)
        // Always six fractional digits, so two timestamps bound by ConvAI compare
        // correctly as text whatever their precision.
        case .timestamp(let v): return .text(timestampText(v))
        }
    }

    static func timestampText(_ t: SQLTimestamp) -> String {
        let text = t.description
        if text.count > 19 { return text }
        return text + ".000000"
    }

    /// The type of a result column: from its declared type when SQLite knows one (a
    /// column read straight from a table or view), else from the values it holds.
    static func columnType(declared: String?, values: [SQLiteData]) -> ColumnType {
        if let declared, let type = declaredType(declared) { return type }
        var sawInteger = false
        var sawReal = false
        var sawText = false
        for value in values {
            switch value {
            case .integer: sawInteger = true
            case .float: sawReal = true
            case .text, .blob: sawText = true
            case .null: break
            }
        }
        if sawText { return ColumnType(kind: .string, sqlName: "TEXT") }
        // SUM and arithmetic give INTEGER on some rows and REAL on others of one column.
        if sawReal { return ColumnType(kind: .double, sqlName: "REAL") }
        if sawInteger { return ColumnType(kind: .int, sqlName: "INTEGER") }
        return ColumnType(kind: .text, sqlName: declared.flatMap { $0.isEmpty ? nil : $0 } ?? "NULL")
    }

    /// Reads a declared type with SQLite's own affinity rules for the ordinary ones
    /// (https://sqlite.org/datatype3.html#determination_of_column_affinity) and
    /// ConvAI's names for the ones SQLite does not have.
    static func declaredType(_ declared: String) -> ColumnType? {
        let name = declared.uppercased().trimmingWhitespace()
        guard !name.isEmpty else { return nil }
        let base = String(name.prefix { $0 != "(" }).trimmingWhitespace()
        switch base {
        case "DATE": return ColumnType(kind: .date, sqlName: declared)
        case "TIMESTAMP", "DATETIME", "TIMESTAMP WITHOUT TIME ZONE": return ColumnType(kind: .timestamp, sqlName: declared)
        case "BOOLEAN", "BOOL": return ColumnType(kind: .bool, sqlName: declared)
        case "DECIMAL", "NUMERIC":
            let arguments = name.drop(while: { $0 != "(" }).dropFirst().prefix { $0 != ")" }
                .split(separator: ",").map { Int(String($0).trimmingWhitespace()) }
            let precision = arguments.first.flatMap { $0 } ?? 38
            let scale = arguments.count > 1 ? arguments[1] ?? 0 : 0
            guard (0...38).contains(scale) else { return nil }
            return ColumnType(kind: .decimal(precision: precision, scale: scale), sqlName: declared)
        default: break
        }
        if name.contains("INT") { return ColumnType(kind: .int, sqlName: declared) }
        if name.contains("CHAR") || name.contains("CLOB") || name.contains("TEXT") {
            return ColumnType(kind: .string, sqlName: declared)
        }
        if name.contains("REAL") || name.contains("FLOA") || name.contains("DOUB") {
            return ColumnType(kind: .double, sqlName: declared)
        }
        return nil
    }

    /// One cell as `type` says, or as stored when the stored value does not fit the type
    /// (SQLite lets any column hold any value; a cell is never dropped or invented).
    static func value(_ data: SQLiteData, as type: ColumnType) -> Value {
        switch (type.kind, data) {
        case (_, .null): return .null
        case (.bool, .integer(let v)): return .bool(v != 0)
        case (.bool, .text(let s)) where ["true", "false"].contains(s.lowercased()): return .bool(s.lowercased() == "true")
        case (.int, .integer(let v)): return .int(Int64(v))
        case (.double, .integer(let v)): return .double(Double(v))
        case (.double, .float(let v)): return .double(v)
        case (.decimal(_, let scale), .integer(let v)):
            return SQLDecimal(unscaled: Int128(v), scale: 0).rescaled(to: scale).map(Value.decimal) ?? .int(Int64(v))
        case (.decimal(_, let scale), .float(let v)):
            // Values reach REAL through NUMERIC affinity; rounding at the declared scale
            // gives back the digits that were stored.
            let scaled = (v * SQLDecimal.powerOfTen(scale)).rounded()
            guard let unscaled = Int128(exactly: scaled) else { return .double(v) }
            return .decimal(SQLDecimal(unscaled: unscaled, scale: scale))
        case (.decimal(_, let scale), .text(let s)):
            guard let d = SQLDecimal(s) else { return .string(s) }
            return .decimal(d.rescaled(to: scale) ?? d)
        case (.date, .text(let s)):
            if let d = SQLDate(iso: s) { return .date(d) }
            if s.count > 10, let t = SQLTimestamp(iso: s), timestampText(t).hasPrefix(s.prefix(10)) { return .date(t.date) }
            return .string(s)
        case (.timestamp, .text(let s)):
            if let t = SQLTimestamp(iso: s) { return .timestamp(t) }
            if let d = SQLDate(iso: s) { return .timestamp(SQLTimestamp(date: d)) }
            return .string(s)
        default:
            return storedValue(data)
        }
    }

    static func storedValue(_ data: SQLiteData) -> Value {
        switch data {
        case .null: return .null
        case .integer(let v): return .int(Int64(v))
        case .float(let v): return .double(v)
        case .text(let s): return .string(s)
        case .blob(let buffer): return .string(String(buffer: buffer))
        }
    }
}
