import Conversation
import Semantic
import Warehouse

/// One next question for an answer, written so the built-in parser answers it: a breakdown
/// drills into its top row week by week, a trend splits by brand, a single number is
/// compared with the period before, a comparison splits by zone. Each candidate is checked
/// with the tenant's validator and the first that needs no clarification is offered.
struct FollowUpSuggester {
    let parser: QuestionParser
    let validator: QueryValidator
    let asOf: SQLDate

    func followUp(question: String, intent: QueryIntent, topLabel: String?) -> String? {
        candidates(question: question, intent: intent, topLabel: topLabel).first { candidate in
            let validation = validator.validate(candidate, asOf: asOf)
            return !validation.needsClarification && validation.parsed.unrecognized.isEmpty
        }
    }

    private func candidates(question: String, intent: QueryIntent, topLabel: String?) -> [String] {
        guard let measure = intent.measures.first else { return [] }
        let measureWords = parser.title(of: measure).lowercased()
        let period = intent.period.map(Self.phrase) ?? ""
        let filtered = Set(intent.filters.map(\.member))
        let filterWords = intent.filters.flatMap(\.values)
        func scoped(_ values: [String]) -> String { values.isEmpty ? "" : " for " + values.joined(separator: " and ") }
        var result: [String] = []
        if intent.granularity == nil, let dimension = intent.dimensions.first, let topLabel, !filtered.contains(dimension) {
            // A breakdown: the leading row, over time.
            let step = intent.period.map(Self.granularity) ?? "week"
            result.append("\(measureWords)\(scoped(filterWords + [topLabel])) by \(step) \(period)")
        }
        if intent.granularity != nil, intent.dimensions.isEmpty {
            // A trend: which brands made it.
            for split in ["Products.brand", "Customers.zone"] where !filtered.contains(split) {
                result.append("\(measureWords)\(scoped(filterWords)) by \(parser.title(of: split).lowercased()) \(period)")
            }
        }
        if intent.comparedPeriod == nil, intent.granularity == nil, let period = intent.period,
            let span = Self.days[period.unit]
        {
            let unit = period.unit
            // "last month vs the month before"; "last 12 months" is not one month, so its
            // comparison is with the period of the same length before it.
            let single = period.to.daysSinceEpoch - period.from.daysSinceEpoch <= span
            result.append("\(question) vs \(single ? "the \(unit) before" : "the previous period")")
        }
        if intent.dimensions.isEmpty, intent.granularity == nil {
            for split in ["Customers.zone", "Products.brand"] where !filtered.contains(split) {
                result.append("\(measureWords)\(scoped(filterWords)) by \(parser.title(of: split).lowercased()) \(period)")
            }
        }
        return result.map { $0.trimmingTrailingSpaces() }
    }

    /// The period in words the parser reads: "in May 2025" for a calendar month, else
    /// "from 1 May 2025 to 15 May 2025".
    static func phrase(_ period: QueryIntent.Period) -> String {
        let (fromYear, fromMonth, fromDay) = period.from.components
        let (toYear, toMonth, toDay) = period.to.components
        let monthEnd = toDay == SQLDate.daysIn(month: toMonth, year: toYear)
        if fromYear == toYear, fromMonth == toMonth, fromDay == 1, monthEnd {
            return "in \(monthNames[fromMonth - 1]) \(fromYear)"
        }
        return "from \(fromDay) \(monthNames[fromMonth - 1]) \(fromYear) to \(toDay) \(monthNames[toMonth - 1]) \(toYear)"
    }

    /// The most days one period of a unit spans, less one (a period's `to` is its last day).
    private static let days = ["day": 0, "week": 6, "month": 30, "quarter": 91, "year": 365]

    /// Weeks for a month or less, months for longer.
    static func granularity(_ period: QueryIntent.Period) -> String {
        period.to.daysSinceEpoch - period.from.daysSinceEpoch <= 45 ? "week" : "month"
    }

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
        "December",
    ]
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
