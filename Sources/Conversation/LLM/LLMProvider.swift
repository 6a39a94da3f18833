public import AsyncHTTPClient
public import Semantic
public import Warehouse

/// An LLM service that can turn a question into a Cube query.
///
/// Used only when a tenant has one configured and the built-in parser is not confident;
/// nothing in ConvAI needs one.
public protocol LLMProvider: Sendable {
    /// How the provider is reached.
    var configuration: LLMConfiguration { get }
    /// Asks for a Cube query answering `question`; the reply is decoded and checked against `model` before it is returned.
    func cubeQuery(for question: String, model: DataModel, asOf: SQLDate) async throws -> LLMReply
}

/// Makes providers from configurations.
public enum LLMProviders {
    /// Makes the provider for `configuration`, reading the API key from `environment` (throws missingAPIKey naming the variable).
    ///
    /// - Throws: ``LLMError/missingAPIKey(variable:)`` when the variable is unset or blank;
    ///   ``LLMError/transport(_:)`` when there is no endpoint to send to (Azure without
    ///   `endpoint`) or it is not an http(s) URL.
    public static func make(_ configuration: LLMConfiguration, environment: [String: String], httpClient: HTTPClient)
        throws -> any LLMProvider
    {
        guard let key = environment[configuration.apiKeyEnv].map({ String($0.trimmingWhitespace) }), !key.isEmpty else {
            throw LLMError.missingAPIKey(variable: configuration.apiKeyEnv)
        }
        guard let endpoint = configuration.resolvedEndpoint else {
            throw LLMError.transport("\(configuration.provider.rawValue) needs an endpoint, e.g. https://NAME.openai.azure.com")
        }
        guard endpoint.hasPrefix("https://") || endpoint.hasPrefix("http://") else {
            throw LLMError.transport("the endpoint must be an http(s) URL, not '\(endpoint)'")
        }
        let transport = LLMTransport(client: httpClient, timeoutSeconds: configuration.timeoutSeconds)
        switch configuration.provider {
        case .openai, .azureOpenAI:
            return OpenAIProvider(configuration: configuration, endpoint: endpoint, apiKey: APIKey(value: key), transport: transport)
        case .anthropic:
            return AnthropicProvider(configuration: configuration, endpoint: endpoint, apiKey: APIKey(value: key), transport: transport)
        }
    }
}
