/// The small part of Jinja that dbt models in this project use, parsed strictly:
/// `{{ ref('m') }}`, `{{ source('s', 't') }}`, `{{ config(k=v, …) }}`, `{{ this }}`,
/// `{{ var('name', default) }}`, `{% if is_incremental() %} … {% endif %}` and `{# #}`
/// comments, with `-` whitespace control. Anything else is an error naming the line,
/// so that a model is never silently rendered differently from dbt.
struct JinjaTemplate: Sendable {
    /// A literal argument value.
    indirect enum Literal: Sendable, Hashable {
        case string(String)
        case number(String)
        case bool(Bool)
        case none
        case list([Literal])

        var text: String? {
            switch self {
            case .string(let s): return s
            case .number(let n): return n
            case .bool(let b): return b ? "true" : "false"
            default: return nil
            }
        }
    }

    /// `name(args, key=value)` or a bare `name`.
    struct Call: Sendable, Hashable {
        var name: String
        var arguments: [Literal]
        var keywordArguments: [(String, Literal)]
        var isBare: Bool

        static func == (lhs: Call, rhs: Call) -> Bool {
            lhs.name == rhs.name && lhs.arguments == rhs.arguments && lhs.isBare == rhs.isBare
                && lhs.keywordArguments.map(\.0) == rhs.keywordArguments.map(\.0)
                && lhs.keywordArguments.map(\.1) == rhs.keywordArguments.map(\.1)
        }
        func hash(into hasher: inout Hasher) { hasher.combine(name) }
    }

    enum Node: Sendable {
        case text(String)
        case expression(Call, line: Int)
        case ifIncremental([Node], line: Int)
    }

    let nodes: [Node]
    let file: String

    /// Parses `source`; `file` names it in errors.
    init(_ source: String, file: String) throws {
        self.file = file
        var parser = TemplateParser(source: Array(source.unicodeScalars), file: file)
        self.nodes = try parser.parseNodes(insideIf: false)
    }

    /// Every call in the template, in order (also inside `if` blocks).
    var calls: [(Call, Int)] {
        func walk(_ nodes: [Node]) -> [(Call, Int)] {
            nodes.flatMap { node -> [(Call, Int)] in
                switch node {
                case .text: return []
                case .expression(let call, let line): return [(call, line)]
                case .ifIncremental(let inner, _): return walk(inner)
                }
            }
        }
        return walk(nodes)
    }

    /// Renders with `resolve` supplying each expression's text.
    func render(isIncremental: Bool, resolve: (Call, Int) throws -> String) throws -> String {
        func walk(_ nodes: [Node]) throws -> String {
            var out = ""
            for node in nodes {
                switch node {
                case .text(let text): out += text
                case .expression(let call, let line): out += try resolve(call, line)
                case .ifIncremental(let inner, _): if isIncremental { out += try walk(inner) }
                }
            }
            return out
        }
        return try walk(nodes)
    }

    /// Parses one expression such as `ref('dim_customer')` (used for `to:` in schema tests).
    static func parseExpression(_ text: String, file: String, line: Int) throws -> Call {
        var parser = ExpressionParser(scalars: Array(text.unicodeScalars), file: file, line: line)
        let call = try parser.parseCall()
        try parser.expectEnd()
        return call
    }
}

private struct TemplateParser {
    let source: [Unicode.Scalar]
    let file: String
    var index = 0
    var line = 1

    init(source: [Unicode.Scalar], file: String) {
        self.source = source
        self.file = file
    }

    func peek(_ text: String, at offset: Int = 0) -> Bool {
        var i = index + offset
        for scalar in text.unicodeScalars {
            guard i < source.count, source[i] == scalar else { return false }
            i += 1
        }
        return true
    }

    mutating func advance() {
        if source[index] == "\n" { line += 1 }
        index += 1
    }

    func error(_ message: String, line: Int? = nil) -> TransformError {
        TransformError(.unsupportedJinja, file: file, line: line ?? self.line, message)
    }

    /// Reads the inside of a tag up to its closer, handling `-` trim markers.
    mutating func readTag(closer: String) throws -> (body: String, trimBefore: Bool, trimAfter: Bool, line: Int) {
        let startLine = line
        index += 2
        var trimBefore = false
        if index < source.count, source[index] == "-" {
            trimBefore = true
            index += 1
        }
        var body = String.UnicodeScalarView()
        while index < source.count {
            if peek("-" + closer) {
                index += 3
                return (String(body), trimBefore, true, startLine)
            }
            if peek(closer) {
                index += 2
                return (String(body), trimBefore, false, startLine)
            }
            body.append(source[index])
            advance()
        }
        throw error("unclosed tag, expected '\(closer)'", line: startLine)
    }

