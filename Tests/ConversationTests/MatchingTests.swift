import Conversation
import Foundation
import Semantic
import Testing
import Warehouse

/// The shipped model, loaded once.
private let shippedModel: DataModel = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    // The shipped model is part of the repository; failing to load it is a test failure elsewhere.
    return try! DataModel.load(from: root.appendingPathComponent("model"))
}()

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

@Suite("Term normaliser")
struct TermNormalizerTests {
    let normalizer = TermNormalizer()

    @Test func foldsCaseAndDiacritics() {
        #expect(normalizer.words("Nestlé NESCAFÉ").map(\.text) == ["nestle", "nescafe"])
    }

    @Test func splitsOnPunctuationKeepingValueWords() {
        #expect(normalizer.words("Bingo! vs Brooke-Bond, sub-category").map(\.text) == [
            "bingo", "vs", "brooke", "bond", "sub", "category",
        ])
        #expect(normalizer.words("Haldiram's return %").map(\.text) == ["haldirams", "return", "%"])
    }

    @Test func rangesPointIntoTheOriginal() {
        let text = "top  Bingo! brands"
        let words = normalizer.words(text)
        #expect(words.map { String(text[$0.range]) } == ["top", "Bingo", "brands"])
    }

    @Test(arguments: [
        ("sales", "sale"), ("brands", "brand"), ("categories", "category"), ("billed", "bill"),
        ("shipping", "ship"), ("launched", "launch"), ("boxes", "box"),
    ])
    func stemsMeet(_ pair: (String, String)) {
        #expect(TermNormalizer.stem(pair.0) == TermNormalizer.stem(pair.1))
    }

    @Test func shortWordsAreNotStemmed() {
        #expect(TermNormalizer.stem("gus") == "gus")
        #expect(TermNormalizer.stem("ss") == "ss")
    }

    @Test func editDistanceCountsTranspositionsOnce() {
        func distance(_ a: String, _ b: String, _ limit: Int) -> Int? {
            TermNormalizer.editDistance(Array(a), Array(b), limit: limit)
        }
        #expect(distance("revenu", "revenue", 1) == 1)
        #expect(distance("turnvoer", "turnover", 2) == 1)
        #expect(distance("brnad", "brand", 1) == 1)
        #expect(distance("kitten", "sitting", 2) == nil)
        #expect(distance("kitten", "sitting", 3) == 3)
    }

    @Test func typoToleranceGrowsWithLength() {
        #expect(TermNormalizer.typoTolerance(forLength: 3) == 0)
        #expect(TermNormalizer.typoTolerance(forLength: 4) == 1)
        #expect(TermNormalizer.typoTolerance(forLength: 7) == 1)
        #expect(TermNormalizer.typoTolerance(forLength: 8) == 2)
    }
}

@Suite("Member index over the shipped model")
struct MemberIndexTests {
    let matcher = QuestionMatcher(members: MemberIndex(model: shippedModel))

    private func only(_ question: String) -> Match? {
        let matches = matcher.match(question)
        return matches.count == 1 ? matches[0] : nil
    }

    @Test(arguments: [
        ("revenue", "Transactions.netSales"), ("turnover", "Transactions.netSales"),
        ("SKU", "Products.productName"), ("item", "Products.productName"), ("region", "Customers.zone"),
        ("sub-category", "Products.subCategory"), ("tonnage", "PrimarySales.billedWeight"),
    ])
    func synonymsNameTheirMember(_ pair: (String, String)) throws {
        let match = try #require(only(pair.0))
        #expect(match.members.first?.qualifiedName == pair.1)
        #expect(match.quality == .exact)
        #expect(match.score == 1)
    }

    @Test(arguments: [("turnovr", "Transactions.netSales"), ("catgory", "Products.category"), ("bradn", "Products.brand")])
    func typosAreForgiven(_ pair: (String, String)) throws {
        let match = try #require(only(pair.0))
        #expect(match.members.map(\.qualifiedName) == [pair.1])
        #expect(match.quality == .fuzzy)
        #expect(match.edits == 1)
        #expect(match.score < 1)
    }

    @Test func aDroppedFinalEIsAStemNotATypo() throws {
        let match = try #require(only("revenu"))
        #expect(match.members.map(\.qualifiedName) == ["Transactions.netSales"])
        #expect(match.quality == .stem)
    }

