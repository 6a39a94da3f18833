/// Splits a SQL script into single statements at top-level semicolons.
///
/// postgres-nio speaks only the extended query protocol, which takes one statement per
/// message, while `execute` and migrations accept scripts. Semicolons inside quoted
/// strings (`'…'`, `E'…'` with backslash escapes), quoted identifiers, dollar-quoted
/// bodies (`$$…$$`, `$tag$…$tag$`) and comments (`--`, nested `/* */`) do not split.
/// Pieces holding only whitespace and comments are dropped. (SQL-standard
/// `BEGIN ATOMIC … END` function bodies are not recognised; use a dollar-quoted body.)
enum SQLScriptSplitter {
    static func split(_ sql: String) -> [String] {
        let bytes = Array(sql.utf8)
        var statements: [String] = []
        var start = 0
        var hasContent = false
        var i = 0
        let n = bytes.count

        func isIdentifierByte(_ b: UInt8) -> Bool {
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80
        }
        func flush(upTo end: Int) {
            if hasContent {
                let text = String(decoding: bytes[start..<end], as: UTF8.self)
                statements.append(text.trimmingWhitespace())
            }
            hasContent = false
        }

        while i < n {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "-") where i + 1 < n && bytes[i + 1] == UInt8(ascii: "-"):
                while i < n && bytes[i] != UInt8(ascii: "\n") { i += 1 }
            case UInt8(ascii: "/") where i + 1 < n && bytes[i + 1] == UInt8(ascii: "*"):
                var depth = 1
                i += 2
                while i < n && depth > 0 {
                    if bytes[i] == UInt8(ascii: "/") && i + 1 < n && bytes[i + 1] == UInt8(ascii: "*") {
                        depth += 1
                        i += 2
                    } else if bytes[i] == UInt8(ascii: "*") && i + 1 < n && bytes[i + 1] == UInt8(ascii: "/") {
                        depth -= 1
                        i += 2
                    } else {
                        i += 1
                    }
                }
            case UInt8(ascii: "'"):
                hasContent = true
                let escapes =
                    i > 0 && (bytes[i - 1] == UInt8(ascii: "E") || bytes[i - 1] == UInt8(ascii: "e"))
                    && (i < 2 || !isIdentifierByte(bytes[i - 2]))
                i += 1
                while i < n {
                    if escapes && bytes[i] == UInt8(ascii: "\\") {
                        i += 2
                        continue
                    }
                    if bytes[i] == UInt8(ascii: "'") {
                        if i + 1 < n && bytes[i + 1] == UInt8(ascii: "'") {
                            i += 2
                            continue
                        }
                        break
                    }
                    i += 1
                }
                i += 1
            case UInt8(ascii: "\""):
                hasContent = true
                i += 1
                while i < n {
                    if bytes[i] == UInt8(ascii: "\"") {
                        if i + 1 < n && bytes[i + 1] == UInt8(ascii: "\"") {
                            i += 2
                            continue
                        }
                        break
                    }
                    i += 1
                }
                i += 1
            case UInt8(ascii: "$") where i == 0 || !isIdentifierByte(bytes[i - 1]):
                hasContent = true
                // A dollar quote is $tag$ with a tag that does not start with a digit ($1 is a parameter).
                var j = i + 1
                while j < n && isIdentifierByte(bytes[j]) && bytes[j] != UInt8(ascii: "$") { j += 1 }
                let tagIsValid = j < n && bytes[j] == UInt8(ascii: "$")
                    && (j == i + 1 || !(bytes[i + 1] >= 0x30 && bytes[i + 1] <= 0x39))
                guard tagIsValid else {
                    i += 1
                    continue
                }
                let delimiter = Array(bytes[i...j])
                i = j + 1
                while i < n {
                    if bytes[i] == UInt8(ascii: "$") && i + delimiter.count <= n
                        && Array(bytes[i..<(i + delimiter.count)]) == delimiter
                    {
                        i += delimiter.count
                        break
                    }
                    i += 1
                }
            case UInt8(ascii: ";"):
                flush(upTo: i)
                i += 1
                start = i
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                i += 1
            default:
                hasContent = true
                i += 1
            }
        }
        flush(upTo: min(i, n))
        return statements
    }
}

extension String {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
