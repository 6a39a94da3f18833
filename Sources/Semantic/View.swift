/// A view: a curated set of members from cubes reached along declared join paths.
public struct View: Sendable, Hashable {
    /// One `cubes:` entry of a view, as written.
    public struct CubeReference: Sendable, Hashable {
        /// The cubes from the root along declared joins, e.g. `["Transactions", "Products"]`.
        public var joinPath: [String]
        /// Member names to include; `nil` means `"*"` (every public member).
        public var includes: [Include]?
        /// Member names to leave out of `"*"`.
        public var excludes: [String]
        /// With `prefix: true`, members are named `<cube>_<member>`.
        public var prefix: Bool

        /// One included member, optionally renamed.
        public struct Include: Sendable, Hashable {
            /// The member of the cube.
            public var name: String
            /// The name in the view, when given (`alias:`).
            public var alias: String?
        }

        /// The last cube of the join path, whose members are included.
        public var cube: String { joinPath.last ?? "" }
    }

    /// One member of a view, pointing at the cube member it exposes.
    public struct Member: Sendable, Hashable {
        /// What kind of cube member it exposes.
        public enum Kind: String, Sendable, Hashable {
            /// A dimension of the cube.
            case dimension
            /// A measure of the cube.
            case measure
            /// A segment of the cube.
            case segment
        }

        /// The name within the view.
        public var name: String
        /// The underlying cube.
        public var cube: String
        /// The underlying member of that cube.
        public var member: String
        /// What kind of member it is.
        public var kind: Kind
        /// The join path from the view's root cube to `cube`.
        public var joinPath: [String]
    }

    /// The view name, unique among cubes and views.
    public var name: String
    /// A human title, if given.
    public var title: String?
    /// A description, if given.
    public var description: String?
    /// `meta:` as written.
    public var meta: MetaValue?
    /// `false` when `public: false` (or `shown: false`).
    public var isPublic: Bool
    /// The `cubes:` entries as written.
    public var cubes: [CubeReference]
    /// The resolved members, in declaration order.
    public var members: [Member]
    /// The file the view came from, relative to the model folder's parent.
    public var file: String

    /// The member named `name`, if any.
    public func member(_ name: String) -> Member? { members.first { $0.name == name } }
}
