/// Reads the keys of one JSON object member in written order.
///
/// Foundation's `JSONDecoder` hands keyed containers over as dictionaries, so the order of
/// Cube's object-form `order` (`{"a": "asc", "b": "desc"}`, whose key order is the sort
/// priority) is lost; this scanner recovers it from the raw bytes.
struct JSONKeyOrder {
    private let bytes: [UInt8]
    fileprivate(set) var index = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The keys of the object at top-level key `key` (also looked for inside a top-level
    /// `query` object, Cube's request wrapper), or nil when it is not an object.
    static func keys(of key: String, in json: [UInt8]) -> [String]? {
        var scanner = JSONKeyOrder(json)
        return scanner.findKeys(of: key, depth: 0)
    }

    mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    private mutating func findKeys(of key: String, depth: Int) -> [String]? {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { return nil }
        index += 1
        while true {
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "}") { return nil }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard let name = string() else { return nil }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            skipSpace()
            if name == key, index < bytes.count, bytes[index] == UInt8(ascii: "{") { return objectKeys() }
            if name == "query", depth == 0, index < bytes.count, bytes[index] == UInt8(ascii: "{") {
                let start = index
                if let found = findKeys(of: key, depth: 1) { return found }
                index = start
            }
            guard skipValue() else { return nil }
        }
    }

    private mutating func objectKeys() -> [String]? {
        index += 1
        var keys: [String] = []
        while true {
            skipSpace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "}"): return keys
            case UInt8(ascii: ","): index += 1
            default:
                guard let name = string() else { return nil }
                keys.append(name)
                skipSpace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
                index += 1
                guard skipValue() else { return nil }
            }
        }
    }

    /// A JSON string with its escapes decoded (enough for member names).
    mutating func string() -> String? {
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        index += 1
        var out: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if byte == UInt8(ascii: "\\"), index < bytes.count {
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    // Rare in member names; keep the escape verbatim rather than decode surrogates.
                    out += Array("\\u".utf8)
                default: out.append(escaped)
                }
            } else {
                out.append(byte)
            }
        }
        return nil
    }

    /// Skips one value of any kind; false on malformed input.
    mutating func skipValue() -> Bool {
        skipSpace()
        guard index < bytes.count else { return false }
        switch bytes[index] {
        case UInt8(ascii: "\""): return string() != nil
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: "\""):
                    guard string() != nil else { return false }
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 {
                        index += 1
                        return true
                    }
                default: break
                }
                index += 1
            }
            return false
        default:
            while index < bytes.count, ![UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")].contains(bytes[index]) {
                index += 1
            }
            return true
        }
    }
}

extension JSONKeyOrder {
    /// The byte range of the value of top-level key `key` in a JSON object, or nil when the
    /// text is not an object or has no such key.
    static func rawValue(of key: String, in json: [UInt8]) -> Range<Int>? {
        var scanner = JSONKeyOrder(json)
        scanner.skipSpace()
        guard scanner.index < json.count, json[scanner.index] == UInt8(ascii: "{") else { return nil }
        scanner.index += 1
        while true {
            scanner.skipSpace()
            guard scanner.index < json.count, json[scanner.index] != UInt8(ascii: "}") else { return nil }
            if json[scanner.index] == UInt8(ascii: ",") {
                scanner.index += 1
                continue
            }
            guard let name = scanner.string() else { return nil }
            scanner.skipSpace()
            guard scanner.index < json.count, json[scanner.index] == UInt8(ascii: ":") else { return nil }
            scanner.index += 1
            scanner.skipSpace()
            let start = scanner.index
            guard scanner.skipValue() else { return nil }
            if name == key { return start..<scanner.index }
        }
    }

    /// The byte ranges of the elements of the JSON array `json[range]`, or nil when it is not one.
    static func arrayElements(in json: [UInt8], range: Range<Int>) -> [Range<Int>]? {
        var scanner = JSONKeyOrder(Array(json[..<range.upperBound]))
        scanner.index = range.lowerBound
        scanner.skipSpace()
        guard scanner.index < range.upperBound, json[scanner.index] == UInt8(ascii: "[") else { return nil }
        scanner.index += 1
        var elements: [Range<Int>] = []
        while true {
            scanner.skipSpace()
            guard scanner.index < range.upperBound else { return nil }
            switch json[scanner.index] {
            case UInt8(ascii: "]"): return elements
            case UInt8(ascii: ","): scanner.index += 1
            default:
                let start = scanner.index
                guard scanner.skipValue() else { return nil }
                elements.append(start..<scanner.index)
            }
        }
    }
}
