/// Lexical helpers for SQLite statement text: where `?` markers and statement
/// boundaries are, outside quotes and comments.
enum SQLiteStatementText {
    /// The statement with each `?` marker replaced by NULL, for compiling it into a
    /// temporary view (views cannot hold parameters); nil when it has other markers
    /// (`?NNN`, `:name`, `@name`, `$name`), which this driver does not write.
    static func replacingMarkersWithNull(_ sql: String) -> String? {
        scan(sql)?.withNulls
    }

    /// How many `?` markers the statement has; nil when it uses other marker forms.
    static func markerCount(_ sql: String) -> Int? {
        scan(sql)?.markers
    }

    private static func scan(_ sql: String) -> (withNulls: String, markers: Int)? {
        var markers = 0
        let bytes = Array(sql.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        var i = 0
        let n = bytes.count
        func copyQuoted(_ close: UInt8) {
            out.append(bytes[i])
            i += 1
            while i < n {
                out.append(bytes[i])
                if bytes[i] == close {
                    if close != UInt8(ascii: "]"), i + 1 < n, bytes[i + 1] == close {
                        out.append(bytes[i + 1])
                        i += 2
                        continue
                    }
                    i += 1
                    return
                }
                i += 1
            }
        }
        while i < n {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"):
                copyQuoted(b)
            case UInt8(ascii: "["):
                copyQuoted(UInt8(ascii: "]"))
            case UInt8(ascii: "-") where i + 1 < n && bytes[i + 1] == UInt8(ascii: "-"):
                while i < n && bytes[i] != UInt8(ascii: "\n") {
                    out.append(bytes[i])
                    i += 1
                }
            case UInt8(ascii: "/") where i + 1 < n && bytes[i + 1] == UInt8(ascii: "*"):
                let end = (i + 2..<max(i + 2, n - 1)).first { bytes[$0] == UInt8(ascii: "*") && bytes[$0 + 1] == UInt8(ascii: "/") }
                let stop = end.map { $0 + 2 } ?? n
                out.append(contentsOf: bytes[i..<stop])
                i = stop
            case UInt8(ascii: "?"):
                if i + 1 < n, (0x30...0x39).contains(bytes[i + 1]) { return nil }
                out.append(contentsOf: Array(" NULL ".utf8))
                markers += 1
                i += 1
            case UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "$"):
                if i + 1 < n, isIdentifierStart(bytes[i + 1]) { return nil }
                out.append(b)
                i += 1
            default:
                out.append(b)
                i += 1
            }
        }
        var text = String(decoding: out, as: UTF8.self).trimmingWhitespace()
        while text.hasSuffix(";") { text = String(text.dropLast()).trimmingWhitespace() }
        return (text, markers)
    }

    private static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80
    }

    /// The statements of a script. SQLiteNIO prepares only the first statement of the
    /// text it is given, so scripts are split here. (`CREATE TRIGGER … BEGIN … END`
    /// bodies are not recognised.)
    static func split(_ sql: String) -> [String] {
        SQLScriptSplitter.split(sql)
    }

    /// The first keyword, upper-cased, e.g. `SELECT` or `WITH`.
    static func firstKeyword(_ sql: String) -> String {
        var rest = Substring(sql)
        while true {
            rest = rest.drop(while: \.isWhitespace)
            if rest.hasPrefix("--") {
                rest = rest.drop(while: { $0 != "\n" })
            } else if rest.hasPrefix("/*"), let end = rest.firstRange(of: "*/") {
                rest = rest[end.upperBound...]
            } else {
                break
            }
        }
        return rest.prefix(while: { $0.isLetter }).uppercased()
    }
}
