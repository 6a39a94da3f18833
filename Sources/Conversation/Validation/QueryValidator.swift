import Foundation
public import Warehouse
import Semantic

/// A question back to the user, with answers to pick from.
public struct Clarification: Sendable, Hashable, Codable {
    /// What is asked about: `time`, `products`, `geography`, or `unrecognized`.
    public var dimension: String
    /// The question, in plain words.
    public var question: String
    /// Answers to pick from, most important first; each is a phrase the parser understands.
    public var options: [String]

    /// Makes a clarification.
    public init(dimension: String, question: String, options: [String]) {
        self.dimension = dimension
        self.question = question
        self.options = options
    }
}

/// Whether a question can be answered as it stands, and if not, what to ask.
public struct Validation: Sendable {
    /// The parse the verdict is based on.
    public var parsed: ParsedQuestion
    /// A measure that needs a period has none.
    public var isTooBroad: Bool
    /// The contexts the question does not name.
    public var missing: [ContextKind]
    /// 0...1, from the parse.
    public var confidence: Double
    /// What to ask before answering; empty when the question can be answered.
    public var clarifications: [Clarification]
    /// Refined questions the user could ask instead.
    public var suggestions: [String]

    /// Whether the user must answer something first.
    public var needsClarification: Bool { !clarifications.isEmpty }
}

/// Decides whether a question is specific enough to answer and, when it is not, asks with
/// options drawn from the tenant's data. It never turns a question it did not understand
/// into an answer: unknown words and impossible dates are asked about, not dropped.
public struct QueryValidator: Sendable {
    /// Answers that mean "no restriction" for products or geography.
    public static let allProducts = "all products"
    /// See ``allProducts``.
    public static let allGeographies = "all of India"
    /// The answer to an `unrecognized` clarification that drops the words.
    public static let ignoreUnrecognized = "ignore those words"
    /// Periods offered when none was given; each is a phrase ``TimeExpressionParser`` reads.
    public static let periodOptions = ["last month", "this month", "last quarter", "year to date", "last 12 months"]

    /// The parser.
    public let parser: QuestionParser
    /// The tenant's values, for options.
    public let values: ValueIndex?
    /// How many data options each clarification offers.
    public let optionCount: Int

    /// Makes a validator.
    public init(parser: QuestionParser, values: ValueIndex?, optionCount: Int = 6) {
        self.parser = parser
        self.values = values
        self.optionCount = optionCount
    }

    /// Parses and judges `question`; `previous` is the session's last answered intent.
    public func validate(_ question: String, asOf: SQLDate, previous: QueryIntent? = nil) -> Validation {
        let parsed = parser.parse(question, asOf: asOf, previous: previous)
        return judge(parsed, asOf: asOf)
    }

    /// Adds the chosen answers (by clarification dimension) to `question` and validates the
    /// result: returns the refined question and its verdict.
    public func apply(
        _ answers: [String: String], to question: String, asOf: SQLDate, previous: QueryIntent? = nil
    ) -> (question: String, validation: Validation) {
        var refined = question
        if answers["unrecognized"] != nil {
            let parsed = parser.parse(question, asOf: asOf, previous: previous)
            refined = Self.removing(parsed.unrecognized, from: refined)
        }
        for dimension in ["ranking", "products", "geography", "time"] {
            guard let answer = answers[dimension]?.trimmingCharacters(in: .whitespaces), !answer.isEmpty else { continue }
            if answer == Self.allProducts || answer == Self.allGeographies { continue }
            switch dimension {
            case "ranking": refined += " by \(answer)"
            case "geography": refined += " in \(answer)"
            default: refined += " \(answer)"
            }
        }
        var validation = validate(refined, asOf: asOf, previous: previous)
        // "All products" answered the products question; do not ask it again.
        if answers["time"] != nil || answers["products"] != nil || answers["geography"] != nil {
            validation.clarifications.removeAll { $0.dimension == "products" || $0.dimension == "geography" }
        }
        return (refined, validation)
    }

