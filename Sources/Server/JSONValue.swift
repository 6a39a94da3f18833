import Foundation
import Warehouse

/// A JSON document with object keys in insertion order.
///
/// Cube's clients read rows as objects whose keys follow the query's member order, and
/// Foundation's serializers do not promise any order; this writes exactly what was built.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number already written as JSON (so decimals keep their digits).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])
    /// A JSON document already written (an `Encodable`'s encoding), inserted as it is.
    case written(String)

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized() == rhs.serialized() }

    static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    /// The compact JSON text.
    func serialized() -> String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        switch self {
        case .null: out += "null"
        case .bool(let value): out += value ? "true" : "false"
        case .number(let text), .written(let text): out += text
        case .string(let text): out += jsonString(text)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.write(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += "," }
                out += jsonString(key)
                out += ":"
                value.write(into: &out)
            }
            out += "}"
        }
    }
}

extension JSONValue {
    /// `{}`.
    static let emptyObject = JSONValue.object([])

    static func strings(_ values: [String]) -> JSONValue { .array(values.map(JSONValue.string)) }

    /// `value` as JSON with sorted keys; `null` if it cannot be encoded (a value with a
    /// non-finite number, which ConvAI's own types never hold).
    static func encoded(_ value: some Encodable) -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return .null }
        return .written(String(decoding: data, as: UTF8.self))
    }
}
