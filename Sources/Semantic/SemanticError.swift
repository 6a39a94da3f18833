/// An error in the data model, naming the file, the cube or view, and the member at fault.
///
/// The description reads like a compiler diagnostic, e.g.
/// `model/cubes/transactions.yml: cube Transactions, member netSales: unknown reference {Transactions.netSale}`.
public struct SemanticError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure; new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String
        /// A model file could not be read or is not valid YAML of the expected shape.
        public static let invalidFile = Code(raw: "invalid_file")
        /// A `{…}` reference names no cube, member or join target.
        public static let unknownReference = Code(raw: "unknown_reference")
        /// Two cubes or views share a name, or two members of one cube do.
        public static let duplicateName = Code(raw: "duplicate_name")
        /// A cube has neither `sql_table` nor `sql`, or a member lacks required SQL.
        public static let missingSQL = Code(raw: "missing_sql")
        /// A dimension or measure type, or a join relationship, that is not known.
        public static let unknownType = Code(raw: "unknown_type")
        /// A `number` measure refers to something that is not a measure.
        public static let invalidMeasure = Code(raw: "invalid_measure")
        /// Members depend on each other in a cycle.
        public static let cycle = Code(raw: "cycle")
        /// Two different shortest join paths connect the same pair of cubes.
        public static let ambiguousJoinPath = Code(raw: "ambiguous_join_path")
        /// A view's `join_path` or `includes` does not match the cubes and their joins.
        public static let invalidView = Code(raw: "invalid_view")
        /// A query names an unknown member, uses a wrong operator, range, order or limit (HTTP 400).
        public static let invalidQuery = Code(raw: "invalid_query")
        /// Row-level security cannot bound the query to the caller's territory (HTTP 403).
        public static let accessDenied = Code(raw: "access_denied")

        /// The code's stable name, e.g. `unknown_reference`.
        public var description: String { raw }
    }

    /// What kind of failure.
    public var code: Code
    /// The file, relative to the model folder's parent, e.g. `model/cubes/transactions.yml`.
    public var file: String?
    /// The cube at fault, if any.
    public var cube: String?
    /// The view at fault, if any.
    public var view: String?
    /// The member (dimension, measure, segment or view member) at fault, if any.
    public var member: String?
    /// What went wrong.
    public var message: String

    /// Makes an error.
    public init(
        _ code: Code, file: String? = nil, cube: String? = nil, view: String? = nil, member: String? = nil,
        _ message: String
    ) {
        self.code = code
        self.file = file
        self.cube = cube
        self.view = view
        self.member = member
        self.message = message
    }

    /// `file: cube C, member m: message`, leaving out the parts that are not known.
    public var description: String {
        var location: [String] = []
        if let cube { location.append("cube \(cube)") }
        if let view { location.append("view \(view)") }
        if let member { location.append("member \(member)") }
        var prefix = file.map { "\($0): " } ?? ""
        if !location.isEmpty { prefix += location.joined(separator: ", ") + ": " }
        return prefix + message
    }
}
