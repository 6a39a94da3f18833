/// A secret such as a database password: kept for the driver, hidden from every
/// description, dump and log line, so that printing a configuration cannot leak it.
public struct SecretString: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The secret itself; read it only where it is handed to the server.
    public var value: String

    /// Wraps a secret.
    public init(_ value: String) {
        self.value = value
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }
    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }
    /// Hides the value from `dump` and the debugger.
    public var customMirror: Mirror { Mirror(self, children: []) }
}
