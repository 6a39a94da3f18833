import Conversation
import Semantic
import Testing
import Warehouse

// As-of dates: 2025-06-30 (the last day of the sample data, a Monday), 2024-03-01 (the day
// after a 29 February, a Friday), 2025-01-01 (a year boundary, a Wednesday) and 2025-06-29
// (a Sunday).

private func date(_ iso: String) -> SQLDate {
    guard let value = SQLDate(iso: iso) else { preconditionFailure("not a test date: \(iso)") }
    return value
}

private func analyse(_ question: String, asOf: String = "2025-06-30") -> TimeAnalysis {
    TimeExpressionParser(asOf: date(asOf)).analyse(question)
}

/// The text of each range, for readable expectations.
private func texts(_ ranges: [Range<String.Index>], in question: String) -> [String] {
    ranges.map { String(question[$0]) }
}

/// A question naming one period.
struct PeriodCase: Sendable, CustomTestStringConvertible {
    var question: String
    var from: String
    var to: String
    var unit: TimeExpression.Unit
    var text: String?
    var isToDate: Bool
    var asOf: String

    init(
        _ question: String, _ from: String, _ to: String, _ unit: TimeExpression.Unit, text: String? = nil,
        toDate: Bool = false, asOf: String = "2025-06-30"
    ) {
        self.question = question
        self.from = from
        self.to = to
        self.unit = unit
        self.text = text
        self.isToDate = toDate
        self.asOf = asOf
    }

    var testDescription: String { "\"\(question)\" as of \(asOf)" }

    func check() {
        let analysis = analyse(question, asOf: asOf)
        #expect(analysis.problems.isEmpty, "\(question): \(analysis.problems)")
        #expect(analysis.expressions.count == 1, "\(question): \(analysis.expressions.map(\.description))")
        guard let expression = analysis.expressions.first else { return }
        #expect(expression.from.description == from, "\(question)")
        #expect(expression.to.description == to, "\(question)")
        #expect(expression.unit == unit, "\(question)")
        #expect(expression.isToDate == isToDate, "\(question)")
        if let text { #expect(String(question[expression.range]) == text, "\(question)") }
    }
}

@Suite("Time expressions: relative periods")
struct RelativePeriodTests {
    static let cases: [PeriodCase] = [
        .init("sales today", "2025-06-30", "2025-06-30", .day, text: "today"),
        .init("sales yesterday", "2025-06-29", "2025-06-29", .day, text: "yesterday"),
        .init("sales this week", "2025-06-30", "2025-06-30", .week, text: "this week", toDate: true),
        .init("sales this month", "2025-06-01", "2025-06-30", .month, toDate: true),
        .init("sales this quarter", "2025-04-01", "2025-06-30", .quarter, toDate: true),
        .init("sales this year", "2025-01-01", "2025-06-30", .year, toDate: true),
        .init("current month sales", "2025-06-01", "2025-06-30", .month, text: "current month", toDate: true),
        .init("sales last week", "2025-06-23", "2025-06-29", .week, text: "last week"),
        .init("sales last month", "2025-05-01", "2025-05-31", .month, text: "last month"),
        .init("sales last quarter", "2025-01-01", "2025-03-31", .quarter),
        .init("sales last year", "2024-01-01", "2024-12-31", .year),
        .init("sales previous month", "2025-05-01", "2025-05-31", .month, text: "previous month"),
        .init("sales in the previous quarter", "2025-01-01", "2025-03-31", .quarter, text: "previous quarter"),
        .init("sales last 7 days", "2025-06-24", "2025-06-30", .custom, text: "last 7 days"),
        .init("sales in the past 7 days", "2025-06-24", "2025-06-30", .custom, text: "past 7 days"),
        .init("sales last 30 days", "2025-06-01", "2025-06-30", .custom),
        .init("sales last 90 days", "2025-04-02", "2025-06-30", .custom),
        .init("sales last 2 weeks", "2025-06-16", "2025-06-29", .week),
        .init("sales last 3 months", "2025-03-01", "2025-05-31", .month),
        .init("sales last 12 months", "2024-06-01", "2025-05-31", .month),
        .init("sales last 2 quarters", "2024-10-01", "2025-03-31", .quarter),
        .init("sales last 2 years", "2023-01-01", "2024-12-31", .year),
        .init("sales over the last three months", "2025-03-01", "2025-05-31", .month, text: "last three months"),
        .init("sales last March", "2025-03-01", "2025-03-31", .month, text: "last March"),
        .init("sales last June", "2024-06-01", "2024-06-30", .month),
        .init("Sales LAST MONTH!", "2025-05-01", "2025-05-31", .month, text: "LAST MONTH"),
    ]

