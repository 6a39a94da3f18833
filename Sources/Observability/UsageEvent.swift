public import Foundation

/// One ask or API query, as the tracker records it.
public struct UsageEvent: Sendable {
    /// Which entry point served the request.
    public enum Kind: String, Sendable, CaseIterable {
        /// A natural-language question (`/api/v1/ask`, `convai ask`).
        case ask
        /// A structured query (the Cube-compatible API).
        case apiQuery = "api_query"
    }

    /// How the request ended.
    public enum Outcome: String, Sendable, CaseIterable {
        /// Numbers were returned.
        case answered
        /// A clarifying question was asked instead.
        case clarification
        /// The request was refused (bad input, not allowed).
        case rejected
        /// Something failed; ``UsageEvent/errorClass`` names the error type.
        case error
    }

    /// When the request started.
    public var at: Date
    /// Ask or API query.
    public var kind: Kind
    /// The tenant from the verified token.
    public var tenant: String
    /// The user id (`sub`).
    public var user: String
    /// The user's department, when known.
    public var department: String?
    /// The tenant's customer the request is about, when known.
    public var customer: String?
    /// The question as typed (asks only).
    public var question: String?
    /// The question for grouping; the tracker fills it from ``question`` when nil
    /// (lower-cased, whitespace collapsed and trimmed, digits kept).
    public var normalizedQuestion: String?
    /// How the request ended.
    public var outcome: Outcome
    /// The error's type name for ``Outcome/error`` (e.g. `WarehouseError`, `SemanticError`).
    public var errorClass: String?
    /// Wall time of the whole request, in milliseconds.
    public var totalMs: Double
    /// Time spent parsing the question, in milliseconds.
    public var parseMs: Double?
    /// Time spent compiling the query to SQL, in milliseconds.
    public var compileMs: Double?
    /// Time spent in the database, in milliseconds.
    public var databaseMs: Double?
    /// Rows returned to the caller.
    public var rows: Int?
    /// Whether the answer came from a cache.
    public var cacheHit: Bool
    /// The LLM call made for this request, if any.
    public var llm: LLMCallUsage?

    /// Makes an event; everything but kind, tenant and user has a default.
    public init(
        kind: Kind, tenant: String, user: String, department: String? = nil, customer: String? = nil,
        question: String? = nil, normalizedQuestion: String? = nil, at: Date = Date(), outcome: Outcome = .answered,
        errorClass: String? = nil, totalMs: Double = 0, parseMs: Double? = nil, compileMs: Double? = nil,
        databaseMs: Double? = nil, rows: Int? = nil, cacheHit: Bool = false, llm: LLMCallUsage? = nil
    ) {
        self.at = at
        self.kind = kind
        self.tenant = tenant
        self.user = user
        self.department = department
        self.customer = customer
        self.question = question
        self.normalizedQuestion = normalizedQuestion
        self.outcome = outcome
        self.errorClass = errorClass
        self.totalMs = totalMs
        self.parseMs = parseMs
        self.compileMs = compileMs
        self.databaseMs = databaseMs
        self.rows = rows
        self.cacheHit = cacheHit
        self.llm = llm
    }

    /// The grouping form of a question: lower-cased, runs of whitespace collapsed to one
    /// space, trimmed; digits and punctuation are kept ("top 5" and "top 10" differ).
    public static func normalize(_ question: String) -> String {
        var result = ""
        result.reserveCapacity(question.utf8.count)
        var pendingSpace = false
        for character in question.lowercased() {
            if character.isWhitespace {
                pendingSpace = !result.isEmpty
            } else {
                if pendingSpace { result.append(" ") }
                pendingSpace = false
                result.append(character)
            }
        }
        return result
    }
}