    mutating func parseNodes(insideIf: Bool, trimLeading: Bool = false) throws -> [JinjaTemplate.Node] {
        var nodes: [JinjaTemplate.Node] = []
        var text = String.UnicodeScalarView()
        var trimNextText = trimLeading

        func flush(trimTrailing: Bool) {
            var s = String(text)
            if trimNextText { s = String(s.drop { $0.isWhitespace }) }
            if trimTrailing { while s.last?.isWhitespace == true { s.removeLast() } }
            if !s.isEmpty { nodes.append(.text(s)) }
            text = String.UnicodeScalarView()
            trimNextText = false
        }

        while index < source.count {
            if peek("{#") {
                let startLine = line
                while index < source.count, !peek("#}") { advance() }
                guard index < source.count else { throw error("unclosed comment", line: startLine) }
                index += 2
                continue
            }
            if peek("{{") {
                let tag = try readTag(closer: "}}")
                flush(trimTrailing: tag.trimBefore)
                let call = try JinjaTemplate.parseExpression(tag.body, file: file, line: tag.line)
                nodes.append(.expression(call, line: tag.line))
                trimNextText = tag.trimAfter
                continue
            }
            if peek("{%") {
                let tag = try readTag(closer: "%}")
                flush(trimTrailing: tag.trimBefore)
                let words = tag.body.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                switch words {
                case "if is_incremental()":
                    guard !insideIf else { throw error("nested {% if %} blocks are not supported", line: tag.line) }
                    let inner = try parseNodes(insideIf: true, trimLeading: tag.trimAfter)
                    nodes.append(.ifIncremental(inner, line: tag.line))
                    trimNextText = lastTrimAfter
                case "endif":
                    guard insideIf else { throw error("{% endif %} without {% if %}", line: tag.line) }
                    lastTrimAfter = tag.trimAfter
                    return nodes
                default:
                    throw error(
                        "unsupported statement {% \(words) %}; models may use only {% if is_incremental() %} … {% endif %}",
                        line: tag.line)
                }
                continue
            }
            text.append(source[index])
            advance()
        }
        flush(trimTrailing: false)
        if insideIf { throw error("{% if is_incremental() %} is never closed with {% endif %}") }
        return nodes
    }

    var lastTrimAfter = false
}

private struct ExpressionParser {
    let scalars: [Unicode.Scalar]
    let file: String
    let line: Int
    var index = 0

    init(scalars: [Unicode.Scalar], file: String, line: Int) {
        self.scalars = scalars
        self.file = file
        self.line = line
    }

    func error(_ message: String) -> TransformError {
        TransformError(.unsupportedJinja, file: file, line: line, message + " in '{{ \(String(String.UnicodeScalarView(scalars)).trimmingWhitespace()) }}'")
    }

    mutating func skipSpace() {
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
    }

    mutating func identifier() -> String? {
        skipSpace()
        var name = String.UnicodeScalarView()
        while index < scalars.count, scalars[index] == "_" || scalars[index].properties.isAlphabetic
            || (!name.isEmpty && ("0"..."9").contains(scalars[index]))
        {
            name.append(scalars[index])
            index += 1
        }
        return name.isEmpty ? nil : String(name)
    }

    mutating func expect(_ scalar: Unicode.Scalar) throws {
        skipSpace()
        guard index < scalars.count, scalars[index] == scalar else { throw error("expected '\(scalar)'") }
        index += 1
    }

    mutating func expectEnd() throws {
        skipSpace()
        guard index == scalars.count else { throw error("unsupported expression (filters, operators and attribute access are not supported)") }
    }

    mutating func parseCall() throws -> JinjaTemplate.Call {
        guard let name = identifier() else { throw error("expected a function name") }
        skipSpace()
        guard index < scalars.count, scalars[index] == "(" else {
            return JinjaTemplate.Call(name: name, arguments: [], keywordArguments: [], isBare: true)
        }
        index += 1
        var arguments: [JinjaTemplate.Literal] = []
        var keywords: [(String, JinjaTemplate.Literal)] = []
        skipSpace()
        if index < scalars.count, scalars[index] == ")" {
            index += 1
            return JinjaTemplate.Call(name: name, arguments: [], keywordArguments: [], isBare: false)
        }
        while true {
            skipSpace()
            let save = index
            if let key = identifier(), !["true", "false", "True", "False", "none", "None"].contains(key) {
                skipSpace()
                guard index < scalars.count, scalars[index] == "=" else {
                    throw error("'\(key)' is not supported here (only literal arguments)")
                }
                index += 1
                keywords.append((key, try literal()))
            } else {
                index = save
                guard keywords.isEmpty else { throw error("positional argument after keyword argument") }
                arguments.append(try literal())
            }
            skipSpace()
            guard index < scalars.count else { throw error("unclosed '('") }
            if scalars[index] == "," {
                index += 1
                continue
            }
            if scalars[index] == ")" {
                index += 1
                break
            }
            throw error("expected ',' or ')'")
        }
        return JinjaTemplate.Call(name: name, arguments: arguments, keywordArguments: keywords, isBare: false)
    }

    mutating func literal() throws -> JinjaTemplate.Literal {
        skipSpace()
        guard index < scalars.count else { throw error("expected a value") }
        let c = scalars[index]
        if c == "'" || c == "\"" {
            index += 1
            var text = String.UnicodeScalarView()
            while index < scalars.count, scalars[index] != c {
                if scalars[index] == "\\", index + 1 < scalars.count {
                    index += 1
                }
                text.append(scalars[index])
                index += 1
            }
            guard index < scalars.count else { throw error("unclosed string") }
            index += 1
            return .string(String(text))
        }
        if c == "[" {
            index += 1
            var items: [JinjaTemplate.Literal] = []
            skipSpace()
            if index < scalars.count, scalars[index] == "]" {
                index += 1
                return .list([])
            }
            while true {
                items.append(try literal())
                skipSpace()
                guard index < scalars.count else { throw error("unclosed '['") }
                if scalars[index] == "," {
                    index += 1
                    continue
                }
                try expect("]")
                return .list(items)
            }
        }
        if ("0"..."9").contains(c) || c == "-" {
            var text = String.UnicodeScalarView()
            while index < scalars.count, ("0"..."9").contains(scalars[index]) || scalars[index] == "." || scalars[index] == "-" {
                text.append(scalars[index])
                index += 1
            }
            return .number(String(text))
        }
        if let word = identifier() {
            switch word {
            case "true", "True": return .bool(true)
            case "false", "False": return .bool(false)
            case "none", "None": return .none
            default: throw error("'\(word)' is not supported here (only literal arguments)")
            }
        }
        throw error("unexpected '\(c)'")
    }
}

extension String {
    func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