    @Test(arguments: cases) func resolves(_ c: PeriodCase) { c.check() }
}

@Suite("Time expressions: months, quarters, halves, years")
struct CalendarNameTests {
    static let monthCases: [PeriodCase] = [
        .init("sales in March", "2025-03-01", "2025-03-31", .month, text: "March"),
        .init("sales in Mar", "2025-03-01", "2025-03-31", .month),
        .init("sales in september", "2024-09-01", "2024-09-30", .month),
        .init("sales in June", "2025-06-01", "2025-06-30", .month),
        .init("sales in July", "2024-07-01", "2024-07-31", .month),
        .init("sales in December", "2024-12-01", "2024-12-31", .month),
        .init("sales in march 2024", "2024-03-01", "2024-03-31", .month, text: "march 2024"),
        .init("sales Mar 25", "2025-03-01", "2025-03-31", .month, text: "Mar 25"),
        .init("sales Mar'25", "2025-03-01", "2025-03-31", .month, text: "Mar'25"),
        .init("sales March-2025", "2025-03-01", "2025-03-31", .month, text: "March-2025"),
        .init("sales in Sept 2023", "2023-09-01", "2023-09-30", .month),
        .init("sales during May", "2025-05-01", "2025-05-31", .month, text: "May"),
        .init("Jan 2024 sales", "2024-01-01", "2024-01-31", .month, text: "Jan 2024"),
        .init("sales in feb 24", "2024-02-01", "2024-02-29", .month),
        .init("sales in Dec'23", "2023-12-01", "2023-12-31", .month),
        .init("sales in March of 2023", "2023-03-01", "2023-03-31", .month, text: "March of 2023"),
        .init("sales in the month of May", "2025-05-01", "2025-05-31", .month, text: "May"),
        .init("May sales by brand", "2025-05-01", "2025-05-31", .month, text: "May"),
    ]

    static let quarterCases: [PeriodCase] = [
        .init("sales in Q2 2025", "2025-04-01", "2025-06-30", .quarter, text: "Q2 2025"),
        .init("sales Q2", "2025-04-01", "2025-06-30", .quarter),
        .init("sales in Q3", "2024-07-01", "2024-09-30", .quarter),
        .init("sales 2025 Q1", "2025-01-01", "2025-03-31", .quarter, text: "2025 Q1"),
        .init("sales in the second quarter", "2025-04-01", "2025-06-30", .quarter, text: "second quarter"),
        .init("sales in the 4th quarter of 2024", "2024-10-01", "2024-12-31", .quarter),
        .init("sales Q4'24", "2024-10-01", "2024-12-31", .quarter),
        .init("sales in H1 2025", "2025-01-01", "2025-06-30", .month, text: "H1 2025"),
        .init("sales in H2", "2024-07-01", "2024-12-31", .month),
        .init("sales in the first half of 2024", "2024-01-01", "2024-06-30", .month),
        .init("sales Q1 FY25", "2024-04-01", "2024-06-30", .quarter, text: "Q1 FY25"),
        .init("sales in FY25 Q4", "2025-01-01", "2025-03-31", .quarter),
    ]

    static let yearCases: [PeriodCase] = [
        .init("sales in 2024", "2024-01-01", "2024-12-31", .year, text: "2024"),
        .init("sales for 2023", "2023-01-01", "2023-12-31", .year),
        .init("sales during 2022", "2022-01-01", "2022-12-31", .year),
        .init("sales year 2024", "2024-01-01", "2024-12-31", .year, text: "year 2024"),
        .init("sales of 2024", "2024-01-01", "2024-12-31", .year),
        .init("revenue 2024", "2024-01-01", "2024-12-31", .year),
        .init("revenue 2024?", "2024-01-01", "2024-12-31", .year),
        .init("sales in CY2024", "2024-01-01", "2024-12-31", .year, text: "CY2024"),
        .init("sales in calendar year 2023", "2023-01-01", "2023-12-31", .year),
    ]

    @Test(arguments: monthCases) func month(_ c: PeriodCase) { c.check() }
    @Test(arguments: quarterCases) func quarterOrHalf(_ c: PeriodCase) { c.check() }
    @Test(arguments: yearCases) func year(_ c: PeriodCase) { c.check() }

