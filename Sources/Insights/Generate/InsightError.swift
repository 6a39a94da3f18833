import Foundation
/// Why insights could not be found for a recipient or tenant.
public struct InsightError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        let raw: String

        /// A territory whose level is not City, State, Zone or National, or that row-level
        /// security cannot narrow a query to: refused rather than shown everything.
        public static let invalidTerritory = Code(raw: "invalid_territory")

        /// `invalid_territory`.
        public var description: String { raw }
    }

    /// The code.
    public var code: Code
    /// A message for the person who asked.
    public var message: String

    /// Makes an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

extension RecipientTerritory {
    /// The levels a recipient's territory may have below the whole tenant.
    public static let levels = ["City", "State", "Zone"]

    /// `Level:Name` (`City:Mumbai`; the level in any case), or `nil` for anything else.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[1].isEmpty,
            let level = Self.levels.first(where: { $0.caseInsensitiveCompare(parts[0]) == .orderedSame })
        else { return nil }
        self.init(level: level, name: parts[1])
    }
}
