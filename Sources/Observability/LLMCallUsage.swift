/// The tokens one LLM call consumed, as the caller read them from the provider's reply.
///
/// `inputTokens` counts every input token, cached ones included: OpenAI's and Azure
/// OpenAI's `prompt_tokens` already include `prompt_tokens_details.cached_tokens`; for
/// Anthropic the caller adds `cache_read_input_tokens` (and `cache_creation_input_tokens`)
/// to `input_tokens` before recording, and passes the cache reads as `cachedInputTokens`.
public struct LLMCallUsage: Sendable, Hashable {
    /// The provider as configured: `openai`, `azure_openai` or `anthropic`.
    public var provider: String
    /// The model as the provider reports it, e.g. `gpt-4o-2024-08-06` or `claude-sonnet-4-20250514`.
    public var model: String
    /// All input tokens, cached ones included.
    public var inputTokens: Int
    /// Tokens the model wrote.
    public var outputTokens: Int
    /// The part of ``inputTokens`` served from the provider's prompt cache.
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
