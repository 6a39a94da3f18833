/// A JSON-like value from a member's `meta:` mapping, kept as written so that it can be
/// returned unchanged by `/v1/meta`.
public enum MetaValue: Sendable, Hashable {
    /// A string.
    case string(String)
    /// A whole number.
    case integer(Int)
    /// A number with a fraction.
    case number(Double)
    /// `true` or `false`.
    case bool(Bool)
    /// A list of values.
    case list([MetaValue])
    /// A mapping from keys to values.
    case object([String: MetaValue])
    /// `null` or an empty YAML value.
    case null

    /// Converts what Yams produced; unknown scalars become their text.
    init(yaml: Any?) {
        switch yaml {
        case nil: self = .null
        case let value as String: self = .string(value)
        case let value as Bool: self = .bool(value)
        case let value as Int: self = .integer(value)
        case let value as Double: self = .number(value)
        case let value as [Any]: self = .list(value.map { MetaValue(yaml: $0) })
        case let value as [String: Any]: self = .object(value.mapValues { MetaValue(yaml: $0) })
        case let value as [AnyHashable: Any]:
            var object: [String: MetaValue] = [:]
            for (key, item) in value { object["\(key)"] = MetaValue(yaml: item) }
            self = .object(object)
        case let value?:
            // Yams returns NSNull for `~`; anything else is unexpected but still shown.
            let text = "\(value)"
            self = text == "<null>" ? .null : .string(text)
        }
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value under `key`, if this is an object.
    public subscript(key: String) -> MetaValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }

    /// Strings of a list (or a single string as a one-element list); other values are skipped.
    public var strings: [String] {
        switch self {
        case .string(let value): return [value]
        case .list(let items): return items.compactMap(\.stringValue)
        default: return []
        }
    }
}

extension MetaValue: Codable {
    /// Decodes any JSON value.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([MetaValue].self) {
            self = .list(value)
        } else {
            self = .object(try container.decode([String: MetaValue].self))
        }
    }

    /// Encodes as the plain JSON value (no enum wrapping), as Cube returns `meta`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}
