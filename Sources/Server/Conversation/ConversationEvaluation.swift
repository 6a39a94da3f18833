public import Foundation
import Yams

/// The evaluation set in eval/conversation.yml and its scorer: every case is asked through
/// the ask API (a closure, so tests use the HTTP router and `convai eval` a live server or
/// the in-process service), and replies are compared with the expected query or
/// clarification as eval/README.md describes.
public struct ConversationEvaluation: Sendable {
    /// One question and what must come back.
    public struct Turn: Sendable {
        /// The question.
        public var question: String
        /// `answered` or `needs_clarification`.
        public var status: String
        /// The expected query, canonical (see ``Canonical``), when answered.
        public var query: Canonical?
        /// Clarification dimensions that must be asked.
        public var asks: [String]
    }

    /// A case: one question, or several turns of one conversation.
    public struct Case: Sendable {
        /// Unique id.
        public var id: String
        /// The tenant asked.
        public var tenant: String
        /// The category it counts towards.
        public var category: String
        /// The turns, in order.
        public var turns: [Turn]
    }

    /// A Cube query reduced to what the scorer compares: lists that are sets become sorted,
    /// order and limit stay as they are.
    public struct Canonical: Sendable, Equatable, CustomStringConvertible {
        var measures: [String]
        var dimensions: [String]
        var segments: [String]
        var filters: [String]
        var timeDimensions: [String]
        var order: [String]
        var limit: Int?

        init(_ object: [String: Any]) {
            func strings(_ key: String) -> [String] { (object[key] as? [Any])?.map { "\($0)" } ?? [] }
            measures = strings("measures").sorted()
            dimensions = strings("dimensions").sorted()
            segments = strings("segments").sorted()
            filters = ((object["filters"] as? [Any]) ?? []).compactMap { item -> String? in
                guard let filter = item as? [String: Any] else { return "\(item)" }
                let values = (filter["values"] as? [Any])?.map { "\($0)" } ?? []
                return "\(filter["member"] ?? filter["dimension"] ?? "?") \(filter["operator"] ?? "?") \(values)"
            }.sorted()
            timeDimensions = ((object["timeDimensions"] as? [Any]) ?? []).compactMap { item -> String? in
                guard let td = item as? [String: Any] else { return "\(item)" }
                var text = "\(td["dimension"] ?? "?")"
                if let granularity = td["granularity"] { text += " by \(granularity)" }
                if let range = td["dateRange"] as? [Any] { text += " \(range.map { "\($0)" })" }
                if let ranges = td["compareDateRange"] as? [Any] {
                    text += " compare " + ranges.map { ($0 as? [Any])?.map { "\($0)" }.description ?? "\($0)" }.joined(separator: " / ")
                }
                return text
            }.sorted()
            order = ((object["order"] as? [Any]) ?? []).map { item in
                if let pair = item as? [Any] { return pair.map { "\($0)" }.joined(separator: " ") }
                return "\(item)"
            }
            if let dictionary = object["order"] as? [String: Any] {
                order = dictionary.keys.sorted().map { "\($0) \(dictionary[$0]!)" }
            }
            limit = (object["limit"] as? Int) ?? (object["limit"] as? NSNumber)?.intValue
        }

        public var description: String {
            var parts = ["measures \(measures)"]
            if !dimensions.isEmpty { parts.append("dimensions \(dimensions)") }
            if !segments.isEmpty { parts.append("segments \(segments)") }
            if !filters.isEmpty { parts.append("filters \(filters)") }
            if !timeDimensions.isEmpty { parts.append("time \(timeDimensions)") }
            if !order.isEmpty { parts.append("order \(order)") }
            if let limit { parts.append("limit \(limit)") }
            return parts.joined(separator: "; ")
        }
    }

    /// The result of one case.
    public struct Outcome: Sendable {
        /// The case.
        public var id: String
        /// Its category.
        public var category: String
        /// Its tenant.
        public var tenant: String
        /// What went wrong, empty when it passed.
        public var failures: [String]
        /// Whether every turn passed.
        public var passed: Bool { failures.isEmpty }
    }

    /// The as-of date every case is asked with.
    public var asOf: String
    /// The cases, in file order.
    public var cases: [Case]

