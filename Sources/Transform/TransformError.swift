/// An error in the dbt project or while running it, naming the file (and line) at fault.
public struct TransformError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The class of failure.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String
        /// `dbt_project.yml`, a schema file or a model could not be read or is malformed.
        public static let invalidProject = Code(raw: "invalid_project")
        /// A model uses Jinja the runner does not support.
        public static let unsupportedJinja = Code(raw: "unsupported_jinja")
        /// A `ref()` or `source()` names nothing in the project.
        public static let missingReference = Code(raw: "missing_reference")
        /// Models depend on each other in a cycle.
        public static let cycle = Code(raw: "cycle")
        /// The database rejected a model's SQL.
        public static let modelFailed = Code(raw: "model_failed")
        /// `--select` matched nothing or is malformed.
        public static let invalidSelection = Code(raw: "invalid_selection")

        public var description: String { raw }
    }

    /// What kind of failure.
    public var code: Code
    /// The project-relative file, e.g. `models/marts/dim_date.sql`.
    public var file: String?
    /// The 1-based line in `file`, when known.
    public var line: Int?
    /// What went wrong.
    public var message: String

    /// Makes an error.
    public init(_ code: Code, file: String? = nil, line: Int? = nil, _ message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.message = message
    }

    /// `file:line: message`.
    public var description: String {
        switch (file, line) {
        case (let file?, let line?): return "\(file):\(line): \(message)"
        case (let file?, nil): return "\(file): \(message)"
        default: return message
        }
    }
}
