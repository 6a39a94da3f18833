import Foundation

/// Turns text (a question, a synonym, a dimension value) into comparable words: lower-cased,
/// diacritics folded, split on spaces and punctuation, each with a light English stem.
///
/// Questions and index phrases go through the same normaliser, so "Bingo!" in the data and
/// "bingo" in a question meet as the same word, and "brands" meets "brand".
public struct TermNormalizer: Sendable {
    /// One word of a text.
    public struct Word: Sendable, Hashable {
        /// The word lower-cased with diacritics folded ("nestle" for "Nestlé").
        public var text: String
        /// The light stem of ``text`` ("brand" for "brands").
        public var stem: String
        /// Where the word is in the original text.
        public var range: Range<String.Index>
    }

    /// Makes a normaliser.
    public init() {}

    /// The words of `text`, in order.
    public func words(_ text: String) -> [Word] {
        var words: [Word] = []
        var current = ""
        var start: String.Index?
        var end = text.startIndex
        func flush() {
            if let begin = start, !current.isEmpty {
                words.append(Word(text: current, stem: Self.stem(current), range: begin..<end))
            }
            current = ""
            start = nil
        }
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            let next = text.index(after: index)
            if character.isLetter || character.isNumber {
                if start == nil { start = index }
                current += Self.fold(character)
                end = next
            } else if character == "'" || character == "’", start != nil, next < text.endIndex, text[next].isLetter {
                // "Haldiram's" stays one word ("haldirams"), as people type it either way.
                end = next
            } else if character == "%" {
                // A symbol that carries meaning ("return %") is a word of its own.
                flush()
                words.append(Word(text: "%", stem: "%", range: index..<next))
            } else {
                flush()
            }
            index = next
        }
        flush()
        return words
    }

    /// The words of `text`, and when it has hyphenated words ("E-commerce", "sub-category")
    /// also the words with those joined ("ecommerce"), since people type both; for indexing.
    public func phraseVariants(_ text: String) -> [[Word]] {
        let plain = words(text)
        guard text.contains("-") else { return [plain] }
        let joined = words(text.replacingOccurrences(of: "-", with: ""))
        return joined.map(\.text) == plain.map(\.text) ? [plain] : [plain, joined]
    }

    /// Lower-cases and removes diacritics; ASCII, the usual case, skips Foundation.
    static func fold(_ character: Character) -> String {
        if character.isASCII { return character.lowercased() }
        return String(character).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
    }

    /// A light English stem: plurals, -ing, -ed and a final silent e, so that "sales", "sale",
    /// "billed" and "bill" meet. Deliberately weaker than Porter: product and place names
    /// must not be mangled into each other.
    public static func stem(_ word: String) -> String {
        guard word.count > 3, word.allSatisfy(\.isLetter) else { return word }
        var w = Array(word)
        func ends(_ suffix: String) -> Bool { w.count > suffix.count && w.suffix(suffix.count).elementsEqual(suffix) }
        if ends("ies"), w.count > 4 {
            w.removeLast(3)
            w.append("y")
        } else if ends("sses") || ends("xes") || ends("ches") || ends("shes") || ends("zzes") {
            w.removeLast(2)
        } else if ends("s"), !ends("ss"), !ends("us"), !ends("is") {
            w.removeLast()
        }
        if ends("ing"), w.count - 3 >= 3 {
            w.removeLast(3)
            undouble(&w)
        } else if ends("ed"), w.count - 2 >= 3 {
            w.removeLast(2)
            undouble(&w)
        }
        if ends("e"), w.count > 3 { w.removeLast() }
        return String(w)
    }

    /// "shipped" → "ship" rather than "shipp"; doubled l, s and z are left alone ("billed" → "bill").
    private static func undouble(_ w: inout [Character]) {
        guard w.count >= 3, let last = w.last, w[w.count - 2] == last, !"aeiouylsz".contains(last) else { return }
        w.removeLast()
    }

    /// The most edits allowed between a typed word of `length` letters and a known word:
    /// none under 4 letters (too many short words are one edit apart), 1 up to 7, then 2.
    public static func typoTolerance(forLength length: Int) -> Int {
        switch length {
        case ..<4: 0
        case 4...7: 1
        default: 2
        }
    }

    /// The optimal-string-alignment Damerau–Levenshtein distance between `a` and `b`, or
    /// `nil` when it exceeds `limit`; stops early once a whole row is over the limit.
    public static func editDistance(_ a: [Character], _ b: [Character], limit: Int) -> Int? {
        let n = a.count
        let m = b.count
        if abs(n - m) > limit { return nil }
        if n == 0 || m == 0 { return max(n, m) <= limit ? max(n, m) : nil }
        var previous2 = [Int](repeating: 0, count: m + 1)
        var previous = Array(0...m)
        var current = [Int](repeating: 0, count: m + 1)
        for i in 1...n {
            current[0] = i
            var rowMinimum = i
            for j in 1...m {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previous2[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return nil }
            (previous2, previous, current) = (previous, current, previous2)
        }
        return previous[m] <= limit ? previous[m] : nil
    }
}