    @Test func longWordsForgiveTwoTypos() throws {
        let match = try #require(only("turnovre"))
        #expect(match.members.map(\.qualifiedName) == ["Transactions.netSales"])
        let two = try #require(only("catgeroy"))
        #expect(two.members.map(\.qualifiedName) == ["Products.category"])
        #expect(two.edits == 2)
    }

    @Test func everydayWordsAreNotCorrectedIntoModelWords() {
        // "down" is one edit from "town" (an outlet-city synonym), but not at its first letter.
        #expect(matcher.analyze("break it down by brand").unmatchedText == ["break", "down"])
        #expect(only("rband")?.members.first?.qualifiedName == "Products.brand")
        // The caller's own words are left for the caller.
        let keyworded = QuestionMatcher(members: MemberIndex(model: shippedModel), keywords: ["lasts"])
        #expect(keyworded.analyze("lasts").matches.isEmpty)
        #expect(keyworded.analyze("lasts").unmatchedText == ["lasts"])
    }

    @Test func shortWordsAreNeverCorrected() {
        // "qtx" is one edit from "qty" but under four letters.
        #expect(matcher.match("qtx").isEmpty)
    }

    @Test func stemsMatch() throws {
        let sale = try #require(only("sale"))
        #expect(sale.members.map(\.qualifiedName) == ["Transactions.netSales"])
        #expect(sale.quality == .stem)
        let subcategories = try #require(only("sub categories"))
        #expect(subcategories.members.map(\.qualifiedName) == ["Products.subCategory"])
        #expect(subcategories.quality == .stem)
    }

    @Test func longestPhraseWins() throws {
        let value = try #require(only("net sales value"))
        #expect(value.members.map(\.qualifiedName) == ["Transactions.netSales"])
        #expect(value.wordRange == 0..<3)
        let matches = matcher.match("average order value by trade channel")
        #expect(matches.map(\.text) == ["average order value", "trade channel"])
        #expect(matches.map { $0.members.map(\.qualifiedName) } == [["Transactions.averageOrderValue"], ["Customers.customerType"]])
    }

    @Test func exactBeatsStemmedForTheSameWords() throws {
        // "brands" is itself a synonym of Products.brand: exact, not a stem of "brand".
        let match = try #require(only("brands"))
        #expect(match.quality == .exact)
        #expect(match.members.map(\.qualifiedName) == ["Products.brand"])
    }

    @Test func ambiguityIsReportedWithEveryCandidate() throws {
        let matches = matcher.match("sales by city")
        let city = try #require(matches.last)
        #expect(city.text == "city")
        #expect(city.isAmbiguous)
        // Customers.city has "city" as a synonym, Accounts.city only as its name: both are
        // kept, the synonym first.
        #expect(city.members.map(\.qualifiedName) == ["Customers.city", "Accounts.city"])
        let sku = try #require(only("SKU"))
        #expect(sku.members.map(\.qualifiedName) == ["Products.productName", "Products.sku"])
    }

    @Test func timeDimensionsAreFlagged() throws {
        let match = try #require(only("invoice date"))
        #expect(match.members.first?.isTime == true)
        #expect(match.members.first?.kind == .dimension)
        #expect(try #require(only("GSV")).members.first?.kind == .measure)
        #expect(try #require(only("modern trade")).members.first?.kind == .segment)
    }

    @Test func unmatchedWordsAreReportedAndStopWordsIgnored() {
        let analysis = matcher.analyze("Show me the revenue of xyzzy for Blorf")
        #expect(analysis.matches.map(\.text) == ["revenue"])
        #expect(analysis.unmatchedText == ["xyzzy", "Blorf"])
    }

    @Test func stopWordsMatchOnlyAsCapitalisedAcronyms() {
        // "SO" is a synonym of the sales officer; "so" in a sentence is not.
        #expect(matcher.match("why is revenue so low").map(\.text) == ["revenue"])
        #expect(matcher.match("sales by SO").last?.members.first?.qualifiedName == "SalesHierarchy.employeeName")
    }

    @Test func hyphenatedPhrasesMatchJoinedToo() {
        #expect(matcher.match("subcategory").first?.members.first?.qualifiedName == "Products.subCategory")
        #expect(matcher.match("sellin").first?.members.first?.qualifiedName == "PrimarySales.netAmount")
        #expect(matcher.match("sell-in").first?.members.first?.qualifiedName == "PrimarySales.netAmount")
    }

