/// The loaded and validated data model: cubes and views by name, and the join graph.
public struct DataModel: Sendable {
    /// Cubes by name.
    public var cubes: [String: Cube]
    /// Views by name.
    public var views: [String: View]
    /// The declared joins between cubes, for finding join paths.
    public var joinGraph: JoinGraph

    /// Makes a model from already-built parts (the loader validates; this does not).
    public init(cubes: [String: Cube], views: [String: View] = [:]) {
        self.cubes = cubes
        self.views = views
        self.joinGraph = JoinGraph(cubes: cubes.values)
    }

    /// The cube names, sorted (for stable output).
    public var cubeNames: [String] { cubes.keys.sorted() }
}
