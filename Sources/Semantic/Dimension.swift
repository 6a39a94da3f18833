/// A dimension of a cube: an attribute to group or filter by.
public struct Dimension: Sendable, Hashable {
    /// The value type of a dimension.
    public enum DimensionType: String, Sendable, Hashable, CaseIterable {
        /// Text.
        case string
        /// A number, integer or decimal.
        case number
        /// A date or timestamp, which queries can truncate to a granularity.
        case time
        /// `true` or `false`.
        case boolean
    }

    /// The member name, unique within its cube.
    public var name: String
    /// The SQL expression.
    public var sql: SQLTemplate
    /// The value type.
    public var type: DimensionType
    /// Whether this dimension identifies a row of the cube (`primary_key: true`).
    public var primaryKey: Bool
    /// A human title, if given.
    public var title: String?
    /// A description, if given.
    public var description: String?
    /// `meta:` as written.
    public var meta: MetaValue?
    /// `false` when `public: false` (or Cube's older `shown: false`) hides it from `/v1/meta`.
    public var isPublic: Bool

    /// Makes a dimension.
    public init(
        name: String, sql: SQLTemplate, type: DimensionType, primaryKey: Bool = false, title: String? = nil,
        description: String? = nil, meta: MetaValue? = nil, isPublic: Bool = true
    ) {
        self.name = name
        self.sql = sql
        self.type = type
        self.primaryKey = primaryKey
        self.title = title
        self.description = description
        self.meta = meta
        self.isPublic = isPublic
    }

    /// The words people use for this dimension (`meta.synonyms`).
    public var synonyms: [String] { meta?["synonyms"]?.strings ?? [] }
}