    /// Numbers that are not years, and "may" the verb, stay for the caller.
    @Test(arguments: [
        "top 5 brands by sales", "sales of Bingo 2024 pack", "sales of 1500 units", "what may happen to sales",
        "top 10 outlets in Maharashtra", "show 2025 brands in Pune", "sales of product X2024",
        "May I see sales by brand",
    ])
    func noPeriod(_ question: String) {
        let analysis = analyse(question)
        #expect(analysis.expressions.isEmpty, "\(analysis.expressions.map(\.description))")
        #expect(analysis.problems.isEmpty)
        #expect(analysis.consumedRanges.isEmpty, "\(texts(analysis.consumedRanges, in: question))")
    }
}

@Suite("Time expressions: fiscal years and to-date periods")
struct FiscalAndToDateTests {
    static let fiscalCases: [PeriodCase] = [
        .init("sales FY 2024-25", "2024-04-01", "2025-03-31", .fiscalYear, text: "FY 2024-25"),
        .init("FY24-25 sales", "2024-04-01", "2025-03-31", .fiscalYear, text: "FY24-25"),
        .init("sales FY 2024/25", "2024-04-01", "2025-03-31", .fiscalYear),
        .init("sales FY25", "2024-04-01", "2025-03-31", .fiscalYear),
        .init("sales FY 2025", "2024-04-01", "2025-03-31", .fiscalYear),
        .init("sales in FY'24", "2023-04-01", "2024-03-31", .fiscalYear),
        .init("sales fiscal year 2023-24", "2023-04-01", "2024-03-31", .fiscalYear),
        .init("sales financial year 2024-25", "2024-04-01", "2025-03-31", .fiscalYear),
        .init("sales in 2024-25", "2024-04-01", "2025-03-31", .fiscalYear, text: "2024-25"),
        .init("sales this FY", "2025-04-01", "2025-06-30", .fiscalYear, toDate: true),
        .init("sales this fiscal year", "2025-04-01", "2025-06-30", .fiscalYear, toDate: true),
        .init("sales last FY", "2024-04-01", "2025-03-31", .fiscalYear),
        .init("sales last fiscal year", "2024-04-01", "2025-03-31", .fiscalYear, text: "last fiscal year"),
        .init("sales FYTD", "2025-04-01", "2025-06-30", .fiscalYear, toDate: true),
    ]

    static let toDateCases: [PeriodCase] = [
        .init("sales YTD", "2025-01-01", "2025-06-30", .year, text: "YTD", toDate: true),
        .init("sales MTD", "2025-06-01", "2025-06-30", .month, toDate: true),
        .init("sales QTD", "2025-04-01", "2025-06-30", .quarter, toDate: true),
        .init("sales year to date", "2025-01-01", "2025-06-30", .year, text: "year to date", toDate: true),
        .init("sales year-to-date", "2025-01-01", "2025-06-30", .year, toDate: true),
        .init("sales month to date", "2025-06-01", "2025-06-30", .month, toDate: true),
        .init("sales quarter to date", "2025-04-01", "2025-06-30", .quarter, toDate: true),
        .init("sales fiscal year to date", "2025-04-01", "2025-06-30", .fiscalYear, toDate: true),
        .init("sales this year so far", "2025-01-01", "2025-06-30", .year, text: "this year so far", toDate: true),
    ]

    @Test(arguments: fiscalCases) func fiscalYear(_ c: PeriodCase) { c.check() }
    @Test(arguments: toDateCases) func toDatePeriod(_ c: PeriodCase) { c.check() }
}

@Suite("Time expressions: spans and days")
struct SpanAndDayTests {
    static let spanCases: [PeriodCase] = [
        .init("sales since January", "2025-01-01", "2025-06-30", .custom, text: "since January", toDate: true),
        .init("sales since 1 March", "2025-03-01", "2025-06-30", .custom, text: "since 1 March", toDate: true),
        .init("sales since April 2024", "2024-04-01", "2025-06-30", .custom, toDate: true),
        .init("sales since last month", "2025-05-01", "2025-06-30", .custom, toDate: true),
        .init("sales from March to May", "2025-03-01", "2025-05-31", .month, text: "from March to May"),
        .init(
            "sales from April till date", "2025-04-01", "2025-06-30", .custom, text: "from April till date",
            toDate: true),
        .init("sales from 1 Jun", "2025-06-01", "2025-06-30", .custom, toDate: true),
        .init("sales between 1 Feb and 15 Mar", "2025-02-01", "2025-03-15", .custom, text: "between 1 Feb and 15 Mar"),
        .init("sales between 1 Feb 2024 and 15 Mar 2024", "2024-02-01", "2024-03-15", .custom),
        .init("sales between March and May 2024", "2024-03-01", "2024-05-31", .month),
        .init("sales from 2025-01-01 to 2025-03-31", "2025-01-01", "2025-03-31", .custom),
        .init("sales from 1/1/2025 to 31/3/2025", "2025-01-01", "2025-03-31", .custom),
        .init("sales from Nov to Feb", "2024-11-01", "2025-02-28", .month),
        .init("sales from Q1 to Q2", "2025-01-01", "2025-06-30", .quarter),
        .init("sales Jan-Mar 2025", "2025-01-01", "2025-03-31", .month, text: "Jan-Mar 2025"),
        .init("sales from 2023 to 2024", "2023-01-01", "2024-12-31", .year),
        .init("sales from 15 May to 20 June", "2025-05-15", "2025-06-20", .custom),
        .init("sales 1-15 May", "2025-05-01", "2025-05-15", .custom, text: "1-15 May"),
        .init("sales 1 to 15 May 2024", "2024-05-01", "2024-05-15", .custom),
        .init("sales Q1-Q2 2025", "2025-01-01", "2025-06-30", .quarter, text: "Q1-Q2 2025"),
    ]

