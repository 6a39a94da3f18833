public import Semantic

/// The tokens one LLM request consumed, for accounting per tenant.
public struct LLMUsage: Sendable, Hashable, Codable {
    /// The provider, as configured (`openai`, `azure_openai`, `anthropic`).
    public var provider: String
    /// The model that answered, as the provider reports it (the configured model or
    /// deployment when the reply names none).
    public var model: String
    /// All input tokens of the request, cached ones included (OpenAI's `prompt_tokens`;
    /// Anthropic's `input_tokens` + `cache_read_input_tokens` + `cache_creation_input_tokens`).
    public var inputTokens: Int
    /// Tokens the model wrote.
    public var outputTokens: Int
    /// The part of ``inputTokens`` read from the provider's prompt cache (billed cheaper).
    public var cachedInputTokens: Int

    /// Makes a usage record.
    public init(provider: String, model: String, inputTokens: Int, outputTokens: Int, cachedInputTokens: Int = 0) {
        self.provider = provider
        self.model = model
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedInputTokens = cachedInputTokens
    }
}

/// A checked query from an LLM, with what it cost.
public struct LLMReply: Sendable {
    /// The query, decoded and checked against the model (its members exist, are public and compile).
    public var query: CubeQuery
    /// The model's reply text as received.
    public var text: String
    /// Tokens consumed.
    public var usage: LLMUsage
    /// Seconds from sending the request to having the whole reply.
    public var latencySeconds: Double

    /// Makes a reply.
    public init(query: CubeQuery, text: String, usage: LLMUsage, latencySeconds: Double) {
        self.query = query
        self.text = text
        self.usage = usage
        self.latencySeconds = latencySeconds
    }
}
