/// Checks what needs the whole model: references, join targets, `number` measures,
/// dependency cycles, ambiguous join paths and views. Resolves every SQL template on the way.
struct ModelValidator {
    private var cubes: [String: Cube] = [:]
    private let order: [String]
    private let rawViews: [ModelReader.RawView]

    init(cubes: [Cube], views: [ModelReader.RawView]) {
        for cube in cubes { self.cubes[cube.name] = cube }
        order = cubes.map(\.name)
        rawViews = views
    }

    consuming func validate() throws -> DataModel {
        for name in order { try resolve(name) }
        for name in order { try checkNumberMeasures(cubes[name]!) }
        try checkCycles()
        let model = DataModel(cubes: cubes)
        try checkJoinPaths(model.joinGraph)
        for name in order { try checkPreAggregations(cubes[name]!, joinGraph: model.joinGraph) }
        var views: [String: View] = [:]
        for raw in rawViews {
            if let cube = cubes[raw.name] {
                throw SemanticError(
                    .duplicateName, file: raw.file, view: raw.name, "a cube of this name is defined in \(cube.file)")
            }
            if let other = views[raw.name] {
                throw SemanticError(.duplicateName, file: raw.file, view: raw.name, "duplicate view name, also defined in \(other.file)")
            }
            views[raw.name] = try resolveView(raw)
        }
        var result = model
        result.views = views
        return result
    }

    // MARK: References

    private mutating func resolve(_ name: String) throws {
        var cube = cubes[name]!
        let cubes = self.cubes
        let isMember = { (cube: String, member: String) in cubes[cube]?.hasMember(member) ?? false }
        let isCube = { (cube: String) in cubes[cube] != nil }
        // Copied out: the nested function must not read `cube` while a member of it is inout.
        let file = cube.file
        func resolve(_ template: inout SQLTemplate, member: String?, context: String = "") throws {
            if let unknown = template.resolve(owner: name, isMember: isMember, isCube: isCube).first {
                throw SemanticError(
                    .unknownReference, file: file, cube: name, member: member,
                    "\(context)unknown reference {\(unknown.text)}")
            }
        }
        if case .sql(var sql) = cube.source {
            try resolve(&sql, member: nil)
            cube.source = .sql(sql)
        }
        for i in cube.joins.indices {
            let target = cube.joins[i].to
            guard cubes[target] != nil else {
                throw SemanticError(.unknownReference, file: cube.file, cube: name, "join to unknown cube \(target)")
            }
            try resolve(&cube.joins[i].sql, member: nil, context: "join to \(target): ")
        }
        for i in cube.dimensions.indices {
            try resolve(&cube.dimensions[i].sql, member: cube.dimensions[i].name)
        }
        for i in cube.measures.indices {
            let member = cube.measures[i].name
            if var sql = cube.measures[i].sql {
                try resolve(&sql, member: member)
                cube.measures[i].sql = sql
            }
            for f in cube.measures[i].filters.indices {
                try resolve(&cube.measures[i].filters[f], member: member, context: "filter: ")
            }
        }
        for i in cube.segments.indices {
            try resolve(&cube.segments[i].sql, member: cube.segments[i].name)
        }
        self.cubes[name] = cube
    }

    /// A `number` measure combines aggregates; a dimension inside it would be unaggregated
    /// SQL in an aggregate query, which the database would reject.
    private func checkNumberMeasures(_ cube: Cube) throws {
        for measure in cube.measures where measure.type == .number {
            for reference in measure.sql?.memberReferences ?? [] where cubes[reference.cube]?.measure(reference.name) == nil {
                throw SemanticError(
                    .invalidMeasure, file: cube.file, cube: cube.name, member: measure.name,
                    "number measure refers to {\(reference.cube).\(reference.name)}, which is not a measure")
            }
        }
    }

    // MARK: Cycles

    private struct MemberID: Hashable, Comparable, CustomStringConvertible {
        var cube: String
        var name: String
        var description: String { "\(cube).\(name)" }
        static func < (a: MemberID, b: MemberID) -> Bool { (a.cube, a.name) < (b.cube, b.name) }
    }

