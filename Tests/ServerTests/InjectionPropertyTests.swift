// What this proves: ConvAI is injection-proof through its HTTP API. Generated hostile strings
// (HostileStrings: quote breakers, comments, semicolons, placeholders, dollar quotes, LIKE
// wildcards, unicode, NUL bytes, 110 KB strings, JSON breakers, mixed with letters) go into
// every field of every endpoint — Cube filter values under every operator, member names in
// every slot, operators, granularities, order directions, limits and offsets, date ranges,
// timezone, queryType, the raw body; ask's question, sessionId and asOf; clarify's session,
// answer keys and values, choices and question; the metrics parameters; the Authorization
// header — of a tenant on a real PostgreSQL whose own statement log (log_statement = 'all'
// for a database of the test's own) is read back. For each request: a 2xx or a clean 4xx
// with a JSON `error`, never a 5xx and never a database error; the hostile text never in the
// text of a statement (only in the bound parameters); and the statements the database saw
// have the shapes (integers aside) of the same request with a benign value — so no input
// changes the SQL, only the values bound to it. String filters also return the right rows
// (LIKE wildcards in a value match only themselves).
import Foundation
import HTTPTypes
import PropertyBased
import Testing

@Suite(
    "Injection: hostile strings in every field of every endpoint, checked against PostgreSQL's statement log",
    .serialized,
    .enabled(
        if: ProcessInfo.processInfo.environment["CONVAI_TEST_PG_URL"] != nil
            && ProcessInfo.processInfo.environment["CONVAI_TEST_PG_DIR"] != nil,
        "CONVAI_TEST_PG_URL / CONVAI_TEST_PG_DIR are not set (scripts/test starts PostgreSQL)"))
struct InjectionPropertyTests {
    static let cases = 100

    typealias JSONObject = [String: Any]

    /// The Cube endpoints a query goes to: path and method.
    static let endpoints: [(String, HTTPRequest.Method)] = [
        ("load", .post), ("load", .get), ("sql", .post), ("sql", .get), ("dry-run", .post), ("dry-run", .get),
    ]

    enum Kind { case text, number, date, dateRange, presence }

    /// Every filter operator, the member it is tried on and a benign value.
    static let operators: [(name: String, kind: Kind, benign: String)] = [
        ("equals", .text, "No Such Brand"), ("notEquals", .text, "No Such Brand"), ("contains", .text, "zzz"),
        ("notContains", .text, "zzz"), ("startsWith", .text, "zzz"), ("notStartsWith", .text, "zzz"),
        ("endsWith", .text, "zzz"), ("notEndsWith", .text, "zzz"), ("gt", .number, "0.5"), ("gte", .number, "0.5"),
        ("lt", .number, "0.5"), ("lte", .number, "0.5"), ("set", .presence, "x"), ("notSet", .presence, "x"),
        ("inDateRange", .dateRange, "2025-06-01"), ("notInDateRange", .dateRange, "2025-06-01"),
        ("beforeDate", .date, "2025-06-01"), ("beforeOrOnDate", .date, "2025-06-01"), ("afterDate", .date, "2025-06-01"),
        ("afterOrOnDate", .date, "2025-06-01"),
    ]

    /// A query filtering with `op` on `value`.
    static func filterQuery(_ op: (name: String, kind: Kind, benign: String), _ value: String) -> String {
        switch op.kind {
        case .text, .presence:
            let filter: JSONObject = ["member": "Products.brand", "operator": op.name, "values": [value]]
            return Call.json(["dimensions": ["Products.brand"], "filters": [filter]] as JSONObject)
        case .number:
            let filter: JSONObject = ["member": "Products.unitWeight", "operator": op.name, "values": [value]]
            return Call.json(["dimensions": ["Products.brand"], "filters": [filter]] as JSONObject)
        case .date, .dateRange:
            let values = op.kind == .date ? [value] : [value, "2025-06-30"]
            let filter: JSONObject = ["member": "Transactions.transactionDate", "operator": op.name, "values": values]
            return Call.json(["measures": ["Transactions.count"], "filters": [filter]] as JSONObject)
        }
    }

