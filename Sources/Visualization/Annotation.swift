/// One sentence about a result, with the numbers that make it, and how it should feel.
public struct Annotation: Codable, Sendable, Hashable {
    /// What the sentence is about.
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        /// The change against the compared period.
        case change
        /// The largest row's share of the total.
        case topContributor
        /// How much of the total the top fifth of the rows hold.
        case concentration
        /// A point far from the rest (robust z-score ≥ 3.5).
        case outlier
    }

    /// What the sentence is about.
    public var kind: Kind
    /// The sentence, numbers formatted for the tenant.
    public var text: String
    /// Good, bad, neutral or worth a look.
    public var tone: Tone

    /// Makes an annotation.
    public init(kind: Kind, text: String, tone: Tone) {
        self.kind = kind
        self.text = text
        self.tone = tone
    }
}
