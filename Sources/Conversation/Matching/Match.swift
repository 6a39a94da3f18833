/// A phrase of a question recognised as a model member or a dimension value.
public struct Match: Sendable, Hashable {
    /// What the phrase stands for.
    public enum Target: Sendable, Hashable {
        /// A measure, dimension or segment of the model.
        case member(ModelMember)
        /// A value of a dimension in the tenant's data.
        case value(DimensionValue)
    }

    /// The phrase's position in the question.
    public var range: Range<String.Index>
    /// The phrase as the user typed it.
    public var text: String
    /// The positions of the phrase's words in ``QuestionAnalysis/words``.
    public var wordRange: Range<Int>
    /// Everything the phrase may mean, most frequent values first; more than one means the
    /// question is ambiguous here and the caller should ask rather than pick.
    public var candidates: [Target]
    /// How the phrase matched.
    public var quality: MatchQuality
    /// Letters edited to match (0 unless ``quality`` is ``MatchQuality/fuzzy``).
    public var edits: Int
    /// Confidence in the match, 0...1: 1 exact, 0.9 stemmed, 0.8 for one typo and 0.1 less per
    /// further typo.
    public var score: Double

    /// The phrase's words among `words` (the analysis's words).
    public func words(in words: [TermNormalizer.Word]) -> ArraySlice<TermNormalizer.Word> {
        words[wordRange]
    }

    /// Whether the phrase has several possible meanings.
    public var isAmbiguous: Bool { candidates.count > 1 }

    /// The members among the candidates.
    public var members: [ModelMember] {
        candidates.compactMap { if case .member(let member) = $0 { member } else { nil } }
    }

    /// The values among the candidates.
    public var values: [DimensionValue] {
        candidates.compactMap { if case .value(let value) = $0 { value } else { nil } }
    }
}

/// Everything the matcher found in a question.
public struct QuestionAnalysis: Sendable {
    /// The question as asked.
    public var question: String
    /// Its words, normalised.
    public var words: [TermNormalizer.Word]
    /// The recognised phrases, in question order, none overlapping.
    public var matches: [Match]
    /// Words neither matched nor stop words, for telling the user what was not understood.
    public var unmatched: [TermNormalizer.Word]

    /// The unmatched words as typed.
    public var unmatchedText: [String] { unmatched.map { String(question[$0.range]) } }
}
