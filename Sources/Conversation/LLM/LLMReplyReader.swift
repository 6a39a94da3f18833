import Foundation
public import Semantic
public import Warehouse

/// Reads the query out of a model's reply text and checks it against the data model.
///
/// Models do not always answer with the bare object they were asked for: the reader takes
/// the first fenced block (```` ```json ````) when there is one, skips prose around the object,
/// and accepts the query wrapped in another object (`{"query": {…}}`). The query must then
/// name only public members of the right kind, give periods as absolute dates, and compile.
public enum LLMReplyReader {
    /// The keys of which a JSON object must have at least one to be taken for a query.
    static let queryKeys: Set<String> = ["measures", "dimensions", "timeDimensions", "segments", "filters"]

    /// The checked query in `text`.
    ///
    /// - Throws: ``LLMError/malformedReply(_:)`` when there is no JSON object with query keys
    ///   in the text; ``LLMError/invalidQuery(_:)`` with one message per problem otherwise.
    public static func query(from text: String, model: DataModel, asOf: SQLDate) throws(LLMError) -> CubeQuery {
        try query(from: text, model: model, asOf: asOf, cutOffAt: nil)
    }

    /// ``query(from:model:asOf:)`` for a reply the provider says was cut off at `maxTokens`
    /// (when not nil), which a malformed reply's message then says first.
    static func query(from text: String, model: DataModel, asOf: SQLDate, cutOffAt maxTokens: Int?) throws(LLMError)
        -> CubeQuery
    {
        let json: Data
        switch Result(catching: { () throws(LLMError) -> Data in try queryObject(in: text) }) {
        case .success(let data): json = data
        case .failure(.malformedReply(let message)) where maxTokens != nil:
            throw .malformedReply("the reply was cut off at max_tokens (\(maxTokens ?? 0)); \(message)")
        case .failure(let error): throw error
        }
        let query: CubeQuery
        do {
            query = try CubeQuery(json: json)
        } catch let error as SemanticError {
            throw .invalidQuery([error.description])
        } catch {
            throw .invalidQuery(["\(error)"])
        }
        let problems = problems(in: query, model: model)
        guard problems.isEmpty else { throw .invalidQuery(problems) }
        do {
            _ = try QueryCompiler(model: model, dialect: .duckdb).compile(query, asOf: asOf)
        } catch let error as SemanticError {
            throw .invalidQuery([error.description])
        } catch {
            throw .invalidQuery(["\(error)"])
        }
        return query
    }

    // MARK: Finding the object

    /// The bytes of the first JSON object in `text` that has a query key, fenced blocks first.
    static func queryObject(in text: String) throws(LLMError) -> Data {
        guard !text.trimmingWhitespace.isEmpty else { throw .malformedReply("the reply has no content") }
        var sawObject = false
        for candidate in fencedBlocks(in: text) + [text] {
            let bytes = Array(candidate.utf8)
            for range in objectRanges(in: bytes) {
                let data = Data(bytes[range])
                guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { continue }
                sawObject = true
                if !queryKeys.isDisjoint(with: object.keys) { return data }
            }
        }
        if sawObject {
            throw .malformedReply(
                "the reply's JSON has no query object (one with measures, dimensions, timeDimensions, segments or filters): \(excerpt(text))"
            )
        }
        throw .malformedReply("no JSON object in the reply: \(excerpt(text))")
    }

    /// The contents of each ```` ``` ```` fenced block, in order (the language tag line dropped).
    static func fencedBlocks(in text: String) -> [String] {
        let parts = text.components(separatedBy: "```")
        guard parts.count >= 3 else { return [] }
        var blocks: [String] = []
        var index = 1
        while index < parts.count - 1 {
            var block = Substring(parts[index])
            // Drop a language tag such as `json` on the opening line.
            if let newline = block.firstIndex(of: "\n"), !block[..<newline].contains("{") {
                block = block[block.index(after: newline)...]
            }
            blocks.append(String(block))
            index += 2
        }
        return blocks
    }

