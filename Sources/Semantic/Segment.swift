/// A named, reusable filter of a cube.
public struct Segment: Sendable, Hashable {
    /// The member name, unique within its cube.
    public var name: String
    /// The boolean SQL condition.
    public var sql: SQLTemplate
    /// A human title, if given.
    public var title: String?
    /// A description, if given.
    public var description: String?
    /// `meta:` as written.
    public var meta: MetaValue?
    /// `false` when `public: false` (or `shown: false`).
    public var isPublic: Bool

    /// Makes a segment.
    public init(
        name: String, sql: SQLTemplate, title: String? = nil, description: String? = nil, meta: MetaValue? = nil,
        isPublic: Bool = true
    ) {
        self.name = name
        self.sql = sql
        self.title = title
        self.description = description
        self.meta = meta
        self.isPublic = isPublic
    }
}
