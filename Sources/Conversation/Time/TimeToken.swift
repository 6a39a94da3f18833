/// One token of a question for the time grammar: a run of letters, a run of ASCII digits,
/// or a single other character. Letters and digits are split apart ("FY25" → "fy", "25";
/// "1st" → "1", "st"; "Q2" → "q", "2"), and ``glued`` remembers that nothing separated them.
struct TimeToken: Sendable {
    enum Kind: Sendable { case word, number, symbol }

    /// Lower-cased; dashes (– —) read as "-", and ’ as '.
    var text: String
    var kind: Kind
    var range: Range<String.Index>
    /// No space between this token and the previous one.
    var glued: Bool

    /// The value of a number token of at most 9 digits.
    var value: Int? { kind == .number && text.count <= 9 ? Int(text) : nil }

    /// Splits `text` into tokens; spaces separate tokens and are dropped.
    static func tokens(_ text: String) -> [TimeToken] {
        var tokens: [TimeToken] = []
        var index = text.startIndex
        var glued = false
        while index < text.endIndex {
            let character = text[index]
            if character.isWhitespace {
                glued = false
                index = text.index(after: index)
                continue
            }
            let kind: Kind
            if character.isASCII && character.isNumber {
                kind = .number
            } else if character.isLetter {
                kind = .word
            } else {
                kind = .symbol
            }
            var end = text.index(after: index)
            if kind != .symbol {
                while end < text.endIndex {
                    let next = text[end]
                    let sameKind = kind == .number ? (next.isASCII && next.isNumber) : (next.isLetter && !next.isNumber)
                    guard sameKind else { break }
                    end = text.index(after: end)
                }
            }
            var word = String(text[index..<end]).lowercased()
            if kind == .symbol {
                if word == "–" || word == "—" || word == "‒" { word = "-" }
                if word == "’" || word == "‘" { word = "'" }
            }
            tokens.append(TimeToken(text: word, kind: kind, range: index..<end, glued: glued && !tokens.isEmpty))
            glued = true
            index = end
        }
        return tokens
    }
}