    /// The ranges of balanced `{…}` spans, by each opening brace in order (nested ones too),
    /// braces inside JSON strings ignored.
    static func objectRanges(in bytes: [UInt8]) -> [Range<Int>] {
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}"), quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var ranges: [Range<Int>] = []
        var start = 0
        while let first = bytes[start...].firstIndex(of: open) {
            var depth = 0
            var inString = false
            var escaped = false
            var end: Int?
            for i in first..<bytes.count {
                let byte = bytes[i]
                if inString {
                    if escaped {
                        escaped = false
                    } else if byte == backslash {
                        escaped = true
                    } else if byte == quote {
                        inString = false
                    }
                    continue
                }
                if byte == quote {
                    inString = true
                } else if byte == open {
                    depth += 1
                } else if byte == close {
                    depth -= 1
                    if depth == 0 {
                        end = i + 1
                        break
                    }
                }
            }
            if let end { ranges.append(first..<end) }
            start = first + 1
        }
        return ranges
    }

    /// The start of `text` on one line, for messages.
    static func excerpt(_ text: String, limit: Int = 160) -> String {
        let flat = text.trimmingWhitespace.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "\"" + (flat.count > limit ? String(flat.prefix(limit)) + "…" : flat) + "\""
    }

    // MARK: Checking members

    /// What a member name refers to.
    enum MemberKind: Equatable {
        case measure
        case dimension(Semantic.Dimension.DimensionType)
        case segment

        var noun: String {
            switch self {
            case .measure: "a measure"
            case .dimension(let type): type == .time ? "a time dimension" : "a dimension"
            case .segment: "a segment"
            }
        }
    }

    /// Resolves `name` (`Cube.member` or `view.member`) among public cubes, views and members.
    static func resolve(_ name: String, in model: DataModel) -> Result<MemberKind, Problem> {
        guard let dot = name.firstIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex else {
            return .failure(Problem("\"\(name)\" is not a member name (expected Cube.member)"))
        }
        let owner = String(name[..<dot]), member = String(name[name.index(after: dot)...])
        if let cube = model.cubes[owner] {
            guard cube.isPublic else { return .failure(Problem("\"\(name)\": cube \(owner) is not public")) }
            if let measure = cube.measure(member) {
                return measure.isPublic ? .success(.measure) : .failure(Problem("\"\(name)\" is not public"))
            }
            if let dimension = cube.dimension(member) {
                return dimension.isPublic ? .success(.dimension(dimension.type)) : .failure(Problem("\"\(name)\" is not public"))
            }
            if let segment = cube.segment(member) {
                return segment.isPublic ? .success(.segment) : .failure(Problem("\"\(name)\" is not public"))
            }
            return .failure(Problem("unknown member \"\(name)\": cube \(owner) has no \(member)"))
        }
        if let view = model.views[owner] {
            guard view.isPublic else { return .failure(Problem("\"\(name)\": view \(owner) is not public")) }
            guard let item = view.member(member), let cube = model.cubes[item.cube] else {
                return .failure(Problem("unknown member \"\(name)\": view \(owner) has no \(member)"))
            }
            switch item.kind {
            case .measure: return .success(.measure)
            case .segment: return .success(.segment)
            case .dimension: return .success(.dimension(cube.dimension(item.member)?.type ?? .string))
            }
        }
        return .failure(Problem("unknown member \"\(name)\": there is no cube \(owner)"))
    }

    /// A readable problem with a query.
    struct Problem: Error, Equatable {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// Every problem with the members and dates of `query`, in query order.
    static func problems(in query: CubeQuery, model: DataModel) -> [String] {
        var problems: [String] = []
        func check(_ name: String, in part: String, _ allowed: (MemberKind) -> Bool, expected: String) {
            switch resolve(name, in: model) {
            case .failure(let problem): problems.append("\(part): \(problem.message)")
            case .success(let kind) where !allowed(kind):
                problems.append("\(part): \"\(name)\" is \(kind.noun), not \(expected)")
            case .success: break
            }
        }
        if query.measures.isEmpty && query.dimensions.isEmpty && query.timeDimensions.isEmpty {
            problems.append("the query names no measure, dimension or time dimension")
        }
        for name in query.measures { check(name, in: "measures", { $0 == .measure }, expected: "a measure") }
        for name in query.dimensions {
            check(name, in: "dimensions", { if case .dimension = $0 { true } else { false } }, expected: "a dimension")
        }
        for name in query.segments { check(name, in: "segments", { $0 == .segment }, expected: "a segment") }
        for item in query.timeDimensions {
            check(item.dimension, in: "timeDimensions", { $0 == .dimension(.time) }, expected: "a time dimension")
            switch item.dateRange {
            case .relative(let phrase)?:
                problems.append(
                    "timeDimensions: \(item.dimension) has the relative dateRange \"\(phrase)\"; it must be absolute [\"YYYY-MM-DD\", \"YYYY-MM-DD\"]"
                )
            case .absolute(let from, let to)?:
                let bounds = [from, to].map { SQLDate(iso: $0) }
                if bounds.contains(nil) {
                    problems.append(
                        "timeDimensions: \(item.dimension) dateRange [\"\(from)\", \"\(to)\"] is not two dates YYYY-MM-DD")
                } else if let start = bounds[0], let end = bounds[1], start > end {
                    problems.append("timeDimensions: \(item.dimension) dateRange starts (\(from)) after it ends (\(to))")
                }
            case nil: break
            }
        }
        func checkFilter(_ filter: CubeQuery.Filter) {
            switch filter {
            case .member(let name, _, _):
                check(
                    name, in: "filters", { if case .segment = $0 { false } else { true } },
                    expected: "a dimension or measure")
            case .and(let items), .or(let items): items.forEach(checkFilter)
            }
        }
        query.filters.forEach(checkFilter)
        for item in query.order ?? [] {
            check(
                item.member, in: "order", { if case .segment = $0 { false } else { true } },
                expected: "a dimension or measure")
        }
        return problems
    }
}