    /// Reads an evaluation file.
    public static func load(path: String) throws -> ConversationEvaluation {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        guard let root = try Yams.load(yaml: text) as? [String: Any], let items = root["cases"] as? [[String: Any]] else {
            throw EvaluationError("\(path): expected a mapping with `cases:`")
        }
        let asOf = root["asOf"].map { "\($0)" } ?? "2025-06-30"
        var cases: [Case] = []
        for item in items {
            guard let id = item["id"] as? String, let tenant = item["tenant"] as? String else {
                throw EvaluationError("\(path): a case lacks id or tenant: \(item)")
            }
            let turnItems: [[String: Any]] = (item["turns"] as? [[String: Any]]) ?? [item]
            let turns = try turnItems.map { turn -> Turn in
                guard let question = turn["question"] as? String, let expect = turn["expect"] as? [String: Any],
                    let status = expect["status"] as? String
                else { throw EvaluationError("\(path): case \(id) has a turn without question or expect.status") }
                return Turn(
                    question: question, status: status, query: (expect["query"] as? [String: Any]).map(Canonical.init),
                    asks: (expect["asks"] as? [Any])?.map { "\($0)" } ?? [])
            }
            cases.append(Case(id: id, tenant: tenant, category: item["category"] as? String ?? "uncategorised", turns: turns))
        }
        return ConversationEvaluation(asOf: asOf, cases: cases)
    }

    /// Asks every case through `ask` (tenant, question, session id or nil, as-of → the reply's
    /// JSON body) and scores the replies.
    public func run(
        ask: (_ tenant: String, _ question: String, _ sessionId: String?, _ asOf: String) async throws -> Data
    ) async -> [Outcome] {
        var outcomes: [Outcome] = []
        for item in cases {
            var failures: [String] = []
            var sessionId: String?
            for (position, turn) in item.turns.enumerated() {
                let label = item.turns.count > 1 ? "turn \(position + 1) “\(turn.question)”" : "“\(turn.question)”"
                let reply: [String: Any]
                do {
                    let data = try await ask(item.tenant, turn.question, sessionId, asOf)
                    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                        failures.append("\(label): the reply is not a JSON object")
                        break
                    }
                    reply = object
                } catch {
                    failures.append("\(label): \(error)")
                    break
                }
                sessionId = reply["sessionId"] as? String ?? sessionId
                let status = reply["status"] as? String ?? "error: \(reply["error"] ?? "no status")"
                guard status == turn.status else {
                    var detail = "\(label): expected \(turn.status), got \(status)"
                    if let questions = reply["questions"] as? [[String: Any]] {
                        detail += " asking " + questions.map { "\($0["dimension"] ?? "?"): \($0["question"] ?? "")" }.joined(separator: "; ")
                    }
                    if let query = reply["query"] as? [String: Any] { detail += " with \(Canonical(query))" }
                    failures.append(detail)
                    continue
                }
                if turn.status == "needs_clarification" {
                    let asked = Set(((reply["questions"] as? [[String: Any]]) ?? []).compactMap { $0["dimension"] as? String })
                    let lacking = turn.asks.filter { !asked.contains($0) }
                    if !lacking.isEmpty {
                        failures.append("\(label): did not ask about \(lacking.joined(separator: ", ")) (asked \(asked.sorted()))")
                    }
                } else if let expected = turn.query {
                    let got = Canonical(reply["query"] as? [String: Any] ?? [:])
                    if got != expected { failures.append("\(label):\n    expected \(expected)\n    got      \(got)") }
                }
            }
            outcomes.append(Outcome(id: item.id, category: item.category, tenant: item.tenant, failures: failures))
        }
        return outcomes
    }

    /// Accuracy per category and per tenant, then every failure.
    public static func report(_ outcomes: [Outcome]) -> String {
        func line(_ name: String, _ group: [Outcome]) -> String {
            let passed = group.filter(\.passed).count
            let percent = group.isEmpty ? 0 : Double(passed) / Double(group.count) * 100
            let padded = name.padding(toLength: 14, withPad: " ", startingAt: 0)
            return "\(padded) \(passed)/\(group.count)  \(String(format: "%.1f", percent))%"
        }
        var lines = ["category       passed  accuracy"]
        for category in Array(Set(outcomes.map(\.category))).sorted() {
            lines.append(line(category, outcomes.filter { $0.category == category }))
        }
        lines.append("")
        for tenant in Array(Set(outcomes.map(\.tenant))).sorted() {
            lines.append(line(tenant, outcomes.filter { $0.tenant == tenant }))
        }
        lines.append(line("all", outcomes))
        let failed = outcomes.filter { !$0.passed }
        if !failed.isEmpty {
            lines.append("")
            lines.append("failed:")
            for outcome in failed {
                lines.append("  \(outcome.id): " + outcome.failures.joined(separator: "\n    "))
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// An evaluation file that cannot be read.
public struct EvaluationError: Error, CustomStringConvertible, Sendable {
    /// What is wrong.
    public var description: String
    init(_ description: String) { self.description = description }
}
