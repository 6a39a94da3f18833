import Yams

/// Turns model files into cubes and views, checking what one file alone can show:
/// shapes, names, types, relationships, duplicate names. References are checked later by
/// ``ModelValidator``, once every file is read.
struct ModelReader {
    private(set) var cubes: [Cube] = []
    private(set) var views: [RawView] = []
    private var cubeFiles: [String: String] = [:]

    /// A view as written; its members are resolved once all cubes are known.
    struct RawView {
        var name: String
        var title: String?
        var description: String?
        var meta: MetaValue?
        var isPublic: Bool
        var cubes: [View.CubeReference]
        var file: String
    }

    mutating func read(yaml text: String, file: String) throws {
        let loaded: Any?
        do {
            loaded = try Yams.load(yaml: text)
        } catch {
            throw SemanticError(.invalidFile, file: file, "not valid YAML: \(error)")
        }
        guard let loaded else { return }
        guard let root = loaded as? [String: Any] else {
            throw SemanticError(.invalidFile, file: file, "expected a mapping with cubes: or views: at the top level")
        }
        for item in try list(root["cubes"], "cubes", file: file) {
            let cube = try readCube(item, file: file)
            if let other = cubeFiles[cube.name] {
                throw SemanticError(
                    .duplicateName, file: file, cube: cube.name, "duplicate cube name, also defined in \(other)")
            }
            cubeFiles[cube.name] = file
            cubes.append(cube)
        }
        for item in try list(root["views"], "views", file: file) {
            views.append(try readView(item, file: file))
        }
    }

    // MARK: Cubes

    private func readCube(_ yaml: [String: Any], file: String) throws -> Cube {
        guard let name = text(yaml["name"]) else {
            throw SemanticError(.invalidFile, file: file, "a cube has no name")
        }
        let source: Cube.Source
        if let table = text(yaml["sql_table"] ?? yaml["sqlTable"]) {
            source = .table(table)
        } else if let sql = text(yaml["sql"]) {
            source = .sql(SQLTemplate(sql))
        } else {
            throw SemanticError(.missingSQL, file: file, cube: name, "cube has neither sql_table nor sql")
        }
        var seen: Set<String> = []
        func claim(_ member: String) throws {
            guard seen.insert(member).inserted else {
                throw SemanticError(.duplicateName, file: file, cube: name, member: member, "duplicate member name")
            }
        }
        var joins: [Join] = []
        for item in try list(yaml["joins"], "joins", file: file, cube: name) {
            guard let target = text(item["name"]) else {
                throw SemanticError(.invalidFile, file: file, cube: name, "a join has no name (the joined cube)")
            }
            guard let sql = text(item["sql"]) else {
                throw SemanticError(.missingSQL, file: file, cube: name, "join to \(target) has no sql")
            }
            guard let written = text(item["relationship"]) else {
                throw SemanticError(.unknownType, file: file, cube: name, "join to \(target) has no relationship")
            }
            guard let relationship = Join.Relationship(cubeName: written) else {
                throw SemanticError(
                    .unknownType, file: file, cube: name, "join to \(target) has unknown relationship '\(written)'")
            }
            joins.append(Join(from: name, to: target, sql: SQLTemplate(sql), relationship: relationship))
        }
        var dimensions: [Dimension] = []
        for item in try list(yaml["dimensions"], "dimensions", file: file, cube: name) {
            let member = try memberName(item, "dimension", file: file, cube: name)
            try claim(member)
            guard let sql = text(item["sql"]) else {
                throw SemanticError(.missingSQL, file: file, cube: name, member: member, "dimension has no sql")
            }
            guard let written = text(item["type"]) else {
                throw SemanticError(.unknownType, file: file, cube: name, member: member, "dimension has no type")
            }
            guard let type = Dimension.DimensionType(rawValue: written) else {
                throw SemanticError(
                    .unknownType, file: file, cube: name, member: member, "unknown dimension type '\(written)'")
            }
            let primaryKey = bool(item["primary_key"] ?? item["primaryKey"]) ?? false
            dimensions.append(
                Dimension(
                    name: member, sql: SQLTemplate(sql), type: type, primaryKey: primaryKey,
                    title: text(item["title"]), description: text(item["description"]), meta: meta(item["meta"]),
                    isPublic: isPublic(item, default: !primaryKey)))
        }
        var measures: [Measure] = []
        for item in try list(yaml["measures"], "measures", file: file, cube: name) {
            let member = try memberName(item, "measure", file: file, cube: name)
            try claim(member)
            guard let written = text(item["type"]) else {
                throw SemanticError(.unknownType, file: file, cube: name, member: member, "measure has no type")
            }
            guard let type = Measure.MeasureType(rawValue: written) ?? Self.camelCaseMeasureTypes[written] else {
                throw SemanticError(
                    .unknownType, file: file, cube: name, member: member, "unknown measure type '\(written)'")
            }
            let sql = text(item["sql"]).map(SQLTemplate.init)
            if sql == nil, type != .count {
                throw SemanticError(.missingSQL, file: file, cube: name, member: member, "\(written) measure has no sql")
            }
            var filters: [SQLTemplate] = []
            for filter in try list(item["filters"], "filters", file: file, cube: name) {
                guard let condition = text(filter["sql"]) else {
                    throw SemanticError(.missingSQL, file: file, cube: name, member: member, "a filter has no sql")
                }
                filters.append(SQLTemplate(condition))
            }
            measures.append(
                Measure(
                    name: member, type: type, sql: sql, filters: filters, title: text(item["title"]),
                    description: text(item["description"]), format: text(item["format"]), meta: meta(item["meta"]),
                    isPublic: isPublic(item)))
        }
        var segments: [Segment] = []
        for item in try list(yaml["segments"], "segments", file: file, cube: name) {
            let member = try memberName(item, "segment", file: file, cube: name)
            try claim(member)
            guard let sql = text(item["sql"]) else {
                throw SemanticError(.missingSQL, file: file, cube: name, member: member, "segment has no sql")
            }
            segments.append(
                Segment(
                    name: member, sql: SQLTemplate(sql), title: text(item["title"]),
                    description: text(item["description"]), meta: meta(item["meta"]), isPublic: isPublic(item)))
        }
        var cube = Cube(
            name: name, source: source, title: text(yaml["title"]), description: text(yaml["description"]),
            meta: meta(yaml["meta"]), isPublic: isPublic(yaml), joins: joins, dimensions: dimensions,
            measures: measures, segments: segments, file: file)
        var preAggregationNames: Set<String> = []
        for item in try list(yaml["pre_aggregations"] ?? yaml["preAggregations"], "pre_aggregations", file: file, cube: name) {
            let preAggregation = try PreAggregation.read(item, cube: name, file: file)
            guard preAggregationNames.insert(preAggregation.name).inserted else {
                throw SemanticError(.duplicateName, file: file, cube: name, "duplicate pre-aggregation name '\(preAggregation.name)'")
            }
            cube.preAggregations.append(preAggregation)
        }
        return cube
    }

