import Foundation
import HTTPTypes
import Hummingbird
import Insights
import Logging
import NIOCore

/// One request the receiver got.
struct ReceivedRequest: Sendable {
    var path: String
    /// Header values by lower-cased name.
    var headers: [String: String]
    var body: Data

    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: body) as? [String: Any]) ?? [:] }
}

/// One scripted answer.
struct ScriptedReply: Sendable {
    var status: Int
    var headers: [String: String] = [:]
}

/// The requests received, and the answers still to give (then 200 for ever).
actor WebhookReceiverState {
    private(set) var requests: [ReceivedRequest] = []
    private var replies: [ScriptedReply]

    init(replies: [ScriptedReply]) { self.replies = replies }

    func record(_ request: ReceivedRequest) -> ScriptedReply {
        requests.append(request)
        return replies.isEmpty ? ScriptedReply(status: 200) : replies.removeFirst()
    }
}

/// Runs a Hummingbird server on 127.0.0.1 (a free port) that records every request and
/// answers with `replies` in turn, for the duration of `body`, which gets the base URL.
func withWebhookReceiver<T>(
    replies: [ScriptedReply] = [], _ body: (_ baseURL: String, _ state: WebhookReceiverState) async throws -> T
) async throws -> T {
    let state = WebhookReceiverState(replies: replies)
    let (ports, portContinuation) = AsyncStream<Int>.makeStream()
    let responder = CallbackResponder<BasicRequestContext> { request, _ in
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 22)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let reply = await state.record(
            ReceivedRequest(path: request.uri.path, headers: headers, body: Data(buffer.readableBytesView)))
        var responseHeaders = HTTPFields()
        for (name, value) in reply.headers {
            if let name = HTTPField.Name(name) { responseHeaders[name] = value }
        }
        return Response(
            status: .init(code: reply.status), headers: responseHeaders,
            body: .init(byteBuffer: ByteBuffer(string: "ok")))
    }
    var logger = Logger(label: "webhook-receiver")
    logger.logLevel = .critical
    let app = Application(
        responder: responder,
        configuration: .init(address: .hostname("127.0.0.1", port: 0)),
        onServerRunning: { channel in
            portContinuation.yield(channel.localAddress?.port ?? 0)
            portContinuation.finish()
        },
        logger: logger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else {
            group.cancelAll()
            throw WebhookReceiverError.didNotStart
        }
        do {
            let result = try await body("http://127.0.0.1:\(port)", state)
            group.cancelAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}

enum WebhookReceiverError: Error { case didNotStart }

/// The waits a sender asked for, instead of waiting.
actor SleepRecorder {
    private(set) var delays: [Duration] = []

    func record(_ delay: Duration) { delays.append(delay) }

    nonisolated var sleep: WebhookSender.Sleep { { delay in await self.record(delay) } }

    var seconds: [Double] {
        delays.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
    }
}
