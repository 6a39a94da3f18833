/// The declared joins between cubes, followed in their declared direction (as Cube does:
/// a join written in cube A to B lets a query rooted at A reach B, not the reverse).
///
/// Each hop of a path is the declared `Join`, so its `relationship` tells the compiler
/// whether the hop fans out (`one_to_many`) or not.
public struct JoinGraph: Sendable, Hashable {
    /// Outgoing joins by cube, in declaration order.
    public private(set) var edges: [String: [Join]]

    /// Builds the graph from the cubes' declared joins.
    public init(cubes: some Sequence<Cube>) {
        var edges: [String: [Join]] = [:]
        for cube in cubes { edges[cube.name] = cube.joins }
        self.edges = edges
    }

    /// The shortest chain of joins from `from` to `to` (breadth-first, ties broken by
    /// declaration order), `[]` when they are the same cube, `nil` when unreachable.
    public func path(from: String, to: String) -> [Join]? {
        if from == to { return [] }
        var previous: [String: Join] = [:]
        var visited: Set<String> = [from]
        var queue = [from]
        var head = 0
        while head < queue.count {
            let cube = queue[head]
            head += 1
            for join in edges[cube] ?? [] where !visited.contains(join.to) {
                visited.insert(join.to)
                previous[join.to] = join
                if join.to == to {
                    var path: [Join] = []
                    var current = to
                    while let hop = previous[current] {
                        path.append(hop)
                        current = hop.from
                    }
                    return path.reversed()
                }
                queue.append(join.to)
            }
        }
        return nil
    }

    /// The joins needed to reach every cube of `cubes` from `root`, each once, in an order
    /// where a join's left side is always already joined; `nil` if one is unreachable.
    public func joinTree(root: String, cubes: some Sequence<String>) -> [Join]? {
        var tree: [Join] = []
        var joined: Set<String> = [root]
        for cube in cubes where !joined.contains(cube) {
            guard let path = path(from: root, to: cube) else { return nil }
            for hop in path where !joined.contains(hop.to) {
                joined.insert(hop.to)
                tree.append(hop)
            }
        }
        return tree
    }

    /// Like Cube, tries each cube of the query as the root and keeps the tree with the
    /// fewest joins (the first such root on a tie); `nil` when no root reaches all others.
    public func joinTree(for cubes: [String]) -> (root: String, joins: [Join])? {
        var best: (root: String, joins: [Join])?
        for root in cubes {
            guard let tree = joinTree(root: root, cubes: cubes) else { continue }
            if best == nil || tree.count < best!.joins.count { best = (root, tree) }
        }
        return best
    }

    /// For each cube reachable from `from`, the number of distinct shortest paths to it
    /// (more than one means the path is ambiguous), with up to two example paths.
    func shortestPaths(from: String) -> [String: (count: Int, examples: [[String]])] {
        var distance: [String: Int] = [from: 0]
        var result: [String: (count: Int, examples: [[String]])] = [from: (1, [[from]])]
        var queue = [from]
        var head = 0
        while head < queue.count {
            let cube = queue[head]
            head += 1
            let here = result[cube]!
            for join in edges[cube] ?? [] {
                let next = join.to
                let extended = here.examples.map { $0 + [next] }
                if distance[next] == nil {
                    distance[next] = distance[cube]! + 1
                    result[next] = (here.count, Array(extended.prefix(2)))
                    queue.append(next)
                } else if distance[next] == distance[cube]! + 1 {
                    let old = result[next]!
                    result[next] = (old.count + here.count, Array((old.examples + extended).prefix(2)))
                }
            }
        }
        result[from] = nil
        return result
    }
}