    @Test func membersNamedByAWholePhrase() {
        #expect(MemberIndex(model: shippedModel).members(named: "turnovr").map(\.qualifiedName) == ["Transactions.netSales"])
        #expect(MemberIndex(model: shippedModel).members(named: "revenue by brand").isEmpty)
    }

    @Test func viewsAreIndexedOnRequest() {
        let withViews = MemberIndex(model: shippedModel, includeViews: true)
        #expect(withViews.members.contains { $0.qualifiedName == "sales_overview.netSales" })
        #expect(!MemberIndex(model: shippedModel).members.contains { $0.cube == "sales_overview" })
    }
}

@Suite("Value index over a small DuckDB mart")
struct ValueIndexTests {
    /// The mart schema with a handful of rows: "Delhi" is both a city and a state, and
    /// Brooke Bond sells three times as often as Bingo!.
    static func database() async throws -> DuckDBDatabase {
        let database = try DuckDBDatabase(configuration: .init(path: nil))
        let schema = try String(
            contentsOf: repositoryRoot.appendingPathComponent("database/schema_duckdb.sql"), encoding: .utf8)
        try await database.execute(schema)
        try await database.execute(
            """
            INSERT INTO dim_product (product_id, sku, product_name, brand, category, sub_category, unit_price, unit_of_measure)
            VALUES (1, 'ITC-BNG-01', 'Bingo! Mad Angles 72g', 'Bingo!', 'Snacks', 'Chips', 20, 'Pack'),
                   (2, 'HUL-BB-01', 'Brooke Bond Red Label 250g', 'Brooke Bond', 'Beverages', 'Tea', 140, 'Pack'),
                   (3, 'HUL-SE-01', 'Surf Excel Easy Wash 1kg', 'Surf Excel', 'Home Care', 'Detergent', 130, 'Pack'),
                   (4, 'NES-NC-01', 'Nescafé Classic 50g', 'Nescafé', 'Beverages', 'Coffee', 170, 'Jar');
            INSERT INTO dim_account (account_id, account_name, account_type, city, state, zone)
            VALUES (1, 'Sharma Distributors', 'Distributor', 'Delhi', 'Delhi', 'North'),
                   (2, 'Chennai Agencies', 'Super Stockist', 'Chennai', 'Tamil Nadu', 'South');
            INSERT INTO dim_customer (customer_id, customer_name, customer_type, city, state, zone, account_id)
            VALUES (1, 'Gupta Kirana', 'General Trade', 'Delhi', 'Delhi', 'North', 1),
                   (2, 'Murugan Stores', 'Modern Trade', 'Chennai', 'Tamil Nadu', 'South', 2);
            INSERT INTO fact_sales_transactions (transaction_id, transaction_date, date_key, customer_id, account_id,
                product_id, transaction_type_id, quantity, unit_price, gross_amount, discount_amount, net_amount)
            VALUES (1, DATE '2025-06-01', 20250601, 1, 1, 2, 1, 1, 140, 140, 0, 140),
                   (2, DATE '2025-06-02', 20250602, 2, 2, 2, 1, 1, 140, 140, 0, 140),
                   (3, DATE '2025-06-03', 20250603, 2, 2, 2, 1, 1, 140, 140, 0, 140),
                   (4, DATE '2025-06-03', 20250603, 1, 1, 1, 1, 1, 20, 20, 0, 20);
            """)
        return database
    }

    static let configuration = ValueIndex.Configuration(frequencyMeasure: "Transactions.count")

    @Test func valuesWithPunctuationAndSeveralWordsMatch() async throws {
        let database = try await Self.database()
        let values = try await ValueIndex.build(model: shippedModel, database: database, configuration: Self.configuration)
        try await database.close()
        let matcher = QuestionMatcher(members: MemberIndex(model: shippedModel), values: values)

        let matches = matcher.match("top brands in Tamil Nadu: bingo! vs brooke bond")
        #expect(matches.map(\.text) == ["brands", "Tamil Nadu", "bingo", "brooke bond"])
        #expect(matches[1].values.map(\.dimension).sorted() == ["Accounts.state", "Customers.state"])
        #expect(matches[1].values.first?.value == "Tamil Nadu")
        #expect(matches[2].values.map(\.value) == ["Bingo!"])
        #expect(matches[2].values.map(\.dimension) == ["Products.brand"])
        #expect(matches[3].values.map(\.value) == ["Brooke Bond"])
    }

