public import Warehouse

/// Recognises the time phrases of a question — periods, the granularity of a trend, a
/// comparison — and resolves them to absolute dates against an as-of date.
///
/// Relative periods follow docs/conversation.md (Time and Comparisons): "last month" is the
/// previous complete month, "last 7 days" ends on the as-of date, a month or quarter
/// without a year is the latest one that has begun, fiscal years are Indian (April to
/// March, named by the year they end in), weeks are ISO weeks starting Monday.
///
/// The parser only reads time: it reports which ranges of the question it used, so that
/// the caller can treat every other word as still to be understood.
public struct TimeExpressionParser: Sendable {
    /// The date "today", "this month" and "last year" are counted from.
    public let asOf: SQLDate

    /// The words the parser reads (month names, units, "last", "since", "vs", "YoY", "trend"
    /// …), lower-case: pass them as ``QuestionMatcher`` keywords, so that typo correction
    /// never turns "march" or "qoq" into a member or value.
    public static var keywords: Set<String> { TimeGrammar.keywords }

    /// Makes a parser resolving relative periods against `asOf`.
    public init(asOf: SQLDate) {
        self.asOf = asOf
    }

    /// The time phrases of `question`.
    public func analyse(_ question: String) -> TimeAnalysis {
        TimeGrammar(question: question, asOf: asOf).analyse()
    }
}
