/// One typed cell of a result row, or one bound parameter.
///
/// The cases cover the warehouse schema of every engine: DECIMAL keeps its scale
/// (``SQLDecimal``), DATE and TIMESTAMP have their own calendar-free types so that no
/// time zone can shift a sales date.
public enum Value: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case decimal(SQLDecimal)
    case string(String)
    case date(SQLDate)
    case timestamp(SQLTimestamp)

    /// True for ``null``.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The value as an integer when it is one (or a decimal with no fractional part).
    public var intValue: Int64? {
        switch self {
        case .int(let v): return v
        case .decimal(let d) where d.scale == 0: return Int64(exactly: d.unscaled)
        default: return nil
        }
    }

    /// The value as a double for numbers of any kind; nil otherwise.
    public var doubleValue: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .double(let v): return v
        case .decimal(let d): return d.doubleValue
        default: return nil
        }
    }

    /// The value as a string when it is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The day of a date, a timestamp, or an ISO text (`YYYY-MM-DD…`, as SQLite returns
    /// dates); `nil` for anything else.
    public var dateValue: SQLDate? {
        switch self {
        case .date(let date): date
        case .timestamp(let timestamp): timestamp.date
        case .string(let text): SQLDate(iso: text.prefix(10))
        default: nil
        }
    }
}

extension Value: CustomStringConvertible {
    /// Plain text: what a table cell shows. NULL prints as `NULL`.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .bool(let v): return v ? "true" : "false"
        case .int(let v): return String(v)
        case .double(let v): return Self.format(v)
        case .decimal(let v): return v.description
        case .string(let v): return v
        case .date(let v): return v.description
        case .timestamp(let v): return v.description
        }
    }

    static func format(_ d: Double) -> String {
        if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return "\(d)"
    }
}

extension Value: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
}
