/// Why an LLM could not turn a question into a query.
public enum LLMError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The environment variable that should hold the API key is unset or empty.
    case missingAPIKey(variable: String)
    /// The provider answered with an error status; `message` is the provider's own error
    /// message when its error JSON has one, else the start of the body or the status text.
    case http(status: Int, message: String)
    /// The request did not complete within the configured timeout.
    case timeout(seconds: Double)
    /// The request could not be sent or the reply not received (connection refused, TLS,
    /// a bad endpoint URL, a reply too large).
    case transport(String)
    /// The reply is not what was asked for: not JSON, no content, no query object in it.
    case malformedReply(String)
    /// The reply holds a query that does not fit the model (unknown or hidden members,
    /// wrong kinds, relative dates, anything the compiler rejects): one message per problem.
    case invalidQuery([String])

    /// One line for logs and API errors.
    public var description: String {
        switch self {
        case .missingAPIKey(let variable):
            "the LLM API key is missing: set the environment variable \(variable)"
        case .http(let status, let message):
            "the LLM provider answered HTTP \(status): \(message)"
        case .timeout(let seconds):
            "the LLM provider did not answer within \(Self.format(seconds)) s"
        case .transport(let message):
            "could not reach the LLM provider: \(message)"
        case .malformedReply(let message):
            "the LLM reply is not a query: \(message)"
        case .invalidQuery(let problems):
            "the LLM's query does not fit the model: " + problems.joined(separator: "; ")
        }
    }

    private static func format(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e9 ? String(Int(seconds)) : String(seconds)
    }
}
