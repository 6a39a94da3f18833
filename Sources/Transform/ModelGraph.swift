/// The models of a project as a dependency graph: build order and `--select`.
struct ModelGraph {
    let project: DbtProject

    /// Models in an order where every model comes after the models it refs; ties by name,
    /// so the order is stable. A cycle is an error naming its models and files.
    func buildOrder(of names: Set<String>? = nil) throws -> [DbtProject.Model] {
        let chosen = names ?? Set(project.models.keys)
        var remaining = Dictionary(uniqueKeysWithValues: chosen.map { name in
            (name, Set(project.models[name]!.dependencies).intersection(chosen))
        })
        var order: [DbtProject.Model] = []
        while !remaining.isEmpty {
            let ready = remaining.filter { $0.value.isEmpty }.keys.sorted()
            guard !ready.isEmpty else {
                let cycle = findCycle(among: Set(remaining.keys))
                throw TransformError(
                    .cycle, file: project.models[cycle[0]]?.file,
                    "models depend on each other in a cycle: \(cycle.joined(separator: " -> ")) ("
                        + cycle.dropLast().compactMap { project.models[$0]?.file }.joined(separator: ", ") + ")")
            }
            for name in ready {
                order.append(project.models[name]!)
                remaining[name] = nil
            }
            for key in remaining.keys { remaining[key]!.subtract(ready) }
        }
        return order
    }

    private func findCycle(among names: Set<String>) -> [String] {
        for start in names.sorted() {
            var path = [start]
            var current = start
            var seen: Set<String> = [start]
            while let next = project.models[current]?.dependencies.sorted().first(where: { names.contains($0) }) {
                if let index = path.firstIndex(of: next) { return Array(path[index...]) + [next] }
                guard seen.insert(next).inserted else { break }
                path.append(next)
                current = next
            }
        }
        return names.sorted()
    }

    /// Resolves dbt selectors: `name`, `name+` (and everything downstream), `+name`
    /// (and everything upstream), `+name+`, `path:models/marts`. Several are a union.
    func select(_ selectors: [String]) throws -> Set<String> {
        var result: Set<String> = []
        for raw in selectors.flatMap({ $0.split(separator: " ").map(String.init) }) where !raw.isEmpty {
            if raw.hasPrefix("path:") {
                // A folder matches whole path components: path:models/mart is not models/marts.
                let path = String(raw.dropFirst(5))
                let folder = path.hasSuffix("/") ? path : path + "/"
                let matched = project.models.values.filter { $0.file == path || $0.file.hasPrefix(folder) }.map(\.name)
                guard !matched.isEmpty else { throw TransformError(.invalidSelection, "--select \(raw) matches no model") }
                result.formUnion(matched)
                continue
            }
            var name = Substring(raw)
            let upstream = name.hasPrefix("+")
            if upstream { name = name.dropFirst() }
            let downstream = name.hasSuffix("+")
            if downstream { name = name.dropLast() }
            guard project.models[String(name)] != nil else {
                throw TransformError(
                    .invalidSelection, "--select \(raw): no model named '\(name)' (models: \(project.models.keys.sorted().joined(separator: ", ")))")
            }
            result.insert(String(name))
            if upstream { result.formUnion(ancestors(of: String(name))) }
            if downstream { result.formUnion(descendants(of: String(name))) }
        }
        return result
    }

    func ancestors(of name: String) -> Set<String> {
        var found: Set<String> = []
        var stack = project.models[name]?.dependencies ?? []
        while let next = stack.popLast() {
            if found.insert(next).inserted { stack.append(contentsOf: project.models[next]?.dependencies ?? []) }
        }
        return found
    }

    func descendants(of name: String) -> Set<String> {
        var found: Set<String> = []
        var stack = [name]
        while let current = stack.popLast() {
            for model in project.models.values where model.dependencies.contains(current) {
                if found.insert(model.name).inserted { stack.append(model.name) }
            }
        }
        return found
    }
}
