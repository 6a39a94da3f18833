import Foundation
import Semantic
import Warehouse

/// OpenAI's chat completions API, directly or through an Azure OpenAI deployment.
///
/// - OpenAI: `POST {endpoint}/chat/completions`, `Authorization: Bearer KEY`, `model` in the body.
/// - Azure: `POST {endpoint}/openai/deployments/{model}/chat/completions?api-version=V`,
///   `api-key: KEY`, no `model` in the body (the deployment decides).
///
/// The reply is asked for as a JSON object (`response_format: json_object`) at temperature 0.
struct OpenAIProvider: LLMProvider {
    let configuration: LLMConfiguration
    /// The base URL, without a trailing slash.
    let endpoint: String
    let apiKey: APIKey
    let transport: LLMTransport

    /// The request body; `model` is left out for Azure.
    struct Request: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }
        struct ResponseFormat: Encodable {
            var type: String
        }
        var model: String?
        var messages: [Message]
        var temperature: Double
        var max_tokens: Int
        var response_format: ResponseFormat
    }

    /// The parts of a chat completion that are read.
    struct Response: Decodable {
        struct Choice: Decodable {
            struct Message: Decodable {
                var content: String?
                var refusal: String?
            }
            var message: Message?
            var finish_reason: String?
        }
        struct Usage: Decodable {
            struct Details: Decodable {
                var cached_tokens: Int?
            }
            var prompt_tokens: Int?
            var completion_tokens: Int?
            var prompt_tokens_details: Details?
        }
        var model: String?
        var choices: [Choice]
        var usage: Usage?
    }

    var isAzure: Bool { configuration.provider == .azureOpenAI }

    /// Where requests go.
    var url: String {
        guard isAzure else { return endpoint + "/chat/completions" }
        let deployment =
            configuration.model.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? configuration.model
        let version = configuration.apiVersion ?? LLMConfiguration.defaultAzureAPIVersion
        let query = version.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(CharacterSet(charactersIn: "&=+"))) ?? version
        return endpoint + "/openai/deployments/\(deployment)/chat/completions?api-version=\(query)"
    }

    /// The authentication header.
    var headers: [(String, String)] {
        isAzure ? [("api-key", apiKey.value)] : [("authorization", "Bearer \(apiKey.value)")]
    }

    func cubeQuery(for question: String, model: DataModel, asOf: SQLDate) async throws -> LLMReply {
        let body = Request(
            model: isAzure ? nil : configuration.model,
            messages: [
                .init(role: "system", content: LLMPrompt.system(model: model, asOf: asOf)),
                .init(role: "user", content: question),
            ],
            temperature: 0,
            max_tokens: configuration.maxTokens,
            response_format: .init(type: "json_object"))
        let reply = try await transport.post(url: url, headers: headers, body: try JSONEncoder().encode(body))

        let response: Response
        do {
            response = try JSONDecoder().decode(Response.self, from: reply.body)
        } catch {
            throw LLMError.malformedReply(
                "not a chat completion: \(LLMReplyReader.excerpt(String(decoding: reply.body, as: UTF8.self)))")
        }
        guard let message = response.choices.first?.message else {
            throw LLMError.malformedReply("the chat completion has no message")
        }
        guard let text = message.content, !text.trimmingWhitespace.isEmpty else {
            if let refusal = message.refusal { throw LLMError.malformedReply("the model refused: \(refusal)") }
            throw LLMError.malformedReply("the reply has no content")
        }
        let usage = LLMUsage(
            provider: configuration.provider.rawValue,
            model: response.model ?? configuration.model,
            inputTokens: response.usage?.prompt_tokens ?? 0,
            outputTokens: response.usage?.completion_tokens ?? 0,
            cachedInputTokens: response.usage?.prompt_tokens_details?.cached_tokens ?? 0)
        let cutOff = response.choices.first?.finish_reason == "length" ? configuration.maxTokens : nil
        let query = try LLMReplyReader.query(from: text, model: model, asOf: asOf, cutOffAt: cutOff)
        return LLMReply(query: query, text: text, usage: usage, latencySeconds: reply.latencySeconds)
    }
}