    static let dayCases: [PeriodCase] = [
        .init("sales on 15 May", "2025-05-15", "2025-05-15", .day, text: "15 May"),
        .init("sales 15 May 2024", "2024-05-15", "2024-05-15", .day),
        .init("sales on 1st Feb 2025", "2025-02-01", "2025-02-01", .day, text: "1st Feb 2025"),
        .init("sales on Feb 1, 2025", "2025-02-01", "2025-02-01", .day, text: "Feb 1, 2025"),
        .init("sales on 2025-02-01", "2025-02-01", "2025-02-01", .day),
        .init("sales on 1/2/2025", "2025-02-01", "2025-02-01", .day, text: "1/2/2025"),
        .init("sales on 01-02-2025", "2025-02-01", "2025-02-01", .day),
        .init("sales on 31 Dec", "2024-12-31", "2024-12-31", .day),
        .init("sales on 30 June", "2025-06-30", "2025-06-30", .day),
        .init("sales May 15th", "2025-05-15", "2025-05-15", .day),
        .init("sales on 15th of August", "2024-08-15", "2024-08-15", .day),
        .init("sales on Mar 25", "2025-03-25", "2025-03-25", .day),
        .init("sales for week ending 29 June", "2025-06-23", "2025-06-29", .week, text: "week ending 29 June"),
        .init("sales week starting 23 Jun 2025", "2025-06-23", "2025-06-29", .week),
        .init("sales in the week of 25 June", "2025-06-23", "2025-06-29", .week, text: "week of 25 June"),
    ]

    @Test(arguments: spanCases) func span(_ c: PeriodCase) { c.check() }
    @Test(arguments: dayCases) func day(_ c: PeriodCase) { c.check() }

    @Test func severalPeriodsKeepQuestionOrder() {
        let question = "sales in March 2025 and April 2024"
        let analysis = analyse(question)
        #expect(analysis.expressions.map(\.from.description) == ["2025-03-01", "2024-04-01"])
        #expect(texts(analysis.expressions.map(\.range), in: question) == ["March 2025", "April 2024"])
    }
}

@Suite("Time expressions: other as-of dates")
struct AsOfTests {
    static let leapYearCases: [PeriodCase] = [
        .init("sales last month", "2024-02-01", "2024-02-29", .month, asOf: "2024-03-01"),
        .init("sales in February", "2024-02-01", "2024-02-29", .month, asOf: "2024-03-01"),
        .init("sales on 29 Feb", "2024-02-29", "2024-02-29", .day, asOf: "2024-03-01"),
        .init("sales last 30 days", "2024-02-01", "2024-03-01", .custom, asOf: "2024-03-01"),
        .init("sales this week", "2024-02-26", "2024-03-01", .week, toDate: true, asOf: "2024-03-01"),
        .init("sales last week", "2024-02-19", "2024-02-25", .week, asOf: "2024-03-01"),
        .init("sales this quarter", "2024-01-01", "2024-03-01", .quarter, toDate: true, asOf: "2024-03-01"),
        .init("sales in March", "2024-03-01", "2024-03-31", .month, asOf: "2024-03-01"),
        .init("sales in April", "2023-04-01", "2023-04-30", .month, asOf: "2024-03-01"),
        .init("sales this FY", "2023-04-01", "2024-03-01", .fiscalYear, toDate: true, asOf: "2024-03-01"),
        .init("sales YTD", "2024-01-01", "2024-03-01", .year, toDate: true, asOf: "2024-03-01"),
        .init("sales on 29 Feb", "2024-02-29", "2024-02-29", .day, asOf: "2025-06-30"),
    ]

    static let yearBoundaryCases: [PeriodCase] = [
        .init("sales today", "2025-01-01", "2025-01-01", .day, asOf: "2025-01-01"),
        .init("sales yesterday", "2024-12-31", "2024-12-31", .day, asOf: "2025-01-01"),
        .init("sales this week", "2024-12-30", "2025-01-01", .week, toDate: true, asOf: "2025-01-01"),
        .init("sales last week", "2024-12-23", "2024-12-29", .week, asOf: "2025-01-01"),
        .init("sales last month", "2024-12-01", "2024-12-31", .month, asOf: "2025-01-01"),
        .init("sales last quarter", "2024-10-01", "2024-12-31", .quarter, asOf: "2025-01-01"),
        .init("sales last year", "2024-01-01", "2024-12-31", .year, asOf: "2025-01-01"),
        .init("sales this year", "2025-01-01", "2025-01-01", .year, toDate: true, asOf: "2025-01-01"),
        .init("sales in December", "2024-12-01", "2024-12-31", .month, asOf: "2025-01-01"),
        .init("sales in January", "2025-01-01", "2025-01-31", .month, asOf: "2025-01-01"),
        .init("sales in Q1", "2025-01-01", "2025-03-31", .quarter, asOf: "2025-01-01"),
        .init("sales in Q2", "2024-04-01", "2024-06-30", .quarter, asOf: "2025-01-01"),
        .init("sales last 7 days", "2024-12-26", "2025-01-01", .custom, asOf: "2025-01-01"),
        .init("sales since January", "2025-01-01", "2025-01-01", .custom, toDate: true, asOf: "2025-01-01"),
        .init("sales last 3 months", "2024-10-01", "2024-12-31", .month, asOf: "2025-01-01"),
        .init("sales between 1 Feb and 15 Mar", "2024-02-01", "2024-03-15", .custom, asOf: "2025-01-01"),
        .init("sales this FY", "2024-04-01", "2025-01-01", .fiscalYear, toDate: true, asOf: "2025-01-01"),
        .init("sales last FY", "2023-04-01", "2024-03-31", .fiscalYear, asOf: "2025-01-01"),
        .init("sales from November to February", "2023-11-01", "2024-02-29", .month, asOf: "2025-01-01"),
    ]

