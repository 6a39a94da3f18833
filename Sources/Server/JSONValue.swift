import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
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
    /// JSON already written (a cached rendering, an `Encodable`'s encoding), copied as it is.
    case fragment([UInt8])

    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized() == rhs.serialized() }

    static func number(_ value: Int) -> JSONValue { .number(String(value)) }

    /// The compact JSON text.
    func serialized() -> String { String(decoding: utf8(), as: UTF8.self) }

    /// The compact JSON text as UTF-8 bytes, written straight into one growing buffer (a
    /// response body): no intermediate strings, strings copied byte-wise between escapes.
    func utf8() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(into: &out)
        return out
    }

    func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .fragment(let bytes): out.append(contentsOf: bytes)
        case .string(let text): Self.writeString(text, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                item.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped as
    /// ``Warehouse/jsonString(_:)`` does; everything else (valid UTF-8 is valid JSON) copied.
    static func writeString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
                case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
                case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]])
                }
                start = index + 1
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
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
        return .fragment(Array(data))
    }
}

extension JSONValue {
    /// An HTTP response carrying this document: every JSON answer of the server's own APIs.
    func response(status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: utf8())))
    }

    /// `{"error": message}` with its status.
    static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        JSONValue.object([("error", .string(message))]).response(status: status)
    }
}
