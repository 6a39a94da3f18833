/// How a phrase of a question matched an indexed phrase; better qualities sort first.
public enum MatchQuality: Int, Sendable, Hashable, Comparable, CaseIterable {
    /// Word for word, after lower-casing and folding diacritics.
    case exact
    /// Equal after light stemming ("brands" for "brand").
    case stem
    /// Within the typo tolerance ("revenu" for "revenue").
    case fuzzy

    /// Orders exact before stem before fuzzy.
    public static func < (lhs: MatchQuality, rhs: MatchQuality) -> Bool { lhs.rawValue < rhs.rawValue }
}
