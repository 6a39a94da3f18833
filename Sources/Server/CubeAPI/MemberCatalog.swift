import Semantic

/// Every cube and view of one tenant's model as Cube's `/v1/meta` describes it, with a
/// lookup by full member name for query annotations.
///
/// Titles follow Cube's rule: a member's `title` is the cube's title (or its name made
/// readable) followed by the member's own title (or its name made readable); `shortTitle`
/// is the member part alone.
struct MemberCatalog: Sendable {
    enum Kind: Sendable { case measure, dimension, segment }

    struct Member: Sendable {
        var name: String
        var kind: Kind
        var title: String
        var shortTitle: String
        var description: String?
        /// `number`, `string`, `time` or `boolean` (measures are `number`, as in Cube).
        var type: String
        /// The measure's aggregation (`sum`, `count_distinct`, …); nil for other members.
        var aggType: String?
        var format: String?
        var meta: MetaValue?
        var primaryKey: Bool
        var isPublic: Bool
    }

    struct Entry: Sendable {
        var name: String
        var title: String
        var description: String?
        var isView: Bool
        var isPublic: Bool
        var meta: MetaValue?
        var connectedComponent: Int?
        var measures: [Member]
        var dimensions: [Member]
        var segments: [Member]
    }

    private(set) var entries: [Entry] = []
    private var members: [String: Member] = [:]

    init(model: DataModel) {
        let components = Self.connectedComponents(model)
        for name in model.cubeNames {
            guard let cube = model.cubes[name] else { continue }
            let cubeTitle = cube.title ?? Self.titleize(cube.name)
            func member(_ name: String, _ kind: Kind, _ title: String?, type: String, aggType: String? = nil)
                -> Member
            {
                let short = title ?? Self.titleize(name)
                return Member(
                    name: "\(cube.name).\(name)", kind: kind, title: "\(cubeTitle) \(short)", shortTitle: short,
                    description: nil, type: type, aggType: aggType, format: nil, meta: nil, primaryKey: false,
                    isPublic: cube.isPublic)
            }
            var entry = Entry(
                name: cube.name, title: cubeTitle, description: cube.description, isView: false, isPublic: cube.isPublic,
                meta: cube.meta, connectedComponent: components[cube.name], measures: [], dimensions: [], segments: [])
            for measure in cube.measures {
                var item = member(measure.name, .measure, measure.title, type: "number", aggType: measure.type.rawValue)
                item.description = measure.description
                item.format = measure.format
                item.meta = measure.meta
                item.isPublic = cube.isPublic && measure.isPublic
                entry.measures.append(item)
            }
            for dimension in cube.dimensions {
                var item = member(dimension.name, .dimension, dimension.title, type: dimension.type.rawValue)
                item.description = dimension.description
                item.meta = dimension.meta
                item.primaryKey = dimension.primaryKey
                item.isPublic = cube.isPublic && dimension.isPublic
                entry.dimensions.append(item)
            }
            for segment in cube.segments {
                var item = member(segment.name, .segment, segment.title, type: "boolean")
                item.description = segment.description
                item.meta = segment.meta
                item.isPublic = cube.isPublic && segment.isPublic
                entry.segments.append(item)
            }
            add(entry)
        }
        for name in model.views.keys.sorted() {
            guard let view = model.views[name] else { continue }
            let viewTitle = view.title ?? Self.titleize(view.name)
            var entry = Entry(
                name: view.name, title: viewTitle, description: view.description, isView: true, isPublic: view.isPublic,
                meta: view.meta, connectedComponent: nil, measures: [], dimensions: [], segments: [])
            for item in view.members {
                guard var source = members["\(item.cube).\(item.member)"] else { continue }
                // An aliased member without its own title is named after its alias.
                if item.name != item.member, source.shortTitle == Self.titleize(item.member) {
                    source.shortTitle = Self.titleize(item.name)
                }
                source.name = "\(view.name).\(item.name)"
                source.title = "\(viewTitle) \(source.shortTitle)"
                source.isPublic = view.isPublic
                switch source.kind {
                case .measure: entry.measures.append(source)
                case .dimension: entry.dimensions.append(source)
                case .segment: entry.segments.append(source)
                }
            }
            add(entry)
        }
    }

    private mutating func add(_ entry: Entry) {
        entries.append(entry)
        for member in entry.measures + entry.dimensions + entry.segments { members[member.name] = member }
    }

    /// The member named `Cube.member` (a `Cube.member.granularity` name is looked up
    /// without its granularity).
    func member(_ name: String) -> Member? {
        if let found = members[name] { return found }
        let parts = name.split(separator: ".")
        guard parts.count == 3 else { return nil }
        return members["\(parts[0]).\(parts[1])"]
    }

    /// Cube's readable form of an identifier: `netSales` and `net_sales` become `Net Sales`.
    static func titleize(_ name: String) -> String {
        var words: [String] = []
        var current = ""
        var previous: Character?
        for character in name {
            if character == "_" || character == " " || character == "-" {
                if !current.isEmpty { words.append(current) }
                current = ""
            } else if character.isUppercase, let previous, previous.isLowercase || previous.isNumber {
                words.append(current)
                current = String(character)
            } else {
                current.append(character)
            }
            previous = character
        }
        if !current.isEmpty { words.append(current) }
        return words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    /// Numbers cubes that can be joined together alike (Cube's `connectedComponent`).
    private static func connectedComponents(_ model: DataModel) -> [String: Int] {
        var neighbours: [String: Set<String>] = [:]
        for cube in model.cubes.values {
            for join in cube.joins {
                neighbours[cube.name, default: []].insert(join.to)
                neighbours[join.to, default: []].insert(cube.name)
            }
        }
        var component: [String: Int] = [:]
        var next = 1
        for name in model.cubeNames where component[name] == nil {
            guard !(neighbours[name] ?? []).isEmpty else { continue }
            var stack = [name]
            while let current = stack.popLast() {
                guard component[current] == nil else { continue }
                component[current] = next
                stack.append(contentsOf: neighbours[current] ?? [])
            }
            next += 1
        }
        return component
    }
}