    @Test func aValueOfSeveralDimensionsIsAmbiguous() async throws {
        let database = try await Self.database()
        let values = try await ValueIndex.build(model: shippedModel, database: database, configuration: Self.configuration)
        try await database.close()
        let matcher = QuestionMatcher(members: MemberIndex(model: shippedModel), values: values)
        let delhi = try #require(matcher.match("sales in delhi").last)
        #expect(delhi.isAmbiguous)
        #expect(
            Set(delhi.values.map(\.dimension)) == ["Customers.city", "Customers.state", "Accounts.city", "Accounts.state"])
        #expect(Set(delhi.values.map(\.value)) == ["Delhi"])
    }

    @Test func valuesForgiveTyposAndDiacritics() async throws {
        let database = try await Self.database()
        let values = try await ValueIndex.build(model: shippedModel, database: database, configuration: Self.configuration)
        try await database.close()
        let matcher = QuestionMatcher(members: MemberIndex(model: shippedModel), values: values)
        let surf = try #require(matcher.match("surf excl").first)
        #expect(surf.values.map(\.value) == ["Surf Excel"])
        #expect(surf.quality == .fuzzy)
        #expect(matcher.match("nescafe").first?.values.map(\.value) == ["Nescafé"])
        #expect(values.values(named: "NESCAFÉ").map(\.dimension) == ["Products.brand"])
    }

    @Test func topValuesComeMostFrequentFirst() async throws {
        let database = try await Self.database()
        let values = try await ValueIndex.build(model: shippedModel, database: database, configuration: Self.configuration)
        try await database.close()
        let brands = values.topValues(of: "Products.brand", limit: 3)
        #expect(brands.map(\.value) == ["Brooke Bond", "Bingo!", "Nescafé"])
        #expect(brands.map(\.frequency) == [3, 1, 0])
        // Without a frequency measure the dimension's own rows are counted.
        let other = try await Self.database()
        let own = try await ValueIndex.build(model: shippedModel, database: other)
        try await other.close()
        #expect(own.topValues(of: "Products.category").first?.value == "Beverages")
        #expect(own.topValues(of: "Products.category").first?.frequency == 2)
    }

    @Test func refreshSeesNewValues() async throws {
        let database = try await Self.database()
        var values = try await ValueIndex.build(model: shippedModel, database: database, configuration: Self.configuration)
        #expect(values.values(named: "Kissan").isEmpty)
        try await database.execute(
            """
            INSERT INTO dim_product (product_id, sku, product_name, brand, category, sub_category, unit_price, unit_of_measure)
            VALUES (5, 'HUL-KS-01', 'Kissan Tomato Ketchup 500g', 'Kissan', 'Foods', 'Ketchup', 99, 'Bottle')
            """)
        try await values.refresh(database: database)
        try await database.close()
        #expect(values.values(named: "kissan").map(\.dimension) == ["Products.brand"])
        #expect(values.values(named: "Kissan Tomato Ketchup 500g").map(\.dimension) == ["Products.productName"])
    }

    @Test func typosStillResolveAmongManyValues() async throws {
        let database = try await Self.database()
        // 20,000 outlets with made-up seven-letter names: a vocabulary far larger than any
        // question.
        try await database.execute(
            """
            INSERT INTO dim_customer (customer_id, customer_name, customer_type, city, state, zone, account_id)
            SELECT 100 + i, translate(substr(md5(i::VARCHAR), 1, 7), '0123456789', 'ghijklmnop') || ' Stores',
                   'General Trade', 'Pune', 'Maharashtra', 'West', 1
            FROM range(20000) t(i)
            """)
        let values = try await ValueIndex.build(model: shippedModel, database: database, configuration: Self.configuration)
        try await database.close()
        let matcher = QuestionMatcher(members: MemberIndex(model: shippedModel), values: values)
        #expect(values.count > 20_000)
        // Among 20,000 made-up outlet names, typos still find the one real value they are
        // close to and nothing else (speed is measured by `convai bench conversation`, not here).
        let analysis = matcher.analyze("which outlets in maharashtr bought bingo")
        let found = analysis.matches.flatMap(\.values).map(\.value)
        #expect(found.contains("Maharashtra"))
        #expect(found.contains("Bingo!"))
        #expect(!found.contains { $0.hasSuffix(" Stores") })
    }
}