    private func dependencies(of id: MemberID) -> [MemberID] {
        guard let cube = cubes[id.cube] else { return [] }
        var templates: [SQLTemplate] = []
        if let dimension = cube.dimension(id.name) { templates.append(dimension.sql) }
        if let measure = cube.measure(id.name) { templates += [measure.sql].compactMap { $0 } + measure.filters }
        if let segment = cube.segment(id.name) { templates.append(segment.sql) }
        return templates.flatMap(\.memberReferences).map { MemberID(cube: $0.cube, name: $0.name) }
    }

    /// Depth-first search over member references; the first cycle found (members visited
    /// in file order) is reported at the member where it starts.
    private func checkCycles() throws {
        enum State { case visiting, done }
        var state: [MemberID: State] = [:]
        var stack: [MemberID] = []
        func visit(_ id: MemberID) throws {
            if state[id] == .done { return }
            if state[id] == .visiting {
                let start = stack.firstIndex(of: id)!
                let cycle = (stack[start...] + [id]).map(\.description).joined(separator: " -> ")
                throw SemanticError(
                    .cycle, file: cubes[id.cube]?.file, cube: id.cube, member: id.name, "dependency cycle \(cycle)")
            }
            state[id] = .visiting
            stack.append(id)
            for next in dependencies(of: id) { try visit(next) }
            stack.removeLast()
            state[id] = .done
        }
        for name in order {
            let cube = cubes[name]!
            let members = cube.dimensions.map(\.name) + cube.measures.map(\.name) + cube.segments.map(\.name)
            for member in members { try visit(MemberID(cube: name, name: member)) }
        }
    }

    // MARK: Joins

    /// Cube picks one path at query time and fails on ambiguity; reporting it at load
    /// points at the model file instead of a failing query.
    private func checkJoinPaths(_ graph: JoinGraph) throws {
        for name in order {
            let paths = graph.shortestPaths(from: name)
            // Nearest first: a farther ambiguity is usually a consequence of a nearer one.
            let targets = paths.keys.sorted {
                (paths[$0]!.examples[0].count, $0) < (paths[$1]!.examples[0].count, $1)
            }
            for target in targets where paths[target]!.count > 1 {
                let examples = paths[target]!.examples.map { $0.joined(separator: " -> ") }
                throw SemanticError(
                    .ambiguousJoinPath, file: cubes[name]!.file, cube: name,
                    "ambiguous join paths to \(target): \(examples.joined(separator: " and "))")
            }
        }
    }

    // MARK: Views

    private func resolveView(_ raw: ModelReader.RawView) throws -> View {
        var members: [View.Member] = []
        var names: Set<String> = []
        for reference in raw.cubes {
            let pathText = reference.joinPath.joined(separator: ".")
            guard let first = reference.joinPath.first, cubes[first] != nil else {
                throw SemanticError(
                    .invalidView, file: raw.file, view: raw.name,
                    "join_path \(pathText): unknown cube \(reference.joinPath.first ?? "")")
            }
            for (left, right) in zip(reference.joinPath, reference.joinPath.dropFirst()) {
                guard cubes[right] != nil else {
                    throw SemanticError(
                        .invalidView, file: raw.file, view: raw.name, "join_path \(pathText): unknown cube \(right)")
                }
                guard cubes[left]!.joins.contains(where: { $0.to == right }) else {
                    throw SemanticError(
                        .invalidView, file: raw.file, view: raw.name,
                        "join_path \(pathText): \(left) declares no join to \(right)")
                }
            }
            let cube = cubes[reference.cube]!
            let included: [View.CubeReference.Include]
            if let list = reference.includes {
                included = list
            } else {
                let all =
                    cube.dimensions.filter(\.isPublic).map(\.name) + cube.measures.filter(\.isPublic).map(\.name)
                    + cube.segments.filter(\.isPublic).map(\.name)
                included = all.filter { !reference.excludes.contains($0) }.map { .init(name: $0, alias: nil) }
            }
            for include in included {
                let kind: View.Member.Kind
                switch cube.slot(include.name) {
                case .dimension?: kind = .dimension
                case .measure?: kind = .measure
                case .segment?: kind = .segment
                case nil:
                    throw SemanticError(
                        .invalidView, file: raw.file, view: raw.name, member: include.name,
                        "cube \(cube.name) has no member \(include.name)")
                }
                let base = include.alias ?? include.name
                let name = reference.prefix ? "\(cube.name)_\(base)" : base
                guard names.insert(name).inserted else {
                    throw SemanticError(.duplicateName, file: raw.file, view: raw.name, member: name, "duplicate member name")
                }
                members.append(
                    View.Member(name: name, cube: cube.name, member: include.name, kind: kind, joinPath: reference.joinPath))
            }
        }
        return View(
            name: raw.name, title: raw.title, description: raw.description, meta: raw.meta, isPublic: raw.isPublic,
            cubes: raw.cubes, members: members, file: raw.file)
    }

