import NIOCore

/// Writes rows in COPY's text format: tab-separated, newline-terminated, `\N` for NULL,
/// and backslash escapes for backslash, tab, newline and carriage return so that no
/// value can end a field or a row early.
enum PostgresCopyText {
    static func append(_ row: [Value], to buffer: inout ByteBuffer) {
        for (index, value) in row.enumerated() {
            if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
            switch value {
            case .null: buffer.writeStaticString("\\N")
            case .bool(let v): buffer.writeStaticString(v ? "t" : "f")
            case .int(let v): buffer.writeString(String(v))
            case .double(let v): buffer.writeString(text(v))
            case .decimal(let v): buffer.writeString(v.description)
            case .string(let v): appendEscaped(v, to: &buffer)
            case .date(let v): buffer.writeString(v.description)
            // A timestamptz column reads the text in the session time zone; "+00" makes it
            // UTC (as timestamptz results are read), and a timestamp column ignores it.
            case .timestamp(let v): buffer.writeString(v.description + "+00")
            }
        }
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    static func text(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Infinity" : "Infinity" }
        // Swift prints the shortest text that reads back as the same double.
        return "\(v)"
    }

    static func appendEscaped(_ text: String, to buffer: inout ByteBuffer) {
        var start = text.utf8.startIndex
        var index = start
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let escape: StaticString?
            switch utf8[index] {
            case UInt8(ascii: "\\"): escape = "\\\\"
            case UInt8(ascii: "\t"): escape = "\\t"
            case UInt8(ascii: "\n"): escape = "\\n"
            case UInt8(ascii: "\r"): escape = "\\r"
            default: escape = nil
            }
            if let escape {
                buffer.writeSubstring(Substring(utf8[start..<index]))
                buffer.writeStaticString(escape)
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        buffer.writeSubstring(Substring(utf8[start..<utf8.endIndex]))
    }
}
