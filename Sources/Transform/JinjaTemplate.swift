/// The small part of Jinja that dbt models in this project use, parsed strictly:
/// `{{ ref('m') }}`, `{{ source('s', 't') }}`, `{{ config(k=v, …) }}`, `{{ this }}`,
/// `{{ var('name', default) }}`, `{% if is_incremental() %} … {% endif %}`,
/// `{% if target.type == 'sqlserver' %} … {% elif … %} … {% else %} … {% endif %}` (also
/// `!=`, nestable), calls of argument-less project macros and `{# #}` comments, with `-`
/// whitespace control. Macro files (`macros/`) hold `{% macro name() %} … {% endmacro %}`,
/// whose body may be `{{ return(adapter.dispatch('name')()) }}` to pick `<target>__name`
/// or else `default__name`, as dbt's adapter.dispatch does. Anything else is an error
/// naming the line, so that a model is never silently rendered differently from dbt.
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

    /// What an `{% if %}` tests.
    enum Condition: Sendable, Equatable {
        /// `is_incremental()`.
        case isIncremental
        /// `target.type == 'name'` (or `!=` when `equal` is false).
        case targetType(String, equal: Bool)
    }

    /// One `{% if %}`/`{% elif %}` branch; the `{% else %}` branch has no condition.
    struct Branch: Sendable {
        var condition: Condition?
        var nodes: [Node]
    }

    indirect enum Node: Sendable {
        case text(String)
        case expression(Call, line: Int)
        case conditional([Branch], line: Int)
        /// `{{ return(adapter.dispatch('name')()) }}`, only in a macro body.
        case dispatch(String, line: Int)
        /// `{% macro name() %} … {% endmacro %}`, only at the top of a macro file.
        case macro(String, [Node], line: Int)
    }

    /// What rendering depends on besides the expressions' values.
    struct Context {
        /// Whether the model is built incrementally.
        var isIncremental: Bool
        /// dbt's `target.type`: `duckdb`, `postgres`, `sqlserver`, `sqlite`.
        var targetType: String
        /// The project's macros by name.
        var macros: [String: Macro] = [:]
    }

    /// A macro of the project (`macros/*.sql`).
    struct Macro: Sendable {
        var name: String
        var file: String
        var line: Int
        var body: [Node]
    }

    let nodes: [Node]
    let file: String

    /// Parses `source`; `file` names it in errors. `isMacroFile` allows macro definitions
    /// (and only those, with whitespace and comments between them).
    init(_ source: String, file: String, isMacroFile: Bool = false) throws {
        self.file = file
        var parser = TemplateParser(source: Array(source.unicodeScalars), file: file, isMacroFile: isMacroFile)
        self.nodes = try parser.parseNodes(block: nil).nodes
    }

    /// The macros defined in a macro file.
    var macros: [Macro] {
        nodes.compactMap { node in
            if case .macro(let name, let body, let line) = node { return Macro(name: name, file: file, line: line, body: body) }
            return nil
        }
    }

    /// Every call in the template, in order (also inside `if` blocks, every branch).
    var calls: [(Call, Int)] { Self.calls(in: nodes) }

    static func calls(in nodes: [Node]) -> [(Call, Int)] {
        nodes.flatMap { node -> [(Call, Int)] in
            switch node {
            case .text, .dispatch: return []
            case .expression(let call, let line): return [(call, line)]
            case .conditional(let branches, _): return branches.flatMap { calls(in: $0.nodes) }
            case .macro(_, let body, _): return calls(in: body)
            }
        }
    }

    /// Renders for a plain (non-incremental) build on `target` with `resolve` supplying
    /// each expression's text; kept for callers without macros.
    func render(isIncremental: Bool, targetType: String = "duckdb", resolve: (Call, Int) throws -> String) throws -> String {
        try render(Context(isIncremental: isIncremental, targetType: targetType), resolve: resolve)
    }

    /// Renders with `resolve` supplying each expression's text; calls naming a macro of
    /// `context` render that macro instead.
    func render(_ context: Context, resolve: (Call, Int) throws -> String) throws -> String {
        try Self.render(nodes, file: file, context: context, depth: 0, resolve: resolve)
    }

    private static func render(
        _ nodes: [Node], file: String, context: Context, depth: Int, resolve: (Call, Int) throws -> String
    ) throws -> String {
        func macro(_ name: String, line: Int) throws -> String {
            guard depth < 20, let macro = context.macros[name] else {
                throw TransformError(.unsupportedJinja, file: file, line: line, "macro '\(name)' nests too deeply")
            }
            return try render(macro.body, file: macro.file, context: context, depth: depth + 1, resolve: resolve)
        }
        var out = ""
        for node in nodes {
            switch node {
            case .text(let text): out += text
            case .expression(let call, let line):
                if context.macros[call.name] != nil, !call.isBare {
                    guard call.arguments.isEmpty, call.keywordArguments.isEmpty else {
                        throw TransformError(.unsupportedJinja, file: file, line: line, "macro '\(call.name)' takes no arguments")
                    }
                    out += try macro(call.name, line: line)
                } else {
                    out += try resolve(call, line)
                }
            case .conditional(let branches, _):
                let taken = branches.first { branch in
                    switch branch.condition {
                    case nil: return true
                    case .isIncremental: return context.isIncremental
                    case .targetType(let type, let equal): return (context.targetType == type) == equal
                    }
                }
                if let taken { out += try render(taken.nodes, file: file, context: context, depth: depth, resolve: resolve) }
            case .dispatch(let name, let line):
                let candidates = ["\(context.targetType)__\(name)", "default__\(name)"]
                guard let chosen = candidates.first(where: { context.macros[$0] != nil }) else {
                    throw TransformError(
                        .unsupportedJinja, file: file, line: line,
                        "adapter.dispatch('\(name)') finds neither \(candidates.joined(separator: " nor "))")
                }
                out += try macro(chosen, line: line)
            case .macro:
                break
            }
        }
        return out
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
    let isMacroFile: Bool
    var index = 0
    var line = 1

    init(source: [Unicode.Scalar], file: String, isMacroFile: Bool) {
        self.source = source
        self.file = file
        self.isMacroFile = isMacroFile
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

    /// The block being parsed: what may end it.
    enum Block {
        case ifIncremental
        case ifTarget
        case macro
    }

    /// How a block ended.
    enum Terminator {
        case elif(JinjaTemplate.Condition, line: Int)
        case otherwise(line: Int)
        case endif
        case endmacro
    }

    /// `target.type == 'x'` / `target.type != "x"`, or nil.
    static func targetCondition(_ text: String) -> JinjaTemplate.Condition? {
        let compact = text.filter { !$0.isWhitespace }
        for (op, equal) in [("==", true), ("!=", false)] {
            for quote in ["'", "\""] {
                let prefix = "target.type" + op + quote
                if compact.hasPrefix(prefix), compact.hasSuffix(quote), compact.count > prefix.count {
                    let value = String(compact.dropFirst(prefix.count).dropLast())
                    if !value.isEmpty, value.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) {
                        return .targetType(value, equal: equal)
                    }
                }
            }
        }
        return nil
    }

    /// `return(adapter.dispatch('name')())` (a second, namespace argument is allowed), or nil.
    static func dispatchName(_ text: String) -> String? {
        let compact = text.filter { !$0.isWhitespace }.replacing("\"", with: "'")
        let prefix = "return(adapter.dispatch("
        guard compact.hasPrefix(prefix), compact.hasSuffix(")())") else { return nil }
        let arguments = compact.dropFirst(prefix.count).dropLast(4).split(separator: ",", omittingEmptySubsequences: false)
        guard (1...2).contains(arguments.count) else { return nil }
        let names = arguments.map { argument -> String? in
            guard argument.count > 2, argument.hasPrefix("'"), argument.hasSuffix("'") else { return nil }
            let name = argument.dropFirst().dropLast()
            return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } ? String(name) : nil
        }
        guard !names.contains(nil) else { return nil }
        return names[0]
    }

    mutating func parseNodes(block: Block?, trimLeading: Bool = false) throws -> (nodes: [JinjaTemplate.Node], end: Terminator?, trimAfter: Bool) {
        var nodes: [JinjaTemplate.Node] = []
        var text = String.UnicodeScalarView()
        var trimNextText = trimLeading

        func flush(trimTrailing: Bool) throws {
            var s = String(text)
            if trimNextText { s = String(s.drop { $0.isWhitespace }) }
            if trimTrailing { while s.last?.isWhitespace == true { s.removeLast() } }
            if isMacroFile, block == nil, !s.allSatisfy(\.isWhitespace) {
                throw error("a macro file holds only {% macro %} … {% endmacro %} blocks")
            }
            if !s.isEmpty, !(isMacroFile && block == nil) { nodes.append(.text(s)) }
            text = String.UnicodeScalarView()
            trimNextText = false
        }

        /// Parses an if block's branches, `first` being the condition of its `{% if %}`.
        func parseIf(_ first: JinjaTemplate.Condition, line: Int, trimAfter: Bool, parser: inout TemplateParser) throws -> Bool {
            var branches: [JinjaTemplate.Branch] = []
            var condition: JinjaTemplate.Condition? = first
            var trim = trimAfter
            let kind: Block = first == .isIncremental ? .ifIncremental : .ifTarget
            while true {
                let (inner, end, after) = try parser.parseNodes(block: kind, trimLeading: trim)
                branches.append(.init(condition: condition, nodes: inner))
                trim = after
                switch end {
                case .elif(let next, _): condition = next
                case .otherwise:
                    guard condition != nil else { throw parser.error("{% else %} after {% else %}") }
                    condition = nil
                default:
                    nodes.append(.conditional(branches, line: line))
                    return after
                }
            }
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
                try flush(trimTrailing: tag.trimBefore)
                if block == .macro, let name = Self.dispatchName(tag.body) {
                    nodes.append(.dispatch(name, line: tag.line))
                } else {
                    guard !(isMacroFile && block == nil) else { throw error("a macro file holds only {% macro %} … {% endmacro %} blocks", line: tag.line) }
                    let call = try JinjaTemplate.parseExpression(tag.body, file: file, line: tag.line)
                    nodes.append(.expression(call, line: tag.line))
                }
                trimNextText = tag.trimAfter
                continue
            }
            if peek("{%") {
                let tag = try readTag(closer: "%}")
                try flush(trimTrailing: tag.trimBefore)
                let words = tag.body.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                if words == "if is_incremental()" {
                    guard block != .ifIncremental else { throw error("nested {% if is_incremental() %} blocks are not supported", line: tag.line) }
                    trimNextText = try parseIf(.isIncremental, line: tag.line, trimAfter: tag.trimAfter, parser: &self)
                } else if words.hasPrefix("if "), let condition = Self.targetCondition(String(words.dropFirst(3))) {
                    trimNextText = try parseIf(condition, line: tag.line, trimAfter: tag.trimAfter, parser: &self)
                } else if words.hasPrefix("elif "), block == .ifTarget, let condition = Self.targetCondition(String(words.dropFirst(5))) {
                    return (nodes, .elif(condition, line: tag.line), tag.trimAfter)
                } else if words == "else", block == .ifTarget {
                    return (nodes, .otherwise(line: tag.line), tag.trimAfter)
                } else if words == "endif" {
                    guard block == .ifIncremental || block == .ifTarget else { throw error("{% endif %} without {% if %}", line: tag.line) }
                    return (nodes, .endif, tag.trimAfter)
                } else if isMacroFile, block == nil, words.hasPrefix("macro "), words.hasSuffix("()") {
                    let name = String(words.dropFirst(6).dropLast(2)).trimmingWhitespace()
                    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                        throw error("a macro needs a plain name: {% macro name() %}", line: tag.line)
                    }
                    let (body, end, after) = try parseNodes(block: .macro, trimLeading: tag.trimAfter)
                    guard case .endmacro = end else { throw error("{% macro \(name)() %} is never closed with {% endmacro %}", line: tag.line) }
                    nodes.append(.macro(name, body, line: tag.line))
                    trimNextText = after
                } else if words == "endmacro", block == .macro {
                    return (nodes, .endmacro, tag.trimAfter)
                } else {
                    throw error(
                        "unsupported statement {% \(words) %}; models may use only {% if is_incremental() %} … {% endif %} "
                            + "and {% if target.type == '…' %} … {% elif … %} … {% else %} … {% endif %}",
                        line: tag.line)
                }
                continue
            }
            text.append(source[index])
            advance()
        }
        try flush(trimTrailing: false)
        switch block {
        case .ifIncremental: throw error("{% if is_incremental() %} is never closed with {% endif %}")
        case .ifTarget: throw error("{% if target.type … %} is never closed with {% endif %}")
        case .macro: return (nodes, nil, false)
        case nil: return (nodes, nil, false)
        }
    }
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