    /// The brands a text filter must return (LOWER on both sides for the LIKE operators;
    /// compared scalar by scalar, as the database does).
    static func expectedBrands(_ op: String, _ value: String, among brands: [String]) -> Set<String>? {
        func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.lowercased().unicodeScalars) }
        func contains(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Bool {
            b.isEmpty || (a.count >= b.count && (0...(a.count - b.count)).contains { Array(a[$0..<($0 + b.count)]) == b })
        }
        let v = scalars(value)
        let test: (String) -> Bool
        switch op {
        case "equals": test = { Array($0.unicodeScalars) == Array(value.unicodeScalars) }
        case "notEquals": test = { Array($0.unicodeScalars) != Array(value.unicodeScalars) }
        case "contains": test = { contains(scalars($0), v) }
        case "notContains": test = { !contains(scalars($0), v) }
        case "startsWith": test = { scalars($0).starts(with: v) }
        case "notStartsWith": test = { !scalars($0).starts(with: v) }
        case "endsWith": test = { scalars($0).reversed().starts(with: v.reversed()) }
        case "notEndsWith": test = { !scalars($0).reversed().starts(with: v.reversed()) }
        case "set": test = { _ in true }
        case "notSet": test = { _ in false }
        default: return nil
        }
        return Set(brands.filter(test))
    }

    @Test("filter values under every operator, on every Cube endpoint")
    func filterValues() async throws {
        try await InjectionHarness.run { harness in
            await propertyCheck(
                count: Self.cases * 2, input: HostileStrings.string, Gen.int(in: 0...(Self.operators.count - 1)),
                Gen.int(in: 0...(Self.endpoints.count - 1))
            ) { hostile, opIndex, endpointIndex in
                let op = Self.operators[opIndex]
                let (path, method) = Self.endpoints[endpointIndex]
                let (observed, benign) = try await harness.check(
                    hostile, .cube(path, method, query: Self.filterQuery(op, hostile)),
                    against: .cube(path, method, query: Self.filterQuery(op, op.benign)), "\(method) \(path) \(op.name)")
                // A load that shows no statement means the log is not being read: nothing above
                // would then prove anything.
                #expect(path != "load" || !benign.statements.isEmpty, "no statement of a benign load in the log")
                if path == "load", observed.succeeded, op.kind == .text || op.kind == .presence,
                    let expected = Self.expectedBrands(op.name, hostile, among: harness.fixture.brands)
                {
                    #expect(observed.brands == expected, "\(op.name) \(InjectionHarness.show(hostile))")
                }
            }
        }
    }

    /// The base query of the member and structure tests, with one slot replaced.
    static func baseQuery(_ change: (inout JSONObject) -> Void) -> String {
        var query: JSONObject = [
            "measures": ["Transactions.count"], "dimensions": ["Products.brand"],
            "timeDimensions": [
                ["dimension": "Transactions.transactionDate", "granularity": "month", "dateRange": ["2025-06-01", "2025-06-30"]]
                    as JSONObject
            ],
            "order": [["Transactions.count", "desc"]], "limit": 5,
        ]
        change(&query)
        return Call.json(query)
    }

    /// Where a member name goes in a query.
    static let memberSlots: [(name: String, benign: String, place: @Sendable (inout JSONObject, String) -> Void)] = [
        ("measures", "Transactions.netSales", {
            $0["measures"] = [$1]
            $0["order"] = nil
        }),
        ("dimensions", "Products.category", { $0["dimensions"] = [$1] }),
        ("filter member", "Products.category", { $0["filters"] = [["member": $1, "operator": "equals", "values": ["x"]] as JSONObject] }),
        ("order member", "Transactions.count", { $0["order"] = [[$1, "desc"]] }),
        ("order object key", "Transactions.count", { $0["order"] = [$1: "desc"] }),
        ("segments", "Customers.modernTrade", { $0["segments"] = [$1] }),
        ("time dimension", "Transactions.transactionDate", {
            $0["timeDimensions"] = [["dimension": $1, "granularity": "month", "dateRange": ["2025-06-01", "2025-06-30"]] as JSONObject]
        }),
        ("filter in or", "Products.category", {
            $0["filters"] = [["or": [["member": $1, "operator": "set"], ["member": "Products.brand", "operator": "set"]]]]
        }),
    ]

    @Test("member names in measures, dimensions, filters, order, segments and time dimensions")
    func memberNames() async throws {
        try await InjectionHarness.run { harness in
            await propertyCheck(
                count: Self.cases, input: HostileStrings.string, Gen.int(in: 0...(Self.memberSlots.count - 1)),
                Gen.int(in: 0...(Self.endpoints.count - 1))
            ) { hostile, slotIndex, endpointIndex in
                let slot = Self.memberSlots[slotIndex]
                let (path, method) = Self.endpoints[endpointIndex]
                let (observed, _) = try await harness.check(
                    hostile, .cube(path, method, query: Self.baseQuery { slot.place(&$0, hostile) }),
                    against: .cube(path, method, query: Self.baseQuery { slot.place(&$0, slot.benign) }),
                    "\(method) \(path) \(slot.name)")
                #expect(observed.refused, "\(slot.name): an unknown member \(InjectionHarness.show(hostile)) was accepted")
            }
        }
    }

    /// The other fields of a Cube request: each with its benign value.
    static let structureSlots: [(name: String, benign: String, place: @Sendable (inout JSONObject, String) -> Void)] = [
        ("operator", "equals", { $0["filters"] = [["member": "Products.brand", "operator": $1, "values": ["Maggi"]] as JSONObject] }),
        ("granularity", "month", {
            $0["timeDimensions"] = [
                ["dimension": "Transactions.transactionDate", "granularity": $1, "dateRange": ["2025-06-01", "2025-06-30"]] as JSONObject
            ]
        }),
        ("order direction", "desc", { $0["order"] = [["Transactions.count", $1]] }),
        ("order object direction", "desc", { $0["order"] = ["Transactions.count": $1] }),
        ("limit as a string", "5", { $0["limit"] = $1 == "5" ? 5 : $1 }),
        ("offset as a string", "1", { $0["offset"] = $1 == "1" ? 1 : $1 }),
        ("relative dateRange", "last 7 days", {
            $0["timeDimensions"] = [["dimension": "Transactions.transactionDate", "granularity": "day", "dateRange": $1]]
        }),
        ("dateRange start", "2025-06-01", {
            $0["timeDimensions"] = [["dimension": "Transactions.transactionDate", "dateRange": [$1, "2025-06-30"]] as JSONObject]
        }),
        ("dateRange end", "2025-06-30", {
            $0["timeDimensions"] = [["dimension": "Transactions.transactionDate", "dateRange": ["2025-06-01", $1]] as JSONObject]
        }),
        ("timezone", "UTC", { $0["timezone"] = $1 }),
        ("total flag", "true", { $0["total"] = $1 == "true" ? true : $1 }),
        ("ungrouped flag", "false", { $0["ungrouped"] = $1 == "false" ? false : $1 }),
    ]

    @Test("operators, granularities, order directions, limits, offsets, date ranges, timezone, queryType, raw bodies")
    func queryStructure() async throws {
        try await InjectionHarness.run { harness in
            // One slot past the table: queryType; two past: the raw body or query parameter.
            await propertyCheck(
                count: Self.cases, input: HostileStrings.string, Gen.int(in: 0...(Self.structureSlots.count + 1)),
                Gen.int(in: 0...(Self.endpoints.count - 1))
            ) { hostile, slotIndex, endpointIndex in
                let (path, method) = Self.endpoints[endpointIndex]
                let benignQuery = Self.baseQuery { _ in }
                if slotIndex == Self.structureSlots.count {
                    try await harness.check(
                        hostile, .cube(path, method, query: benignQuery, queryType: hostile),
                        against: .cube(path, method, query: benignQuery, queryType: "multi"), "\(method) \(path) queryType")
                } else if slotIndex == Self.structureSlots.count + 1 {
                    let raw =
                        method == .get
                        ? Call(method: .get, uri: "/cubejs-api/v1/\(path)?query=\(Call.encoded(hostile))")
                        : Call(method: .post, uri: "/cubejs-api/v1/\(path)", body: hostile)
                    try await harness.check(hostile, raw, against: .cube(path, method, query: benignQuery), "\(method) \(path) raw query")
                } else {
                    let slot = Self.structureSlots[slotIndex]
                    try await harness.check(
                        hostile, .cube(path, method, query: Self.baseQuery { slot.place(&$0, hostile) }),
                        against: .cube(path, method, query: Self.baseQuery { slot.place(&$0, slot.benign) }),
                        "\(method) \(path) \(slot.name)")
                }
            }
        }
    }

    /// JSON numbers (and other JSON values) where a limit or offset goes.
    static let numbers = [
        "1e30", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "-1", "0", "1.5", "1e-5", "1e308",
        "\"10\"", "null", "[]", "{}", "true", "50001", "-0",
    ]

    @Test("limit and offset as huge, negative, fractional and non-numeric JSON values")
    func limitsAndOffsets() async throws {
        try await InjectionHarness.run { harness in
            await propertyCheck(
                count: Self.cases, input: Gen.int(in: 0...Self.numbers.count), Gen.int(in: .min ... .max), Gen.bool,
                Gen.int(in: 0...(Self.endpoints.count - 1))
            ) { index, random, isOffset, endpointIndex in
                let raw = index == Self.numbers.count ? String(random) : Self.numbers[index]
                let (path, method) = Self.endpoints[endpointIndex]
                let key = isOffset ? "offset" : "limit"
                let query = #"{"measures":["Transactions.count"],"dimensions":["Products.brand"],"\#(key)":\#(raw)}"#
                // An offset of 0 (or none) is left out of the SQL, so it is compared with a benign 0.
                let benignValue = ["0", "-0", "null"].contains(raw) ? "0" : "3"
                let benign = #"{"measures":["Transactions.count"],"dimensions":["Products.brand"],"\#(key)":\#(benignValue)}"#
                try await harness.check(raw, .cube(path, method, query: query), against: .cube(path, method, query: benign), "\(method) \(path) \(key)")
            }
        }
    }

    static let question = "net sales by brand last month"

    static func ask(question: String = question, sessionId: String, asOf: String = SampleTenants.asOf) -> Call {
        Call(
            method: .post, uri: "/api/v1/ask",
            body: Call.json(["question": question, "sessionId": sessionId, "asOf": asOf]))
    }

    @Test("ask: question, sessionId and asOf")
    func ask() async throws {
        try await InjectionHarness.run { harness in
            await propertyCheck(count: Self.cases, input: HostileStrings.string, Gen.int(in: 0...3)) { hostile, slot in
                let session = "benign-" + UUID().uuidString
                switch slot {
                case 0:
                    try await harness.check(
                        hostile, Self.ask(question: Self.question + " " + hostile, sessionId: session),
                        against: Self.ask(sessionId: "benign-ask"), "ask question with a hostile tail", isQuestion: true)
                case 1:
                    try await harness.check(
                        hostile, Self.ask(question: hostile, sessionId: session),
                        against: Self.ask(question: "xyzzy", sessionId: "benign-ask-alone"), "ask question alone",
                        isQuestion: true)
                case 2:
                    try await harness.check(
                        hostile, Self.ask(sessionId: hostile), against: Self.ask(sessionId: "benign-ask"), "ask sessionId")
                default:
                    try await harness.check(
                        hostile, Self.ask(sessionId: session, asOf: hostile), against: Self.ask(sessionId: "benign-ask"),
                        "ask asOf")
                }
            }
        }
    }

    static let answers = ["time": "last month", "products": "all products", "geography": "all of India"]

    /// Where a hostile string goes in a clarification.
    static let clarifySlots: [(name: String, place: @Sendable (inout JSONObject, String) -> Void)] = [
        ("sessionId", { $0["sessionId"] = $1 }),
        ("answer key", { body, hostile in
            var answers = InjectionPropertyTests.answers
            answers[hostile] = answers.removeValue(forKey: "products")
            body["answers"] = answers
        }),
        ("answer value", { body, hostile in
            var answers = InjectionPropertyTests.answers
            answers["products"] = hostile
            body["answers"] = answers
        }),
        ("question", { $0["question"] = $1 }),
        ("asOf", { $0["asOf"] = $1 }),
        ("choice dimension", { $0["choices"] = [["dimension": $1, "option": "all products"]] }),
        ("choice option", { $0["choices"] = [["dimension": "products", "option": $1]] }),
    ]

    @Test("clarify: sessionId, answer keys and values, choices, question, asOf")
    func clarify() async throws {
        try await InjectionHarness.run { harness in
            /// A session waiting for a clarification, and the body that answers it.
            @Sendable func pending() async throws -> JSONObject {
                let session = "clarify-" + UUID().uuidString
                let asked = try await harness.send(Self.ask(question: "show me sales", sessionId: session))
                #expect((asked.json as? [String: Any])?["status"] as? String == "needs_clarification", "\(asked.text.prefix(300))")
                return ["sessionId": session, "answers": Self.answers, "asOf": SampleTenants.asOf]
            }
            await propertyCheck(count: Self.cases, input: HostileStrings.string, Gen.int(in: 0...(Self.clarifySlots.count - 1))) {
                hostile, slotIndex in
                let slot = Self.clarifySlots[slotIndex]
                var body = try await pending()
                slot.place(&body, hostile)
                // The benign counterpart answers a session of its own the same way.
                let benign = try await pending()
                try await harness.check(
                    hostile, Call(method: .post, uri: "/api/v1/ask/clarify", body: Call.json(body)),
                    against: Call(method: .post, uri: "/api/v1/ask/clarify", body: Call.json(benign), authorization: nil),
                    // A typed answer or chosen option is words the parser reads, like the question.
                    "clarify \(slot.name)", isQuestion: ["question", "answer value", "choice option"].contains(slot.name))
            }
        }
    }

    /// Questions whose words name members, alone and mixed with hostile text: what the
    /// generator once produced ("{Products}.brand" as a clarified question, CI 2026-12-07) and
    /// its kin. Their SQL must be that of the query they were understood as.
    static let meaningfulQuestions = [
        "{Products}.brand", "{Products}.brand'; DROP TABLE dim_product; --", "net sales by zone last month",
        "Transactions.netSales by Customers.city", "top 3 brands by net sales in Maharashtra in May 2025 vs April 2025",
        "units by month this year /* */", "${Customers.state}", "%brand%_", ":name",
    ]

    @Test("questions whose words name members: the SQL of the query they were understood as")
    func meaningfulQuestionsCompileToTheirUnderstoodQuery() async throws {
        try await InjectionHarness.run { harness in
            var understoodOtherwise = 0
            for text in Self.meaningfulQuestions {
                let alone = try await harness.check(
                    text, Self.ask(question: text, sessionId: "meaning-" + UUID().uuidString),
                    against: Self.ask(question: "xyzzy", sessionId: "benign-ask-alone"), "ask question alone", isQuestion: true)
                try await harness.check(
                    text, Self.ask(question: Self.question + " " + text, sessionId: "meaning-" + UUID().uuidString),
                    against: Self.ask(sessionId: "benign-ask"), "ask question with a tail", isQuestion: true)
                let session = "meaning-" + UUID().uuidString
                _ = try await harness.send(Self.ask(question: "show me sales", sessionId: session))
                let benignSession = "meaning-" + UUID().uuidString
                _ = try await harness.send(Self.ask(question: "show me sales", sessionId: benignSession))
                var body: JSONObject = ["sessionId": session, "answers": Self.answers, "asOf": SampleTenants.asOf]
                body["question"] = text
                let benign: JSONObject = ["sessionId": benignSession, "answers": Self.answers, "asOf": SampleTenants.asOf]
                try await harness.check(
                    text, Call(method: .post, uri: "/api/v1/ask/clarify", body: Call.json(body)),
                    against: Call(method: .post, uri: "/api/v1/ask/clarify", body: Call.json(benign)), "clarify question",
                    isQuestion: true)
                // The same words as a chosen option (CI-found: ":name" reads as transaction type names).
                let optionSession = "meaning-" + UUID().uuidString
                _ = try await harness.send(Self.ask(question: "show me sales", sessionId: optionSession))
                var choice: JSONObject = ["sessionId": optionSession, "asOf": SampleTenants.asOf]
                choice["choices"] = [["dimension": "products", "option": text]]
                try await harness.check(
                    text, Call(method: .post, uri: "/api/v1/ask/clarify", body: Call.json(choice)),
                    against: Call(method: .post, uri: "/api/v1/ask/clarify", body: Call.json(benign)), "clarify choice option",
                    isQuestion: true)
                if alone.hostile.reply == "answered", alone.hostile.query != alone.benign.query { understoodOtherwise += 1 }
            }
            // Not vacuous: most of these are answered as queries of their own.
            #expect(understoodOtherwise >= Self.meaningfulQuestions.count / 2, "\(understoodOtherwise) understood as queries of their own")
        }
    }

    static let metricsPaths = ["summary", "top-questions", "cost-by-model", "daily"]

    @Test("metrics: days, by and limit")
    func metrics() async throws {
        try await InjectionHarness.run { harness in
            await propertyCheck(
                count: Self.cases, input: HostileStrings.string, Gen.int(in: 0...(Self.metricsPaths.count - 1)),
                Gen.int(in: 0...2)
            ) { hostile, pathIndex, parameterIndex in
                let path = Self.metricsPaths[pathIndex]
                let parameter = ["days", "by", "limit"][parameterIndex]
                let benignValue = ["days": "7", "by": "department", "limit": "5"][parameter]!
                let (observed, _) = try await harness.check(
                    hostile, Call(method: .get, uri: "/api/v1/metrics/\(path)?\(parameter)=\(Call.encoded(hostile))"),
                    against: Call(method: .get, uri: "/api/v1/metrics/\(path)?\(parameter)=\(benignValue)"),
                    "metrics \(path) \(parameter)")
                #expect(observed.statements.isEmpty, "usage metrics do not query the tenant's database")
            }
        }
    }

    @Test("the Authorization header itself, on every kind of endpoint")
    func authorization() async throws {
        try await InjectionHarness.run { harness in
            let query = Self.baseQuery { _ in }
            let calls: [Call] = [
                .cube("load", .post, query: query), .cube("sql", .get, query: query),
                Call(method: .get, uri: "/cubejs-api/v1/meta"), Self.ask(sessionId: "benign-auth"),
                Call(method: .get, uri: "/api/v1/metrics/summary?days=7"),
            ]
            await propertyCheck(
                count: Self.cases, input: HostileStrings.string, Gen.bool, Gen.int(in: 0...(calls.count - 1))
            ) { hostile, bearer, callIndex in
                var call = calls[callIndex]
                call.authorization = (bearer ? "Bearer " : "") + hostile
                let (observed, _) = try await harness.check(hostile, call, against: calls[callIndex], "Authorization on \(call.uri)")
                #expect(observed.refused, "a hostile token was accepted on \(call.uri)")
                #expect(observed.statements.isEmpty, "a refused token reached the database")
            }
        }
    }
}