    static let weekEndCases: [PeriodCase] = [
        .init("sales this week", "2025-06-23", "2025-06-29", .week, toDate: true, asOf: "2025-06-29"),
        .init("sales last week", "2025-06-16", "2025-06-22", .week, asOf: "2025-06-29"),
        .init("sales this week", "2025-06-30", "2025-06-30", .week, toDate: true, asOf: "2025-06-30"),
        .init("sales last week", "2025-06-23", "2025-06-29", .week, asOf: "2025-06-30"),
    ]

    @Test(arguments: leapYearCases) func leapYear(_ c: PeriodCase) { c.check() }
    @Test(arguments: yearBoundaryCases) func yearBoundary(_ c: PeriodCase) { c.check() }
    @Test(arguments: weekEndCases) func mondayAndSunday(_ c: PeriodCase) { c.check() }
}

@Suite("Time expressions: granularity")
struct GranularityTests {
    static let cases: [(String, CubeQuery.Granularity, String)] = [
        ("monthly sales", .month, "monthly"),
        ("sales by month", .month, "by month"),
        ("sales per week", .week, "per week"),
        ("weekly trend of sales", .week, "weekly trend"),
        ("daily sales", .day, "daily"),
        ("quarterly sales", .quarter, "quarterly"),
        ("yearly sales", .year, "yearly"),
        ("sales trend", .month, "trend"),
        ("sales over time", .month, "over time"),
        ("month-wise sales", .month, "month-wise"),
        ("monthwise sales", .month, "monthwise"),
        ("monthly trend", .month, "monthly trend"),
        ("week on week trend", .week, "week on week trend"),
        ("week-on-week trend of sales", .week, "week-on-week trend"),
        ("sales by day", .day, "by day"),
        ("day-wise sales", .day, "day-wise"),
        ("sales by quarter", .quarter, "by quarter"),
        ("sales by year", .year, "by year"),
        ("sales per day", .day, "per day"),
        ("sales month by month", .month, "month by month"),
        ("sales each week", .week, "each week"),
    ]

    @Test(arguments: cases)
    func granularity(_ c: (String, CubeQuery.Granularity, String)) {
        let analysis = analyse(c.0)
        #expect(analysis.granularity == c.1)
        #expect(texts(analysis.consumedRanges, in: c.0) == [c.2])
        #expect(analysis.comparison == nil)
        #expect(analysis.expressions.isEmpty)
    }

    @Test func namedGranularityBeatsBareTrend() {
        let question = "sales trend by week"
        let analysis = analyse(question)
        #expect(analysis.granularity == .week)
        #expect(texts(analysis.consumedRanges, in: question) == ["trend", "by week"])
    }

    @Test(arguments: ["sales last month", "sales by brand", "top 5 brands", "sales in May vs last year"])
    func noGranularity(_ question: String) {
        #expect(analyse(question).granularity == nil)
    }
}

/// A question with a comparison, and the comparison period it yields for its main period.
struct ComparisonCase: Sendable, CustomTestStringConvertible {
    enum Expected: Sendable { case previousYear, previousPeriod, stated }
    var question: String
    var kind: Expected
    var from: String
    var to: String
    var text: String
    var asOf: String

    init(_ question: String, _ kind: Expected, _ from: String, _ to: String, text: String, asOf: String = "2025-06-30")
    {
        self.question = question
        self.kind = kind
        self.from = from
        self.to = to
        self.text = text
        self.asOf = asOf
    }

