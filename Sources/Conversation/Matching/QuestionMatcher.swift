/// Finds the model members and dimension values a question names.
///
/// Each word is looked up once (plus its typo readings when it is unknown), phrases are read
/// off the two tries, and overlaps are settled: more words beat fewer, then exact beats
/// stemmed beats fuzzy, then fewer typos, then earlier. All meanings of the winning phrase
/// are kept, so an ambiguous phrase stays visible.
public struct QuestionMatcher: Sendable {
    /// Common English function words, left out of ``QuestionAnalysis/unmatched`` and never
    /// corrected as typos. Words that change a query's meaning ("not", "only", "without",
    /// "vs", "top", "last") are deliberately absent: if nothing understands them, the user
    /// must hear so.
    public static let defaultStopWords: Set<String> = [
        "a", "about", "all", "also", "an", "and", "any", "are", "as", "at", "be", "been", "by", "can", "could", "did",
        "do", "does", "for", "from", "get", "give", "had", "has", "have", "how", "i", "in", "is", "it", "its", "just",
        "list", "me", "much", "my", "of", "on", "or", "our", "please", "show", "so", "some", "tell", "than", "that",
        "the", "their", "them", "there", "these", "they", "this", "those", "to", "us", "very", "was", "we", "were",
        "what", "when", "where", "which", "who", "whose", "why", "will", "with", "would", "you", "your",
    ]

    /// The model's members.
    public let members: MemberIndex
    /// The tenant's dimension values, if indexed.
    public let values: ValueIndex?
    /// Words ignored when unmatched.
    public let stopWords: Set<String>
    /// Words the caller understands itself (its time and ranking words, "last", "top"): never
    /// corrected into a member or value, and still reported as unmatched, so that the caller
    /// removes those it used and the rest reach the user.
    public let keywords: Set<String>
    private let normalizer = TermNormalizer()

    /// Makes a matcher over `members` and, when given, `values`; `stopWords` and `keywords`
    /// are compared after normalising (lower case, no diacritics).
    public init(
        members: MemberIndex, values: ValueIndex? = nil, stopWords: Set<String> = Self.defaultStopWords,
        keywords: Set<String> = []
    ) {
        self.members = members
        self.values = values
        self.stopWords = stopWords
        self.keywords = keywords
    }

    /// The recognised phrases of `question`, in order.
    public func match(_ question: String) -> [Match] { analyze(question).matches }

    /// The recognised phrases of `question` and the words left over.
    public func analyze(_ question: String) -> QuestionAnalysis {
        let words = normalizer.words(question)
        let isStop = words.map { stopWords.contains($0.text) }
        let mayCorrect = words.map { !stopWords.contains($0.text) && !keywords.contains($0.text) }
        var hits: [(hit: PhraseIndex.Hit, target: Match.Target)] = []
        let memberAlternatives = words.indices.map {
            mayCorrect[$0] ? members.phrases.typoAlternatives(of: words[$0]) : []
        }
        for hit in members.phrases.hits(in: words, alternatives: memberAlternatives) {
            hits.append((hit, .member(members.members[hit.payload])))
        }
        if let values {
            let valueAlternatives = words.indices.map {
                mayCorrect[$0] ? values.phrases.typoAlternatives(of: words[$0]) : []
            }
            for hit in values.phrases.hits(in: words, alternatives: valueAlternatives) {
                hits.append((hit, .value(values.values[hit.payload])))
            }
        }
        // A phrase made only of stop words ("so", "in") is noise even if a synonym or value
        // spells it, unless typed in capitals as an acronym ("sales by SO").
        let isAcronym = words.map { word in
            let typed = question[word.range]
            return typed.count >= 2 && typed.allSatisfy { $0.isUppercase || $0.isNumber }
        }
        hits.removeAll { entry in
            (entry.hit.start..<entry.hit.end).allSatisfy { isStop[$0] }
                && !(entry.hit.start..<entry.hit.end).allSatisfy { isAcronym[$0] }
        }

        // Per span, only the best reading counts; its meanings are gathered together, each
        // with the best tier it was reached by.
        struct Span: Hashable {
            var start: Int
            var end: Int
        }
        struct Reading {
            var quality: MatchQuality
            var edits: Int
            var targets: [Match.Target: Int]
        }
        var best: [Span: Reading] = [:]
        for (hit, target) in hits {
            let span = Span(start: hit.start, end: hit.end)
            if let current = best[span], (current.quality, current.edits) < (hit.quality, hit.edits) { continue }
            if let current = best[span], (current.quality, current.edits) == (hit.quality, hit.edits) {
                best[span]?.targets[target] = min(current.targets[target] ?? hit.tier, hit.tier)
            } else {
                best[span] = Reading(quality: hit.quality, edits: hit.edits, targets: [target: hit.tier])
            }
        }
        let ranked = best.sorted { lhs, rhs in
            let l = (lhs.key.end - lhs.key.start, lhs.value.quality, lhs.value.edits, lhs.key.start)
            let r = (rhs.key.end - rhs.key.start, rhs.value.quality, rhs.value.edits, rhs.key.start)
            if l.0 != r.0 { return l.0 > r.0 }
            return (l.1, l.2, l.3) < (r.1, r.2, r.3)
        }
        var covered = [Bool](repeating: false, count: words.count)
        var matches: [Match] = []
        for (span, reading) in ranked where !covered[span.start..<span.end].contains(true) {
            for i in span.start..<span.end { covered[i] = true }
            let range = words[span.start].range.lowerBound..<words[span.end - 1].range.upperBound
            let score: Double =
                switch reading.quality {
                case .exact: 1
                case .stem: 0.9
                case .fuzzy: max(0.1, 0.9 - 0.1 * Double(reading.edits))
                }
            matches.append(
                Match(
                    range: range, text: String(question[range]), wordRange: span.start..<span.end,
                    candidates: Self.ordered(reading.targets, members: members), quality: reading.quality, edits: reading.edits,
                    score: score))
        }
        matches.sort { $0.wordRange.lowerBound < $1.wordRange.lowerBound }
        let unmatched = words.indices.filter { !covered[$0] && !isStop[$0] }.map { words[$0] }
        return QuestionAnalysis(question: question, words: words, matches: matches, unmatched: unmatched)
    }

    /// Members first (those named by title or synonym before those named only by their
    /// identifier, then in model order), then values by frequency: the likeliest meaning leads.
    private static func ordered(_ targets: [Match.Target: Int], members index: MemberIndex) -> [Match.Target] {
        var members: [(member: ModelMember, tier: Int)] = []
        var values: [DimensionValue] = []
        for (target, tier) in targets {
            switch target {
            case .member(let member): members.append((member, tier))
            case .value(let value): values.append(value)
            }
        }
        members.sort { ($0.tier, index.position[$0.member] ?? 0) < ($1.tier, index.position[$1.member] ?? 0) }
        values.sort { ($0.frequency ?? 0, $1.dimension, $1.value) > ($1.frequency ?? 0, $0.dimension, $0.value) }
        return members.map { .member($0.member) } + values.map { .value($0) }
    }
}
