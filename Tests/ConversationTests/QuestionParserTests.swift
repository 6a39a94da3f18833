import Conversation
import Foundation
import Semantic
import Testing
import Warehouse

/// The parser and validator over the shipped model and a few known rows (the value index
/// of ``ValueIndexTests``), as of 2025-06-30.
@Suite("Question parser and validator")
struct QuestionParserTests {
    static let asOf = SQLDate(iso: "2025-06-30")!

    private func tools() async throws -> (QuestionParser, QueryValidator) {
        let model = try DataModel.load(from: repositoryRootForParser.appendingPathComponent("model"))
        let database = try await ValueIndexTests.database()
        let values = try await ValueIndex.build(
            model: model, database: database, configuration: .init(frequencyMeasure: "Transactions.netSales"))
        try await database.close()
        let parser = QuestionParser(model: model, values: values)
        return (parser, QueryValidator(parser: parser, values: values))
    }

    private func filters(_ query: CubeQuery) -> [String] {
        query.filters.compactMap { filter in
            if case .member(let member, let op, let values) = filter { return "\(member) \(op.rawValue) \(values)" }
            return nil
        }
    }

    private func range(_ query: CubeQuery) -> [String]? {
        guard case .absolute(let from, let to) = query.timeDimensions.first?.dateRange else { return nil }
        return [from, to]
    }

    @Test func rankingWithValueAndPeriod() async throws {
        let (parser, _) = try await tools()
        let parsed = parser.parse("top 5 brands in Tamil Nadu last month", asOf: Self.asOf)
        let query = parsed.query
        #expect(query.measures == ["Transactions.netSales"])
        #expect(query.dimensions == ["Products.brand"])
        // Outlet geography first for secondary sales: the model lists the Customers join first.
        #expect(filters(query) == ["Customers.state equals [\"Tamil Nadu\"]"])
        #expect(query.timeDimensions.first?.dimension == "Transactions.transactionDate")
        #expect(range(query) == ["2025-05-01", "2025-05-31"])
        #expect(query.order == [.init("Transactions.netSales", .desc)])
        #expect(query.limit == 5)
        #expect(parsed.unrecognized.isEmpty)
        #expect(!parsed.needsPeriod)
        #expect(parser.describe(parsed.intent).contains("1–31 May 2025"))
    }

    @Test func pluralAcronymsAndRankedNounsNameDimensions() async throws {
        let (parser, _) = try await tools()
        // "SKUs": the plural of a synonym the stemmer leaves alone; "top" without N is 5.
        let skus = parser.parse("top skus this month", asOf: Self.asOf).query
        #expect(skus.dimensions == ["Products.productName"])
        #expect(skus.limit == 5)
        // "distributors" names a measure (their count) more exactly, but after "top 5" it is
        // what is ranked.
        let distributors = parser.parse("top 5 distributors by primary sales last month", asOf: Self.asOf).query
        #expect(distributors.measures == ["PrimarySales.netAmount"])
        #expect(distributors.dimensions == ["Accounts.accountName"])
        #expect(distributors.order == [.init("PrimarySales.netAmount", .desc)])
    }

    @Test func primarySalesUseDistributorGeography() async throws {
        let (parser, _) = try await tools()
        let query = parser.parse("sell-in in Tamil Nadu last month", asOf: Self.asOf).query
        #expect(query.measures == ["PrimarySales.netAmount"])
        #expect(filters(query) == ["Accounts.state equals [\"Tamil Nadu\"]"])
        #expect(query.timeDimensions.first?.dimension == "PrimarySales.invoiceDate")
    }

    @Test func aDimensionNextToItsValueQualifiesIt() async throws {
        let (parser, _) = try await tools()
        let query = parser.parse("revenue in south zone last quarter", asOf: Self.asOf).query
        #expect(query.dimensions.isEmpty)
        #expect(filters(query) == ["Customers.zone equals [\"South\"]"])
        #expect(range(query) == ["2025-01-01", "2025-03-31"])
    }

    @Test func valuesWithPunctuationAndTyposAreUnderstood() async throws {
        let (parser, _) = try await tools()
        let parsed = parser.parse("Bingo! revenu this month", asOf: Self.asOf)
        #expect(parsed.query.measures == ["Transactions.netSales"])
        #expect(filters(parsed.query) == ["Products.brand equals [\"Bingo!\"]"])
        #expect(range(parsed.query) == ["2025-06-01", "2025-06-30"])
        #expect(parsed.confidence < 1)
    }

    @Test func trendsAreOrderedByTime() async throws {
        let (parser, _) = try await tools()
        let query = parser.parse("monthly trend of net sales this year", asOf: Self.asOf).query
        #expect(query.timeDimensions.first?.granularity == .month)
        #expect(query.order == [.init("Transactions.transactionDate", .asc)])
        #expect(query.limit == nil)
    }

