public import Semantic

/// What a question says about time: the periods it names, the granularity of a trend, a
/// comparison, and what could not be a date.
public struct TimeAnalysis: Sendable {
    /// The periods named, in question order. Periods named as a comparison's base ("vs
    /// March 2024") are in ``comparison`` instead.
    public var expressions: [TimeExpression]
    /// The granularity of a trend: "monthly", "by month", "per week", "weekly trend",
    /// "daily", "quarterly", "yearly", "month-wise"; "trend" or "over time" alone → month.
    public var granularity: CubeQuery.Granularity?
    /// The comparison asked for: "vs last year", "YoY", "MoM", "vs March 2024"; "growth" or
    /// "change" with no base named → the previous year.
    public var comparison: Comparison?
    /// Why a time phrase could not be used: "31 February 2025 is not a date", "the period
    /// ends before it starts". The phrase is still consumed, so that the user hears this
    /// problem rather than "unknown words".
    public var problems: [String]
    /// Every range of the question this analysis used (periods with their fillers "in",
    /// "for the", granularity and comparison words), in order, overlaps merged; every other
    /// word is still to be understood by the caller.
    public var consumedRanges: [Range<String.Index>]

    /// Makes an analysis; empty by default.
    public init(
        expressions: [TimeExpression] = [], granularity: CubeQuery.Granularity? = nil, comparison: Comparison? = nil,
        problems: [String] = [], consumedRanges: [Range<String.Index>] = []
    ) {
        self.expressions = expressions
        self.granularity = granularity
        self.comparison = comparison
        self.problems = problems
        self.consumedRanges = consumedRanges
    }
}
