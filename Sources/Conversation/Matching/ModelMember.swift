/// A member of the data model that a question can name: a measure, dimension or segment of
/// a cube (or of a view, when views are indexed).
public struct ModelMember: Sendable, Hashable {
    /// What kind of member it is.
    public enum Kind: String, Sendable, Hashable {
        /// A measure.
        case measure
        /// A dimension.
        case dimension
        /// A segment (a named filter).
        case segment
    }

    /// The cube or view name.
    public var cube: String
    /// The member name within the cube.
    public var name: String
    /// Measure, dimension or segment.
    public var kind: Kind
    /// Whether it is a time dimension (which the parser pairs with date ranges).
    public var isTime: Bool
    /// The human title, or the name when the model gives none.
    public var title: String

    /// Makes a member reference.
    public init(cube: String, name: String, kind: Kind, isTime: Bool = false, title: String? = nil) {
        self.cube = cube
        self.name = name
        self.kind = kind
        self.isTime = isTime
        self.title = title ?? name
    }

    /// `Cube.member`, as Cube queries name it.
    public var qualifiedName: String { "\(cube).\(name)" }
}
