import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Posts JSON to a provider and returns the reply, with the configured timeout covering the
/// whole exchange and errors mapped to ``LLMError``.
struct LLMTransport: Sendable {
    /// The client requests go through (owned by the caller).
    let client: HTTPClient
    /// Seconds the whole request may take.
    let timeoutSeconds: Double
    /// The largest reply body read; a chat reply for one query is a few kilobytes.
    static let maximumReplyBytes = 4 << 20

    /// A reply with a status of 200–299.
    struct Reply: Sendable {
        var body: Data
        var latencySeconds: Double
    }

    /// POSTs `body` to `url` with `headers`; a status outside 200–299 throws ``LLMError/http(status:message:)``
    /// with the provider's error message.
    func post(url: String, headers: [(String, String)], body: Data) async throws(LLMError) -> Reply {
        do {
            return try await send(url: url, headers: headers, body: body)
        } catch {
            throw Self.scrubbing(error, secrets: Self.secrets(in: headers))
        }
    }

    private func send(url: String, headers: [(String, String)], body: Data) async throws(LLMError) -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))

        let nanoseconds = Int64((timeoutSeconds * 1e9).rounded())
        // The client's deadline bounds the wait for the response head (and reports connection
        // failures met meanwhile); AsyncHTTPClient does not apply it to the body, so the body
        // is read against a timer ending at the same moment.
        let deadline = NIODeadline.now() + .nanoseconds(nanoseconds)
        let started = ContinuousClock.now
        let end = started + .nanoseconds(nanoseconds)
        let result: (status: HTTPResponseStatus, body: ByteBuffer)
        do {
            let response = try await client.execute(request, deadline: deadline)
            let body = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
                group.addTask { try await response.body.collect(upTo: Self.maximumReplyBytes) }
                group.addTask {
                    try await Task.sleep(until: end, clock: .continuous)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let body = first else {
                    throw LLMError.timeout(seconds: timeoutSeconds)
                }
                return body
            }
            result = (response.status, body)
        } catch let error as LLMError {
            throw error
        } catch let error as HTTPClientError {
            if [
                .deadlineExceeded, .readTimeout, .writeTimeout, .connectTimeout, .tlsHandshakeTimeout,
                .getConnectionFromPoolTimeout,
            ].contains(error) {
                throw .timeout(seconds: timeoutSeconds)
            }
            throw .transport(error.description)
        } catch is CancellationError {
            throw .transport("the request was cancelled")
        } catch is NIOTooManyBytesError {
            throw .transport("the reply is larger than \(Self.maximumReplyBytes) bytes")
        } catch {
            throw .transport("\(error)")
        }
        let elapsed = ContinuousClock.now - started
        let latency = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let data = Data(result.body.readableBytesView)
        guard (200..<300).contains(result.status.code) else {
            throw .http(status: Int(result.status.code), message: Self.errorMessage(in: data, status: result.status))
        }
        return Reply(body: data, latencySeconds: latency)
    }

    /// The provider's message from an error body: `{"error": {"message": …}}` (OpenAI, Azure,
    /// Anthropic), `{"error": "…"}` or `{"message": …}`; else the start of the body, else the
    /// status text.
    static func errorMessage(in body: Data, status: HTTPResponseStatus) -> String {
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            if let error = object["error"] as? [String: Any], let message = error["message"] as? String, !message.isEmpty {
                return message
            }
            if let message = object["error"] as? String, !message.isEmpty { return message }
            if let message = object["message"] as? String, !message.isEmpty { return message }
        }
        let text = String(decoding: body, as: UTF8.self).trimmingWhitespace
        if !text.isEmpty { return text.count > 300 ? String(text.prefix(300)) + "…" : String(text) }
        return status.reasonPhrase
    }
}

extension LLMTransport {
    /// The secret values among request headers: the API key of `authorization: Bearer KEY`,
    /// `api-key` (Azure) and `x-api-key` (Anthropic).
    static func secrets(in headers: [(String, String)]) -> [String] {
        headers.compactMap { name, value in
            guard ["authorization", "api-key", "x-api-key"].contains(name.lowercased()) else { return nil }
            let key = value.split(separator: " ").last.map(String.init) ?? value
            return key.count >= 4 ? key : nil
        }
    }

    /// `error` with every secret replaced by `***`: a provider or proxy that echoes the
    /// whole API key in its error text must not put it into logs or API errors.
    static func scrubbing(_ error: LLMError, secrets: [String]) -> LLMError {
        func scrub(_ text: String) -> String {
            secrets.reduce(text) { text, secret in text.replacingOccurrences(of: secret, with: "***") }
        }
        switch error {
        case .http(let status, let message): return .http(status: status, message: scrub(message))
        case .transport(let message): return .transport(scrub(message))
        case .malformedReply(let message): return .malformedReply(scrub(message))
        case .missingAPIKey, .timeout, .invalidQuery: return error
        }
    }
}

/// An API key that never shows in descriptions, dumps or logs of the providers holding it.
struct APIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The key itself, for the request header only.
    let value: String

    var description: String { "<redacted>" }
    var debugDescription: String { "<redacted>" }
    var customMirror: Mirror { Mirror(self, children: [:]) }
}