    // MARK: Pre-aggregations

    /// Every member a pre-aggregation names exists with the right kind and is reachable from
    /// the declaring cube along declared joins; a rollup has measures or dimensions; a
    /// granularity goes with a time dimension of type time; partitions need both.
    private func checkPreAggregations(_ cube: Cube, joinGraph: JoinGraph) throws {
        for preAggregation in cube.preAggregations {
            func fail(_ message: String) -> SemanticError {
                SemanticError(.unknownReference, file: cube.file, cube: cube.name, "pre-aggregation '\(preAggregation.name)': \(message)")
            }
            func member(_ name: String) throws -> (cube: Cube, slot: Cube.MemberSlot) {
                let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, let owner = cubes[parts[0]], let slot = owner.slot(parts[1]) else {
                    throw fail("unknown member '\(name)'")
                }
                if owner.name != cube.name, joinGraph.path(from: cube.name, to: owner.name) == nil {
                    throw fail("'\(name)' cannot be reached from \(cube.name) along declared joins")
                }
                return (owner, slot)
            }
            guard preAggregation.kind == .rollup else {
                guard case .sql = cube.source else { throw fail("original_sql needs a cube defined by sql:, not sql_table:") }
                continue
            }
            for name in preAggregation.measures {
                let (owner, slot) = try member(name)
                guard case .measure = slot else { throw fail("'\(name)' is not a measure") }
                // Another cube's measures would be summed again across the rollup's rows,
                // which its joins may have repeated.
                guard owner.name == cube.name else { throw fail("'\(name)' is a measure of another cube; a rollup holds its own cube's measures") }
            }
            for name in preAggregation.dimensions {
                guard case .dimension = try member(name).slot else { throw fail("'\(name)' is not a dimension") }
            }
            if let name = preAggregation.timeDimension {
                let (owner, slot) = try member(name)
                guard case .dimension(let index) = slot, owner.dimensions[index].type == .time else {
                    throw fail("time_dimension '\(name)' is not a time dimension")
                }
                guard preAggregation.granularity != nil else { throw fail("time_dimension needs a granularity") }
                // Partitions are found from the cube's own table.
                guard owner.name == cube.name else { throw fail("time_dimension '\(name)' must be a dimension of \(cube.name)") }
                // A partition must hold whole rollup periods: a week crossing a month boundary,
                // or a year row written by every month, would be deleted by one partition and
                // duplicated by another.
                if let partition = preAggregation.partitionGranularity, let granularity = preAggregation.granularity,
                    !RollupMatcher.derivable(partition, from: granularity)
                {
                    throw fail("partition_granularity \(partition.rawValue) does not hold whole \(granularity.rawValue)s")
                }
            } else if preAggregation.granularity != nil || preAggregation.partitionGranularity != nil {
                throw fail("granularity and partition_granularity need a time_dimension")
            }
            if preAggregation.measures.isEmpty && preAggregation.dimensions.isEmpty && preAggregation.timeDimension == nil {
                throw fail("a rollup needs measures or dimensions")
            }
        }
    }
}