    @Test func comparisonsCarryBothPeriods() async throws {
        let (parser, _) = try await tools()
        let query = parser.parse("net sales last month vs last year", asOf: Self.asOf).query
        #expect(query.timeDimensions.first?.dateRange == nil)
        #expect(query.timeDimensions.first?.compareDateRange == [
            .absolute("2025-05-01", "2025-05-31"), .absolute("2024-05-01", "2024-05-31"),
        ])
        #expect(query.comparedQueries().count == 2)
    }

    @Test func segmentsWinOverTheSameWordsAsValues() async throws {
        let (parser, _) = try await tools()
        let query = parser.parse("modern trade sales last week", asOf: Self.asOf).query
        #expect(query.segments == ["Customers.modernTrade"])
        #expect(query.filters.isEmpty)
        #expect(range(query) == ["2025-06-23", "2025-06-29"])
    }

    @Test func followUpsAmendThePreviousQuery() async throws {
        let (parser, _) = try await tools()
        let first = parser.parse("top 3 brands in Tamil Nadu last month", asOf: Self.asOf)
        let other = parser.parse("what about Delhi?", asOf: Self.asOf, previous: first.intent)
        #expect(other.isFollowUp)
        #expect(filters(other.query) == ["Customers.state equals [\"Delhi\"]"])
        #expect(other.query.limit == 3)
        #expect(other.query.dimensions == ["Products.brand"])
        let lastYear = parser.parse("and last year?", asOf: Self.asOf, previous: other.intent)
        #expect(range(lastYear.query) == ["2024-05-01", "2024-05-31"])
        let byCategory = parser.parse("break it down by category", asOf: Self.asOf, previous: lastYear.intent)
        #expect(byCategory.query.dimensions == ["Products.brand", "Products.category"])
        let modernTrade = parser.parse("only modern trade", asOf: Self.asOf, previous: byCategory.intent)
        #expect(modernTrade.query.segments == ["Customers.modernTrade"])
        #expect(filters(modernTrade.query) == ["Customers.state equals [\"Delhi\"]"])
        #expect(modernTrade.unrecognized.isEmpty)
    }

    @Test func broadQuestionsAreClarifiedWithOptionsFromTheData() async throws {
        let (_, validator) = try await tools()
        let validation = validator.validate("show me sales", asOf: Self.asOf)
        #expect(validation.isTooBroad)
        #expect(validation.clarifications.map(\.dimension) == ["time", "products", "geography"])
        let products = validation.clarifications[1].options
        // Most sold first: Brooke Bond (420) before Bingo! (20); the other brands sold nothing.
        #expect(Array(products.prefix(3)) == [QueryValidator.allProducts, "Brooke Bond", "Bingo!"])
        #expect(validation.clarifications[2].options.contains("Tamil Nadu"))
        #expect(validation.missing.contains(.time))

        let (refined, answered) = validator.apply(
            ["time": "last month", "products": "Brooke Bond", "geography": "Tamil Nadu"], to: "show me sales",
            asOf: Self.asOf)
        #expect(!answered.needsClarification, "\(refined): \(answered.clarifications)")
        #expect(Set(filters(answered.parsed.query)) == [
            "Products.brand equals [\"Brooke Bond\"]", "Customers.state equals [\"Tamil Nadu\"]",
        ])
    }

    @Test func aNamedProductOrPlaceLeavesOnlyThePeriodToAsk() async throws {
        let (_, validator) = try await tools()
        let validation = validator.validate("sales by brand", asOf: Self.asOf)
        #expect(validation.clarifications.map(\.dimension) == ["time"])
        let counted = validator.validate("how many outlets in Delhi", asOf: Self.asOf)
        #expect(!counted.needsClarification, "\(counted.clarifications)")
        #expect(counted.parsed.query.measures == ["Customers.count"])
    }

    @Test func unknownWordsAreAskedAboutNeverDropped() async throws {
        let (_, validator) = try await tools()
        let validation = validator.validate("net sales of zorblax last month", asOf: Self.asOf)
        #expect(validation.parsed.unrecognized == ["zorblax"])
        #expect(validation.clarifications.first?.dimension == "unrecognized")
        let nothing = validator.validate("what's the weather like", asOf: Self.asOf)
        #expect(nothing.needsClarification)
        #expect(nothing.confidence == 0)
        let impossible = validator.validate("net sales on 31 February 2025", asOf: Self.asOf)
        #expect(impossible.clarifications.contains { $0.dimension == "time" })
    }

    /// "products" names Products.count, which cannot be aggregated beside net sales: the
    /// question is asked about, not compiled into an error (it was an HTTP 500 from /ask).
    @Test func measuresThatCannotBeCombinedAreAskedAbout() async throws {
        let (_, validator) = try await tools()
        let validation = validator.validate("net sales by brand last month products", asOf: Self.asOf)
        #expect(validation.parsed.query.measures == ["Transactions.netSales", "Products.count"])
        let clarification = try #require(validation.clarifications.first { $0.dimension == "unrecognized" })
        #expect(clarification.question.contains("Products"))
        #expect(!clarification.options.isEmpty)
        // Questions that compile, comparisons included, are not held up.
        for question in ["net sales by brand last month", "net sales this month vs last month", "products by brand"] {
            #expect(!validator.validate(question, asOf: Self.asOf).needsClarification, "\(question)")
        }
    }

    @Test func intentsRoundTripThroughJSON() async throws {
        let (parser, _) = try await tools()
        let intent = parser.parse("net sales last month vs last year by brand", asOf: Self.asOf).intent
        let decoded = try JSONDecoder().decode(QueryIntent.self, from: try JSONEncoder().encode(intent))
        #expect(decoded == intent)
    }
}

private let repositoryRootForParser = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
