import NIOCore
import NIOSSL
import Synchronization

/// One SMTP reply: a three-digit code and its text lines (`250-…` continuation lines
/// gathered up to the final `250 …`).
struct SMTPReply: Sendable, Equatable {
    var code: Int
    var lines: [String]

    /// 2xx or 3xx.
    var isPositive: Bool { (200..<400).contains(code) }
}

/// A command to write (or `nil` to wait for the greeting) and where its reply goes.
struct SMTPRequest: Sendable {
    var command: ByteBuffer?
    var timeout: TimeAmount
    var promise: EventLoopPromise<SMTPReply>
}

/// Why a session ended, readable after its pipeline is gone: a command written after the
/// channel closed never reaches ``SMTPReplyHandler``, and its sender needs the real reason
/// (a failed TLS handshake, say) rather than "channel closed".
final class SMTPSessionOutcome: Sendable {
    private let failure = Mutex<NotifierError?>(nil)

    /// Keeps the first failure.
    func record(_ error: NotifierError) {
        failure.withLock { if $0 == nil { $0 = error } }
    }

    var recorded: NotifierError? { failure.withLock { $0 } }
}

/// Splits the server's bytes into lines. A line longer than 4 KiB (RFC 5321 allows 512)
/// is a broken or hostile server and ends the session instead of growing a buffer.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    static let maximumLineLength = 4096

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > Self.maximumLineLength {
                throw NotifierError(code: .protocolViolation, message: "the SMTP server sent an over-long line")
            }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws
        -> DecodingState
    {
        // A partial line at the end of the session carries nothing a reply could use.
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}

/// Matches replies to commands, one at a time in order (SMTP without PIPELINING), and
/// enforces each command's timeout on the event loop so that a reply and its timeout can
/// never both complete the same promise.
///
/// Once anything goes wrong (an error, the server closing, a timeout) the session is
/// over: every waiting and later request fails with that error.
final class SMTPReplyHandler: ChannelDuplexHandler {
    typealias InboundIn = String
    typealias OutboundIn = SMTPRequest
    typealias OutboundOut = ByteBuffer

    private struct Pending {
        var promise: EventLoopPromise<SMTPReply>
        var timeout: Scheduled<Void>?
    }

    private var pending = CircularBuffer<Pending>()
    /// Replies that arrived before anyone asked (the greeting, usually).
    private var unclaimed = CircularBuffer<SMTPReply>()
    private var partialLines: [String] = []
    private var failure: NotifierError?
    private let outcome: SMTPSessionOutcome

    init(outcome: SMTPSessionOutcome) {
        self.outcome = outcome
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let line = unwrapInboundIn(data)
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)),
            (200...599).contains(code),
            bytes.count == 3 || bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-")
        else {
            fail(
                NotifierError(code: .protocolViolation, message: "the SMTP server sent an unreadable reply"),
                context: context)
            return
        }
        let text = bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : ""
        partialLines.append(text)
        if bytes.count > 3 && bytes[3] == UInt8(ascii: "-") { return }
        let reply = SMTPReply(code: code, lines: partialLines)
        partialLines = []
        if let next = pending.popFirst() {
            next.timeout?.cancel()
            next.promise.succeed(reply)
        } else {
            unclaimed.append(reply)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        promise?.succeed()
        if let failure {
            request.promise.fail(failure)
            return
        }
        if request.command == nil, let reply = unclaimed.popFirst() {
            request.promise.succeed(reply)
            return
        }
        let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: request.timeout) { [weak self] () -> Void in
            self?.fail(
                NotifierError(code: .timeout, message: "the SMTP server did not answer in time"), context: context)
        }
        pending.append(Pending(promise: request.promise, timeout: timeout))
        if let command = request.command {
            let written = context.eventLoop.makePromise(of: Void.self)
            written.futureResult.assumeIsolated().whenFailure { [weak self] error in
                self?.fail(
                    NotifierError(code: .connection, message: "could not write to the SMTP server", underlying: error),
                    context: context)
            }
            context.writeAndFlush(wrapOutboundOut(command), promise: written)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let mapped: NotifierError
        switch error {
        case let error as NotifierError: mapped = error
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            mapped = NotifierError(
                code: .tls, message: "the TLS handshake with the SMTP server failed", underlying: error)
        default:
            mapped = NotifierError(
                code: .connection, message: "the connection to the SMTP server failed", underlying: error)
        }
        fail(mapped, context: context)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(NotifierError(code: .connection, message: "the SMTP server closed the connection"), context: context)
        context.fireChannelInactive()
    }

    /// Ends the session: fails everyone waiting and closes the channel. The first failure
    /// wins, so that a timeout is not reported as the close it causes.
    private func fail(_ error: NotifierError, context: ChannelHandlerContext) {
        if failure == nil {
            failure = error
            outcome.record(error)
        }
        let reason = failure ?? error
        while let next = pending.popFirst() {
            next.timeout?.cancel()
            next.promise.fail(reason)
        }
        if context.channel.isActive { context.close(promise: nil) }
    }
}