    /// Cube's JavaScript models spell these in camelCase; accept both.
    private static let camelCaseMeasureTypes: [String: Measure.MeasureType] = [
        "countDistinct": .countDistinct, "countDistinctApprox": .countDistinctApprox,
    ]

    // MARK: Views

    private func readView(_ yaml: [String: Any], file: String) throws -> RawView {
        guard let name = text(yaml["name"]) else {
            throw SemanticError(.invalidFile, file: file, "a view has no name")
        }
        var references: [View.CubeReference] = []
        for item in try list(yaml["cubes"], "cubes", file: file) {
            guard let path = text(item["join_path"] ?? item["joinPath"]) else {
                throw SemanticError(.invalidView, file: file, view: name, "a cubes entry has no join_path")
            }
            var includes: [View.CubeReference.Include]?
            switch item["includes"] {
            case let star as String where star == "*":
                includes = nil
            case let names as [Any]:
                includes = try names.map { entry in
                    if let plain = text(entry) { return .init(name: plain, alias: nil) }
                    if let object = entry as? [String: Any], let member = text(object["name"]) {
                        return .init(name: member, alias: text(object["alias"]))
                    }
                    throw SemanticError(.invalidView, file: file, view: name, "join_path \(path): malformed includes entry")
                }
            default:
                throw SemanticError(.invalidView, file: file, view: name, "join_path \(path): includes must be \"*\" or a list")
            }
            let excludes = (item["excludes"] as? [Any] ?? []).compactMap { text($0) }
            references.append(
                View.CubeReference(
                    joinPath: path.split(separator: ".").map(String.init), includes: includes, excludes: excludes,
                    prefix: bool(item["prefix"]) ?? false))
        }
        return RawView(
            name: name, title: text(yaml["title"]), description: text(yaml["description"]), meta: meta(yaml["meta"]),
            isPublic: isPublic(yaml), cubes: references, file: file)
    }

    // MARK: YAML helpers

    private func list(_ value: Any?, _ key: String, file: String, cube: String? = nil) throws -> [[String: Any]] {
        guard let value else { return [] }
        guard let items = value as? [Any] else {
            throw SemanticError(.invalidFile, file: file, cube: cube, "\(key): expected a list")
        }
        return try items.map {
            guard let mapping = $0 as? [String: Any] else {
                throw SemanticError(.invalidFile, file: file, cube: cube, "\(key): expected a list of mappings")
            }
            return mapping
        }
    }

    private func memberName(_ yaml: [String: Any], _ kind: String, file: String, cube: String) throws -> String {
        guard let name = text(yaml["name"]) else {
            throw SemanticError(.invalidFile, file: file, cube: cube, "a \(kind) has no name")
        }
        return name
    }

    /// Scalars as text: YAML reads `sql: 1` as a number, but it is still SQL.
    private func text(_ value: Any?) -> String? {
        switch value {
        case let value as String: return value
        case let value as Int: return String(value)
        case let value as Double: return String(value)
        case let value as Bool: return String(value)
        default: return nil
        }
    }

    private func bool(_ value: Any?) -> Bool? {
        switch value {
        case let value as Bool: return value
        case let value as String: return ["true", "yes"].contains(value.lowercased())
        default: return nil
        }
    }

    private func meta(_ value: Any?) -> MetaValue? { value.map { MetaValue(yaml: $0) } }

    /// `public:` wins over Cube's older `shown:`; both default to visible, but for primary
    /// keys, which Cube hides unless they say `public: true`.
    private func isPublic(_ yaml: [String: Any], default visible: Bool = true) -> Bool {
        bool(yaml["public"]) ?? bool(yaml["shown"]) ?? visible
    }
}
