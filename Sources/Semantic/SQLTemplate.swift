/// A member's or cube's SQL, parsed once into literal text and `{…}` references.
///
/// Cube's YAML reference forms are supported: `{CUBE}` and its older alias `{TABLE}` (the
/// owning cube), `{CUBE}.column` (the owning cube followed by literal text), `{member}` (a
/// member of the owning cube), `{CUBE.member}`, `{OtherCube.member}` and `{OtherCube}`.
/// Text between references is kept verbatim. After loading, every reference names its cube
/// explicitly, so rendering needs no context beyond the two resolvers.
public struct SQLTemplate: Sendable, Hashable, CustomStringConvertible {
    /// One piece of the template.
    public enum Part: Sendable, Hashable {
        /// SQL text, kept exactly as written.
        case text(String)
        /// A cube's table or subquery, by cube name (`{CUBE}`, `{TABLE}`, `{Other}`).
        case cube(String)
        /// A member of a cube (`{member}`, `{CUBE.member}`, `{Other.member}`).
        case member(cube: String, name: String)
    }

    /// The pieces in order.
    public private(set) var parts: [Part]
    /// The SQL as written in the model file.
    public let source: String

    /// A reference as parsed, before the owning cube and the model's cube names are known.
    struct RawReference: Hashable {
        /// The text between the braces, e.g. `Transactions.netSales`.
        var text: String
        /// The dot-separated path.
        var path: [String]
    }

    /// Parsed but unresolved pieces: `nil` reference means literal text at that index.
    private var raw: [(text: String, reference: RawReference?)]

    /// Parses `source`. References stay unresolved (rendered as written) until the model
    /// loader resolves them against the owning cube.
    public init(_ source: String) {
        self.source = source
        var pieces: [(text: String, reference: RawReference?)] = []
        var literal = ""
        var index = source.startIndex
        while index < source.endIndex {
            let character = source[index]
            // `{` starts a reference only when a closing `}` follows on the same template
            // and the content looks like a dotted identifier; other braces are literal SQL
            // (e.g. JSON or regular expressions).
            if character == "{", let close = source[index...].firstIndex(of: "}") {
                let inner = String(source[source.index(after: index)..<close]).trimmingSpaces()
                let path = inner.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                if !path.isEmpty, path.allSatisfy(Self.isIdentifier) {
                    if !literal.isEmpty { pieces.append((literal, nil)) }
                    literal = ""
                    pieces.append((inner, RawReference(text: inner, path: path)))
                    index = source.index(after: close)
                    continue
                }
            }
            literal.append(character)
            index = source.index(after: index)
        }
        if !literal.isEmpty { pieces.append((literal, nil)) }
        self.raw = pieces
        self.parts = pieces.map { $0.reference == nil ? .text($0.text) : .text("{\($0.text)}") }
    }

    /// A template made of already-resolved pieces (the compiler's own models, such as the
    /// one that reads a rollup table).
    init(parts: [Part]) {
        self.parts = parts
        self.raw = []
        self.source = parts.map {
            switch $0 {
            case .text(let text): text
            case .cube(let cube): "{\(cube)}"
            case .member(let cube, let name): "{\(cube).\(name)}"
            }
        }.joined()
    }

    /// The references as written, in order (for validation messages).
    var rawReferences: [RawReference] { raw.compactMap(\.reference) }

    /// Resolves every reference against the owning cube.
    ///
    /// A single name is a member of the owner when the owner has one by that name, else a
    /// cube. Returns the references that match nothing, as written, for the caller to report.
    mutating func resolve(owner: String, isMember: (String, String) -> Bool, isCube: (String) -> Bool)
        -> [RawReference]
    {
        var unknown: [RawReference] = []
        var resolved: [Part] = []
        for piece in raw {
            guard let reference = piece.reference else {
                resolved.append(.text(piece.text))
                continue
            }
            let path = reference.path
            let isOwnAlias = { (name: String) in name == "CUBE" || name == "TABLE" }
            switch path.count {
            case 1 where isOwnAlias(path[0]):
                resolved.append(.cube(owner))
            case 1 where isMember(owner, path[0]):
                resolved.append(.member(cube: owner, name: path[0]))
            case 1 where isCube(path[0]):
                resolved.append(.cube(path[0]))
            case 2:
                let cube = isOwnAlias(path[0]) ? owner : path[0]
                if isMember(cube, path[1]) {
                    resolved.append(.member(cube: cube, name: path[1]))
                } else {
                    unknown.append(reference)
                    resolved.append(.text("{\(reference.text)}"))
                }
            default:
                unknown.append(reference)
                resolved.append(.text("{\(reference.text)}"))
            }
        }
        parts = resolved
        return unknown
    }

    /// The members this template refers to, as (cube, member), in order.
    public var memberReferences: [(cube: String, name: String)] {
        parts.compactMap {
            if case .member(let cube, let name) = $0 { return (cube, name) }
            return nil
        }
    }

    /// The cubes this template refers to directly (`{CUBE}`, `{Other}`), in order.
    public var cubeReferences: [String] {
        parts.compactMap {
            if case .cube(let cube) = $0 { return cube }
            return nil
        }
    }

    /// Renders the SQL: each cube reference becomes `cubeAlias(cube)` and each member
    /// reference `member(cube, name)` (the compiler expands members recursively).
    public func render(cubeAlias: (String) -> String, member: (String, String) throws -> String) rethrows
        -> String
    {
        var sql = ""
        for part in parts {
            switch part {
            case .text(let text): sql += text
            case .cube(let cube): sql += cubeAlias(cube)
            case .member(let cube, let name): sql += try member(cube, name)
            }
        }
        return sql
    }

    /// The SQL as written.
    public var description: String { source }

    /// Equality and hashing consider the parsed form, which is what rendering uses.
    public static func == (a: SQLTemplate, b: SQLTemplate) -> Bool { a.source == b.source && a.parts == b.parts }

    /// Hashes the source and the parsed form.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(parts)
    }

    private static func isIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || first.properties.isAlphabetic else {
            return false
        }
        return name.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