    var testDescription: String { "\"\(question)\" as of \(asOf)" }
}

@Suite("Time expressions: comparisons")
struct ComparisonTests {
    static let cases: [ComparisonCase] = [
        .init("sales in May vs last year", .previousYear, "2024-05-01", "2024-05-31", text: "vs last year"),
        .init("sales in May versus last year", .previousYear, "2024-05-01", "2024-05-31", text: "versus last year"),
        .init(
            "sales in May compared to last year", .previousYear, "2024-05-01", "2024-05-31",
            text: "compared to last year"),
        .init(
            "sales in May compared with last year", .previousYear, "2024-05-01", "2024-05-31",
            text: "compared with last year"),
        .init("sales last month YoY", .previousYear, "2024-05-01", "2024-05-31", text: "YoY"),
        .init("sales in Q1 year on year", .previousYear, "2024-01-01", "2024-03-31", text: "year on year"),
        .init("sales in Q1 year-over-year", .previousYear, "2024-01-01", "2024-03-31", text: "year-over-year"),
        .init("sales in May over last year", .previousYear, "2024-05-01", "2024-05-31", text: "over last year"),
        .init("sales in May vs LY", .previousYear, "2024-05-01", "2024-05-31", text: "vs LY"),
        .init(
            "sales in May vs same period last year", .previousYear, "2024-05-01", "2024-05-31",
            text: "vs same period last year"),
        .init(
            "sales this year compared to the same period last year", .previousYear, "2024-01-01", "2024-06-30",
            text: "compared to the same period last year"),
        .init("sales YTD vs last year", .previousYear, "2024-01-01", "2024-06-30", text: "vs last year"),
        .init("sales in May vs previous month", .previousPeriod, "2025-04-01", "2025-04-30", text: "vs previous month"),
        .init(
            "sales last month vs the month before", .previousPeriod, "2025-04-01", "2025-04-30",
            text: "vs the month before"),
        .init("sales in Q1 vs the quarter before", .previousPeriod, "2024-10-01", "2024-12-31", text: "vs the quarter before"),
        .init(
            "sales last month vs previous period", .previousPeriod, "2025-04-01", "2025-04-30",
            text: "vs previous period"),
        .init(
            "sales in Q1 vs previous quarter", .previousPeriod, "2024-10-01", "2024-12-31", text: "vs previous quarter"),
        .init(
            "sales last week vs previous week", .previousPeriod, "2025-06-16", "2025-06-22", text: "vs previous week"),
        .init("sales in May vs last month", .previousPeriod, "2025-04-01", "2025-04-30", text: "vs last month"),
        .init("sales last 7 days vs last month", .stated, "2025-05-01", "2025-05-31", text: "vs last month"),
        .init("sales in May MoM", .previousPeriod, "2025-04-01", "2025-04-30", text: "MoM"),
        .init(
            "sales in May month on month growth", .previousPeriod, "2025-04-01", "2025-04-30", text: "month on month"),
        .init("sales in Q1 QoQ", .previousPeriod, "2024-10-01", "2024-12-31", text: "QoQ"),
        .init("sales last week WoW", .previousPeriod, "2025-06-16", "2025-06-22", text: "WoW"),
        .init("sales in May sequential", .previousPeriod, "2025-04-01", "2025-04-30", text: "sequential"),
        .init("sales growth in May", .previousYear, "2024-05-01", "2024-05-31", text: "growth"),
        .init("change in sales in May", .previousYear, "2024-05-01", "2024-05-31", text: "change"),
        .init("sales growth rate in Q1", .previousYear, "2024-01-01", "2024-03-31", text: "growth rate"),
        .init("sales in March 2025 vs March 2024", .stated, "2024-03-01", "2024-03-31", text: "vs March 2024"),
        .init("sales FY25 vs FY24", .stated, "2023-04-01", "2024-03-31", text: "vs FY24"),
        .init("sales in 2024 vs 2023", .stated, "2023-01-01", "2023-12-31", text: "vs 2023"),
        .init(
            "sales last 30 days vs previous period", .previousPeriod, "2025-05-02", "2025-05-31",
            text: "vs previous period"),
        .init(
            "sales last 3 months vs previous period", .previousPeriod, "2024-12-01", "2025-02-28",
            text: "vs previous period"),
        .init(
            "sales MTD vs last month", .previousPeriod, "2025-04-01", "2025-04-14", text: "vs last month",
            asOf: "2025-05-14"),
        .init("sales this month vs last month", .previousPeriod, "2025-05-01", "2025-05-31", text: "vs last month"),
        .init("sales QTD QoQ", .previousPeriod, "2023-10-01", "2023-11-30", text: "QoQ", asOf: "2024-03-01"),
        .init("sales this week vs last week", .previousPeriod, "2025-06-23", "2025-06-23", text: "vs last week"),
        .init(
            "sales this week vs last week", .previousPeriod, "2025-06-16", "2025-06-22", text: "vs last week",
            asOf: "2025-06-29"),
        .init(
            "sales in February vs last year", .previousYear, "2023-02-01", "2023-02-28", text: "vs last year",
            asOf: "2024-03-01"),
        .init(
            "sales on 29 Feb vs last year", .previousYear, "2023-02-28", "2023-02-28", text: "vs last year",
            asOf: "2024-03-01"),
        .init(
            "sales last month vs last year", .previousYear, "2023-12-01", "2023-12-31", text: "vs last year",
            asOf: "2025-01-01"),
        .init("sales YoY growth in May", .previousYear, "2024-05-01", "2024-05-31", text: "YoY"),
    ]

