/// A declared join from one cube to another.
public struct Join: Sendable, Hashable {
    /// How many rows of each side match, from the declaring cube's point of view.
    public enum Relationship: String, Sendable, Hashable, CaseIterable {
        /// Each row matches at most one row on either side (older name `has_one`).
        case oneToOne = "one_to_one"
        /// Each row of the declaring cube matches many joined rows (older name `has_many`).
        case oneToMany = "one_to_many"
        /// Many rows of the declaring cube match one joined row (older name `belongs_to`).
        case manyToOne = "many_to_one"

        /// Reads Cube's current names, their camelCase spellings, and the older
        /// `belongs_to`, `has_many` and `has_one`, so that older models load unchanged.
        public init?(cubeName: String) {
            switch cubeName {
            case "one_to_one", "oneToOne", "has_one", "hasOne": self = .oneToOne
            case "one_to_many", "oneToMany", "has_many", "hasMany": self = .oneToMany
            case "many_to_one", "manyToOne", "belongs_to", "belongsTo": self = .manyToOne
            default: return nil
            }
        }

        /// The same relationship seen from the other side.
        public var reversed: Relationship {
            switch self {
            case .oneToOne: return .oneToOne
            case .oneToMany: return .manyToOne
            case .manyToOne: return .oneToMany
            }
        }
    }

    /// The cube that declares the join (the left side).
    public var from: String
    /// The joined cube (`name:` in the YAML).
    public var to: String
    /// The ON condition.
    public var sql: SQLTemplate
    /// The relationship, normalised to Cube's current names.
    public var relationship: Relationship

    /// Makes a join.
    public init(from: String, to: String, sql: SQLTemplate, relationship: Relationship) {
        self.from = from
        self.to = to
        self.sql = sql
        self.relationship = relationship
    }
}
