import PropertyBased

/// Generated hostile text for the injection tests: SQL quote breakers, comments, statement
/// separators, placeholders of every dialect, dollar quotes, LIKE wildcards, JSON breakers,
/// unicode that renders deceptively (RTL marks, combining characters, fullwidth quotes,
/// U+2028), NUL bytes and a 110 KB string, mixed with random letters and digits.
///
/// A string is one to six fragments, each a piece of the table plus a few letters. The
/// fragment is picked by index, so shrinking moves towards the first (a single quote), drops
/// fragments and shortens the letters: a failure shrinks to a short readable string.
enum HostileStrings {
    static let fragments: [String] = [
        "'", "''", "\"", "\\", "' OR 1=1 --", "'; DROP TABLE fact_sales_transactions; --", "') OR ('1'='1",
        "--", "/* */", "/*", "*/", "#", ";", "; SELECT pg_sleep(10);", "$1", "?", "@P1", ":name", "$$", "$q$",
        "%", "_", "[a-z]", "\\%", "\u{200F}", "\u{202E}", "😀", "👩‍👩‍👧", "e\u{0301}", "%\u{0301}",
        "＇", "＂", "；", "\u{2028}", "\u{2029}", "\u{0000}", "\n", "\r\n", "\t", "\u{FEFF}", "\"}", "{\"a\":[",
        "]}", "\\u0000", "\\\"", "NULL", "null", "true", "1e400", "-1", "9223372036854775808", "0x7f", "{CUBE}",
        "{Products}.brand", "${x}", "`", "\\x00", " ",
    ]

    /// About 110 KB.
    static let long = String(repeating: "'; DROP TABLE x; -- ", count: 5_500)

    /// One fragment: a table entry (or, rarely, the long string) followed by 0–6 letters.
    static let fragment = zip(Gen.int(in: 0...fragments.count), Gen.letterOrNumber.string(of: 0...6))
        .map { index, letters in (index == fragments.count ? long : fragments[index]) + letters }

    /// A hostile string: one to six fragments run together.
    static let string = fragment.array(of: 1...6).map { $0.joined() }
}