    @Test(arguments: cases) func comparison(_ c: ComparisonCase) throws {
        let analysis = analyse(c.question, asOf: c.asOf)
        // The comparison's words are not a second period.
        #expect(analysis.expressions.count == 1, "\(analysis.expressions.map(\.description))")
        #expect(analysis.problems.isEmpty)
        let comparison = try #require(analysis.comparison)
        let main = try #require(analysis.expressions.first)
        switch (c.kind, comparison.kind) {
        case (.previousYear, .previousYear), (.previousPeriod, .previousPeriod), (.stated, .stated): break
        default: Issue.record("expected \(c.kind), got \(comparison.kind)")
        }
        let period = comparison.period(for: main)
        #expect(period.from.description == c.from)
        #expect(period.to.description == c.to)
        #expect(String(c.question[comparison.range]) == c.text)
    }

    @Test func comparisonWithoutPeriodStillReadsTheBase() {
        let question = "sales compared to last year"
        let analysis = analyse(question)
        #expect(analysis.expressions.isEmpty)
        #expect(analysis.comparison?.kind == .previousYear)
        #expect(texts(analysis.consumedRanges, in: question) == ["compared to last year"])
    }

    @Test func vsBetweenValuesIsNoComparison() {
        let question = "sales in Maharashtra vs Karnataka last month"
        let analysis = analyse(question)
        #expect(analysis.comparison == nil)
        #expect(texts(analysis.consumedRanges, in: question) == ["last month"])
    }
}

@Suite("Time expressions: problems")
struct TimeProblemTests {
    static let cases: [(String, String, String)] = [
        ("sales on 31 Feb 2025", "31 February 2025 is not a date", "on 31 Feb 2025"),
        ("sales on 31 Feb", "31 February is not a date", "on 31 Feb"),
        ("sales on 29 Feb 2025", "29 February 2025 is not a date", "on 29 Feb 2025"),
        ("sales on 31 April", "31 April is not a date", "on 31 April"),
        ("sales in Q5", "Q5 is not a quarter", "in Q5"),
        ("sales Q5 2025", "Q5 2025 is not a quarter", "Q5 2025"),
        ("sales FY 2025-27", "FY 2025-27 is not a fiscal year", "FY 2025-27"),
        ("sales on 1/13/2025", "1/13/2025 is not a date", "on 1/13/2025"),
        ("sales on 2025-13-01", "2025-13-01 is not a date", "on 2025-13-01"),
        ("sales from May 2025 to March 2025", "the period ends before it starts", "from May 2025 to March 2025"),
        (
            "sales between 15 Mar 2025 and 1 Feb 2025", "the period ends before it starts",
            "between 15 Mar 2025 and 1 Feb 2025"
        ),
        ("sales from 2025-03-31 to 2025-01-01", "the period ends before it starts", "from 2025-03-31 to 2025-01-01"),
        ("sales since 2026", "the period ends before it starts", "since 2026"),
        ("sales last 0 days", "last 0 days is an empty period", "last 0 days"),
        ("sales 20-10 May", "the period ends before it starts", "20-10 May"),
        ("sales 1-31 Feb", "31 February is not a date", "1-31 Feb"),
    ]

    @Test(arguments: cases)
    func problem(_ c: (String, String, String)) {
        let analysis = analyse(c.0)
        #expect(analysis.problems == [c.1])
        #expect(analysis.expressions.isEmpty, "\(analysis.expressions.map(\.description))")
        // The wrong phrase is consumed with its fillers, so the user hears the problem, not "unknown words".
        #expect(texts(analysis.consumedRanges, in: c.0) == [c.2])
    }
}

@Suite("Time expressions: consumed words")
struct ConsumedRangeTests {
    static let cases: [(String, [String])] = [
        ("top 5 brands by sales in March", ["in March"]),
        ("sales by brand for the last 3 months", ["for the last 3 months"]),
        ("sales during Q1 vs last year by brand", ["during Q1", "vs last year"]),
        ("monthly sales trend in Maharashtra since January", ["monthly", "trend", "since January"]),
        ("sales between 1 Feb and 15 Mar in Pune", ["between 1 Feb and 15 Mar"]),
        ("revenue of FY 2024-25 compared with previous year", ["of FY 2024-25", "compared with previous year"]),
        ("top 5 brands", []),
        ("sales in Maharashtra", []),
        ("YoY growth of sales in May", ["YoY", "growth", "in May"]),
        ("sales of Bingo 2024 pack in 2024", ["in 2024"]),
        ("weekly trend of sales for the year 2024", ["weekly trend", "for the year 2024"]),
        ("sales on 15 May", ["on 15 May"]),
        ("sales by day in the last 7 days", ["by day", "in the last 7 days"]),
        ("this year's sales by brand", ["this year's"]),
        ("sales in the month of May by brand", ["in the month of May"]),
    ]

    @Test(arguments: cases)
    func consumed(_ c: (String, [String])) {
        #expect(texts(analyse(c.0).consumedRanges, in: c.0) == c.1)
    }
}

@Suite("Time expressions: keywords")
struct TimeKeywordTests {
    @Test(arguments: ["march", "sept", "yoy", "qoq", "trend", "monthly", "last", "since", "ytd", "fiscal", "vs"])
    func readWordsAreKeywords(_ word: String) {
        #expect(TimeExpressionParser.keywords.contains(word))
    }