    private func judge(_ parsed: ParsedQuestion, asOf: SQLDate) -> Validation {
        var clarifications: [Clarification] = []
        var suggestions: [String] = []
        let question = parsed.question.trimmingCharacters(in: .whitespacesAndNewlines)
        if !parsed.recognisedAnything && !parsed.isFollowUp {
            let examples = exampleQuestions()
            let heard = parsed.unrecognized.isEmpty ? "" : " in “\(parsed.unrecognized.joined(separator: " "))”"
            clarifications.append(
                Clarification(
                    dimension: "unrecognized",
                    question: "I could not find anything about your sales data\(heard). Try one of these:",
                    options: examples))
            return Validation(
                parsed: parsed, isTooBroad: false, missing: parsed.missing, confidence: 0,
                clarifications: clarifications, suggestions: examples)
        }
        if !parsed.unrecognized.isEmpty {
            let words = parsed.unrecognized.map { "“\($0)”" }.joined(separator: ", ")
            clarifications.append(
                Clarification(
                    dimension: "unrecognized",
                    question: "I did not understand \(words). Rephrase the question, or answer without \(parsed.unrecognized.count == 1 ? "it" : "them"):",
                    options: [Self.ignoreUnrecognized]))
            suggestions.append(Self.removing(parsed.unrecognized, from: question))
        }
        if parsed.rankingLacksSubject {
            clarifications.append(
                Clarification(
                    dimension: "ranking", question: "What should be ranked?",
                    options: ["brand", "state", "product", "city", "distributor"]))
        }
        for problem in parsed.problems {
            clarifications.append(
                Clarification(dimension: "time", question: "\(problem). Which period do you mean?", options: Self.periodOptions))
        }
        // Read, but not one query the model can answer (say, measures of cubes that cannot be
        // aggregated together: "net sales by brand products"): asked about, not answered with
        // a compile error.
        if let problem = compileProblem(parsed, asOf: asOf) {
            let examples = exampleQuestions()
            clarifications.append(
                Clarification(
                    dimension: "unrecognized",
                    question: "I cannot answer that as one question (\(problem)). Ask for one thing at a time, for example:",
                    options: examples))
            suggestions.append(contentsOf: examples)
        }
        let isTooBroad = parsed.needsPeriod
        if isTooBroad {
            let measure = parser.title(of: parsed.intent.measures.first ?? "").lowercased()
            if !clarifications.contains(where: { $0.dimension == "time" }) {
                clarifications.append(
                    Clarification(
                        dimension: "time", question: "For which period would you like \(measure)?",
                        options: Self.periodOptions))
            }
            if !parsed.present.contains(.products) && !parsed.present.contains(.geography) {
                let brands = topValues(parser.model.cubes["Products"] != nil ? "Products.brand" : "")
                if !brands.isEmpty {
                    clarifications.append(
                        Clarification(
                            dimension: "products", question: "Which products — all of them, or one brand?",
                            options: [Self.allProducts] + brands))
                }
                let places = topValues(geographyDimension(for: parsed))
                if !places.isEmpty {
                    clarifications.append(
                        Clarification(
                            dimension: "geography", question: "Where — all of India, or one state?",
                            options: [Self.allGeographies] + places))
                }
            }
            for period in Self.periodOptions.prefix(2) { suggestions.append("\(question) \(period)") }
            if let brand = topValues("Products.brand").first { suggestions.append("\(question) for \(brand) last month") }
            if let place = topValues(geographyDimension(for: parsed)).first {
                suggestions.append("\(question) in \(place) last month")
            }
        }
        return Validation(
            parsed: parsed, isTooBroad: isTooBroad, missing: parsed.missing, confidence: parsed.confidence,
            clarifications: clarifications, suggestions: suggestions)
    }

    /// Why the parsed query (each of its compared periods) does not compile, if it does not.
    /// The dialect does not matter for what the model allows.
    private func compileProblem(_ parsed: ParsedQuestion, asOf: SQLDate) -> String? {
        do {
            let compiler = QueryCompiler(model: parser.model, dialect: .duckdb)
            for single in parsed.query.comparedQueries() { _ = try compiler.compile(single, asOf: asOf) }
            return nil
        } catch let error as SemanticError {
            return error.message
        } catch {
            return "\(error)"
        }
    }

    /// Outlet states for secondary sales, distributor states for primary (whichever the
    /// measure reaches first).
    private func geographyDimension(for parsed: ParsedQuestion) -> String {
        let cube = parsed.intent.measures.first.flatMap { QuestionParser.cubeName(of: $0) } ?? ""
        let candidates = ["Customers.state", "Accounts.state"].filter { values?.valuesByDimension[$0] != nil }
        return candidates.first { candidate in
            QuestionParser.cubeName(of: candidate).map { target in
                parser.model.joinGraph.path(from: cube, to: target) != nil || cube == target
            } ?? false
        } ?? candidates.first ?? "Customers.state"
    }

    private func topValues(_ dimension: String) -> [String] {
        guard let values, !dimension.isEmpty else { return [] }
        return values.topValues(of: dimension, limit: optionCount).map(\.value)
    }

    private func exampleQuestions() -> [String] {
        var examples = ["net sales last month", "top 5 brands last month", "sales by state last quarter"]
        if let brand = topValues("Products.brand").first { examples.append("\(brand) sales this year") }
        return examples
    }

    /// `question` without the given words (whole words only), spaces tidied.
    static func removing(_ words: [String], from question: String) -> String {
        let drop = Set(words.map { $0.lowercased() })
        return question.split(separator: " ").filter { token in
            let bare = token.lowercased().trimmingCharacters(in: .punctuationCharacters)
            return !drop.contains(bare)
        }.joined(separator: " ")
    }
}
