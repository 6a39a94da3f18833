import Semantic
import Warehouse

/// Result values as Cube's REST API sends them with its PostgreSQL driver.
///
/// node-postgres returns NUMERIC and BIGINT as strings (to keep their precision) and INTEGER,
/// REAL and DOUBLE as numbers; Cube's driver writes DATE and TIMESTAMP as local ISO text with
/// milliseconds, and the API gateway formats every `time` member the same way. Aggregates in
/// PostgreSQL are NUMERIC or BIGINT, so measures arrive as strings whatever the engine here.
enum CubeValueFormat {
    static func json(_ value: Value, kind: CompiledQuery.Kind, columnType: ColumnType?) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number):
            if case .measure = kind { return .string(String(number)) }
            return isWideInteger(columnType) ? .string(String(number)) : .number(String(number))
        case .double(let number):
            guard number.isFinite else { return .string("\(number)") }
            if case .measure = kind { return .string(Self.format(number)) }
            return .number(Self.format(number))
        case .decimal(let number): return .string(number.description)
        case .string(let text): return .string(text)
        case .date(let date): return .string(time(SQLTimestamp(date: date)))
        case .timestamp(let timestamp): return .string(time(timestamp))
        }
    }

    /// `2025-01-01T00:00:00.000`, Cube's `DATETIME_LOCAL_MS`.
    static func time(_ timestamp: SQLTimestamp) -> String {
        let (_, remainder) = timestamp.microsecondsSinceEpoch.quotientAndRemainder(dividingBy: 86_400_000_000)
        let micros = remainder < 0 ? remainder + 86_400_000_000 : remainder
        let seconds = Int(micros / 1_000_000)
        let millis = Int(micros % 1_000_000) / 1000
        return "\(timestamp.date)T\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2)).\(pad(millis, 3))"
    }

    /// The first and last instants of a day range, as Cube writes a resolved `dateRange`.
    static func dateRange(from: SQLDate, to: SQLDate) -> [String] {
        ["\(from)T00:00:00.000", "\(to)T23:59:59.999"]
    }

    private static func isWideInteger(_ type: ColumnType?) -> Bool {
        guard let name = type?.sqlName.uppercased() else { return false }
        return name.contains("BIGINT") || name.contains("HUGEINT") || name == "INT8" || name.contains("UBIGINT")
    }

    /// Shortest round-trip text, without a trailing `.0` for whole numbers.
    static func format(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