    @Test func keywordsAreLowerCaseWords() {
        #expect(TimeExpressionParser.keywords.allSatisfy { $0 == $0.lowercased() && $0.count > 1 })
        #expect(!TimeExpressionParser.keywords.contains("brand"))
    }
}

@Suite("Time expressions: descriptions and previous periods")
struct DescriptionTests {
    static let descriptions: [(String, String, String)] = [
        ("2025-05-01", "2025-05-31", "1–31 May 2025"),
        ("2024-04-01", "2025-03-31", "1 Apr 2024 – 31 Mar 2025"),
        ("2025-06-30", "2025-06-30", "30 Jun 2025"),
        ("2025-01-01", "2025-06-30", "1 Jan – 30 Jun 2025"),
        ("2024-12-30", "2025-01-01", "30 Dec 2024 – 1 Jan 2025"),
        ("2024-02-01", "2024-02-29", "1–29 Feb 2024"),
    ]

    @Test(arguments: descriptions)
    func describe(_ c: (String, String, String)) {
        #expect(TimeExpression.describe(from: date(c.0), to: date(c.1)) == c.2)
    }

    static let parsed: [(String, String)] = [
        ("sales last month", "1–31 May 2025"),
        ("sales FY25", "1 Apr 2024 – 31 Mar 2025"),
        ("sales today", "30 Jun 2025"),
        ("sales in the first half", "1 Jan – 30 Jun 2025"),
        ("sales last 12 months", "1 Jun 2024 – 31 May 2025"),
    ]

    @Test(arguments: parsed)
    func parsedDescription(_ c: (String, String)) {
        #expect(analyse(c.0).expressions.first?.description == c.1)
    }

    /// from, to, unit, to date; previous year from, to; previous period from, to.
    static let previousCases: [(String, String, TimeExpression.Unit, Bool, String, String, String, String)] = [
        ("2025-05-01", "2025-05-31", .month, false, "2024-05-01", "2024-05-31", "2025-04-01", "2025-04-30"),
        ("2024-02-29", "2024-02-29", .day, false, "2023-02-28", "2023-02-28", "2024-02-28", "2024-02-28"),
        ("2024-02-01", "2024-02-29", .month, false, "2023-02-01", "2023-02-28", "2024-01-01", "2024-01-31"),
        ("2025-02-01", "2025-02-28", .month, false, "2024-02-01", "2024-02-29", "2025-01-01", "2025-01-31"),
        ("2024-03-01", "2024-03-31", .month, false, "2023-03-01", "2023-03-31", "2024-02-01", "2024-02-29"),
        ("2025-01-01", "2025-03-31", .quarter, false, "2024-01-01", "2024-03-31", "2024-10-01", "2024-12-31"),
        ("2024-01-01", "2024-12-31", .year, false, "2023-01-01", "2023-12-31", "2023-01-01", "2023-12-31"),
        ("2024-04-01", "2025-03-31", .fiscalYear, false, "2023-04-01", "2024-03-31", "2023-04-01", "2024-03-31"),
        ("2025-06-23", "2025-06-29", .week, false, "2024-06-23", "2024-06-29", "2025-06-16", "2025-06-22"),
        ("2025-06-24", "2025-06-30", .custom, false, "2024-06-24", "2024-06-30", "2025-06-17", "2025-06-23"),
        ("2025-02-01", "2025-03-15", .custom, false, "2024-02-01", "2024-03-15", "2024-12-20", "2025-01-31"),
        ("2025-05-01", "2025-05-14", .month, true, "2024-05-01", "2024-05-14", "2025-04-01", "2025-04-14"),
        ("2025-03-01", "2025-03-31", .month, true, "2024-03-01", "2024-03-31", "2025-02-01", "2025-02-28"),
        ("2025-03-01", "2025-03-30", .month, true, "2024-03-01", "2024-03-30", "2025-02-01", "2025-02-28"),
        ("2025-01-01", "2025-06-30", .year, true, "2024-01-01", "2024-06-30", "2024-01-01", "2024-06-29"),
        ("2025-03-01", "2025-05-31", .month, false, "2024-03-01", "2024-05-31", "2024-12-01", "2025-02-28"),
    ]

    @Test(arguments: previousCases)
    func previous(_ c: (String, String, TimeExpression.Unit, Bool, String, String, String, String)) {
        let text = "period"
        let expression = TimeExpression(
            from: date(c.0), to: date(c.1), range: text.startIndex..<text.endIndex, unit: c.2, isToDate: c.3)
        let year = expression.previousYear()
        #expect(year.from.description == c.4)
        #expect(year.to.description == c.5)
        let period = expression.previousPeriod()
        #expect(period.from.description == c.6)
        #expect(period.to.description == c.7)
    }
}
