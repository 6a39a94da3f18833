import Foundation
import Semantic
import Warehouse

/// Anthropic's messages API: `POST {endpoint}/v1/messages` with `x-api-key` and
/// `anthropic-version: 2023-06-01`; the system prompt in `system`, the question as the one
/// user message, temperature 0.
struct AnthropicProvider: LLMProvider {
    let configuration: LLMConfiguration
    /// The base URL, without a trailing slash.
    let endpoint: String
    let apiKey: APIKey
    let transport: LLMTransport

    /// The API version header sent.
    static let apiVersion = "2023-06-01"

    /// The request body.
    struct Request: Encodable {
        struct Message: Encodable {
            var role: String
            var content: String
        }
        var model: String
        var max_tokens: Int
        var temperature: Double
        var system: String
        var messages: [Message]
    }

    /// The parts of a message reply that are read.
    struct Response: Decodable {
        struct Block: Decodable {
            var type: String
            var text: String?
        }
        struct Usage: Decodable {
            var input_tokens: Int?
            var output_tokens: Int?
            var cache_read_input_tokens: Int?
            var cache_creation_input_tokens: Int?
        }
        var model: String?
        var content: [Block]
        var stop_reason: String?
        var usage: Usage?
    }

    var url: String { endpoint + "/v1/messages" }

    var headers: [(String, String)] {
        [("x-api-key", apiKey.value), ("anthropic-version", Self.apiVersion)]
    }

    func cubeQuery(for question: String, model: DataModel, asOf: SQLDate) async throws -> LLMReply {
        let body = Request(
            model: configuration.model,
            max_tokens: configuration.maxTokens,
            temperature: 0,
            system: LLMPrompt.system(model: model, asOf: asOf),
            messages: [.init(role: "user", content: question)])
        let reply = try await transport.post(url: url, headers: headers, body: try JSONEncoder().encode(body))

        let response: Response
        do {
            response = try JSONDecoder().decode(Response.self, from: reply.body)
        } catch {
            throw LLMError.malformedReply(
                "not a message reply: \(LLMReplyReader.excerpt(String(decoding: reply.body, as: UTF8.self)))")
        }
        let text = response.content.filter { $0.type == "text" }.compactMap(\.text).joined(separator: "\n")
        guard !text.trimmingWhitespace.isEmpty else {
            throw LLMError.malformedReply("the reply has no text content")
        }
        let cacheRead = response.usage?.cache_read_input_tokens ?? 0
        let cacheWrite = response.usage?.cache_creation_input_tokens ?? 0
        let usage = LLMUsage(
            provider: configuration.provider.rawValue,
            model: response.model ?? configuration.model,
            inputTokens: (response.usage?.input_tokens ?? 0) + cacheRead + cacheWrite,
            outputTokens: response.usage?.output_tokens ?? 0,
            cachedInputTokens: cacheRead)
        let cutOff = response.stop_reason == "max_tokens" ? configuration.maxTokens : nil
        let query = try LLMReplyReader.query(from: text, model: model, asOf: asOf, cutOffAt: cutOff)
        return LLMReply(query: query, text: text, usage: usage, latencySeconds: reply.latencySeconds)
    }
}
