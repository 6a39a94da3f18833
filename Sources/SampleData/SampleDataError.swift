/// An error from the sample-data generator.
public struct SampleDataError: Error, Sendable, Hashable {
    /// The class of failure; new codes can be added without breaking callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String
        /// The options are out of range (days, scale, dates, batch size).
        public static let invalidOptions = Code(raw: "invalid_options")
        /// The data could not carry a planted signal (a bug, or a period too short for it).
        public static let plantingFailed = Code(raw: "planting_failed")

        /// The code as text, e.g. `invalid_options`.
        public var description: String { raw }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong, naming the offending value.
    public var message: String

    /// Makes an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
}

extension SampleDataError: CustomStringConvertible {
    /// The message.
    public var description: String { message }
}
