/// The LLM services a tenant can be configured to use.
public enum LLMProviderKind: String, Sendable, Codable, CaseIterable {
    /// OpenAI's chat completions API.
    case openai
    /// Azure OpenAI: the same API behind a deployment of the tenant's own Azure resource.
    case azureOpenAI = "azure_openai"
    /// Anthropic's messages API.
    case anthropic
}

/// How to reach a tenant's LLM, as written in the configuration file (snake_case keys).
///
/// ```yaml
/// llm:
///   provider: azure_openai
///   model: sales-gpt4o-mini          # the deployment name for Azure
///   endpoint: https://contoso.openai.azure.com
///   api_key_env: CONTOSO_AZURE_KEY   # the variable holding the key, never the key
///   timeout_seconds: 15
/// ```
///
/// The API key itself is never part of the configuration: only the name of the environment
/// variable that holds it.
public struct LLMConfiguration: Sendable, Codable, Hashable {
    /// Which service.
    public var provider: LLMProviderKind
    /// The model, e.g. `gpt-4o-mini` or `claude-3-5-haiku-latest`; for Azure the deployment name.
    public var model: String
    /// The base URL; `nil` means the provider's public API (``defaultEndpoint(for:)``).
    /// Required for Azure (`https://NAME.openai.azure.com`).
    public var endpoint: String?
    /// The name of the environment variable holding the API key.
    public var apiKeyEnv: String
    /// Azure's `api-version`; `nil` means ``defaultAzureAPIVersion``. Ignored by the others.
    public var apiVersion: String?
    /// How long one request may take, from sending it to the last byte of the reply.
    public var timeoutSeconds: Double
    /// The most tokens the model may write in its reply.
    public var maxTokens: Int

    /// The Azure `api-version` used when none is configured.
    public static let defaultAzureAPIVersion = "2024-10-21"
    /// The timeout used when none is configured.
    public static let defaultTimeoutSeconds = 20.0
    /// The reply token limit used when none is configured.
    public static let defaultMaxTokens = 800

    /// The public API base URL of `provider`; `nil` for Azure, which has none.
    public static func defaultEndpoint(for provider: LLMProviderKind) -> String? {
        switch provider {
        case .openai: "https://api.openai.com/v1"
        case .azureOpenAI: nil
        case .anthropic: "https://api.anthropic.com"
        }
    }

    /// The environment variable read when `api_key_env` is not given.
    public static func defaultAPIKeyEnv(for provider: LLMProviderKind) -> String {
        switch provider {
        case .openai: "OPENAI_API_KEY"
        case .azureOpenAI: "AZURE_OPENAI_API_KEY"
        case .anthropic: "ANTHROPIC_API_KEY"
        }
    }

    /// Makes a configuration; `apiKeyEnv` defaults to the provider's usual variable
    /// (``defaultAPIKeyEnv(for:)``).
    public init(
        provider: LLMProviderKind, model: String, endpoint: String? = nil, apiKeyEnv: String? = nil,
        apiVersion: String? = nil, timeoutSeconds: Double = LLMConfiguration.defaultTimeoutSeconds,
        maxTokens: Int = LLMConfiguration.defaultMaxTokens
    ) {
        self.provider = provider
        self.model = model
        self.endpoint = endpoint
        self.apiKeyEnv = apiKeyEnv ?? Self.defaultAPIKeyEnv(for: provider)
        self.apiVersion = apiVersion
        self.timeoutSeconds = timeoutSeconds
        self.maxTokens = maxTokens
    }

    /// The base URL requests go to, without a trailing slash; `nil` only for Azure without an endpoint.
    public var resolvedEndpoint: String? {
        guard let base = endpoint ?? Self.defaultEndpoint(for: provider) else { return nil }
        var trimmed = Substring(base)
        while trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    enum CodingKeys: String, CodingKey {
        case provider, model, endpoint
        case apiKeyEnv = "api_key_env"
        case apiVersion = "api_version"
        case timeoutSeconds = "timeout_seconds"
        case maxTokens = "max_tokens"
    }

    /// Decodes the snake_case keys; everything but `provider` and `model` has a default, except
    /// `endpoint` for Azure, which is required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        provider = try container.decode(LLMProviderKind.self, forKey: .provider)
        model = try container.decode(String.self, forKey: .model)
        guard !model.trimmingWhitespace.isEmpty else {
            throw DecodingError.dataCorruptedError(forKey: .model, in: container, debugDescription: "model must not be empty")
        }
        endpoint = try container.decodeIfPresent(String.self, forKey: .endpoint)
        if let endpoint, !(endpoint.hasPrefix("https://") || endpoint.hasPrefix("http://")) {
            throw DecodingError.dataCorruptedError(
                forKey: .endpoint, in: container, debugDescription: "endpoint must be an http(s) URL, not '\(endpoint)'")
        }
        if provider == .azureOpenAI, endpoint == nil {
            throw DecodingError.keyNotFound(
                CodingKeys.endpoint,
                .init(
                    codingPath: container.codingPath,
                    debugDescription: "azure_openai needs endpoint, e.g. https://NAME.openai.azure.com"))
        }
        apiKeyEnv = try container.decodeIfPresent(String.self, forKey: .apiKeyEnv) ?? Self.defaultAPIKeyEnv(for: provider)
        guard !apiKeyEnv.trimmingWhitespace.isEmpty else {
            throw DecodingError.dataCorruptedError(
                forKey: .apiKeyEnv, in: container, debugDescription: "api_key_env must name an environment variable")
        }
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        timeoutSeconds = try container.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? Self.defaultTimeoutSeconds
        guard timeoutSeconds > 0, timeoutSeconds.isFinite else {
            throw DecodingError.dataCorruptedError(
                forKey: .timeoutSeconds, in: container, debugDescription: "timeout_seconds must be positive")
        }
        maxTokens = try container.decodeIfPresent(Int.self, forKey: .maxTokens) ?? Self.defaultMaxTokens
        guard maxTokens > 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: .maxTokens, in: container, debugDescription: "max_tokens must be positive")
        }
    }
}

extension String {
    /// The text without leading and trailing spaces and newlines.
    var trimmingWhitespace: Substring {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text = text.dropFirst() }
        while let last = text.last, last.isWhitespace { text = text.dropLast() }
        return text
    }
}
