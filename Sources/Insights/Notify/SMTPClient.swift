import Foundation
public import Logging
public import NIOCore
import NIOPosix
import NIOSSL

/// Sends e-mail to an SMTP server (RFC 5321) over SwiftNIO.
///
/// Written here because the package mirror has no SMTP library. It speaks the small part
/// of SMTP a notifier needs: EHLO, STARTTLS, AUTH PLAIN or LOGIN, MAIL, RCPT, DATA, QUIT,
/// one command at a time. It never sends credentials over an unencrypted connection to
/// another machine, never turns certificate verification off, and gives every step
/// `SMTPSettings.timeoutSeconds`. One call is one session; nothing is pooled.
public struct SMTPClient: Sendable {
    /// Where and how to connect.
    public var settings: SMTPSettings
    private let group: any EventLoopGroup
    private let logger: Logger

    /// Makes a client that runs on `eventLoopGroup` (NIO's shared singleton group when `nil`).
    public init(
        settings: SMTPSettings, eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "convai.notifier.smtp")
    ) {
        self.settings = settings
        self.group = eventLoopGroup ?? MultiThreadedEventLoopGroup.singleton
        self.logger = logger
    }

    /// Sends the message from `settings.fromAddress` to every address in its `To:`.
    public func send(_ message: MIMEMessage) async throws {
        try await send(data: message.rendered(), from: settings.fromAddress, to: message.to.map(\.email))
    }

    /// Sends an already rendered RFC 5322 message with the given envelope.
    public func send(data: String, from sender: String, to recipients: [String]) async throws {
        for address in [sender] + recipients { try Self.validate(address: address) }
        guard !recipients.isEmpty else {
            throw NotifierError(code: .configuration, message: "the message has no recipient", attempts: 0)
        }
        if settings.security == .plain && !settings.isLoopback {
            throw NotifierError(
                code: .configuration, message: "SMTP without TLS is allowed only to a server on this machine",
                attempts: 0)
        }
        let tlsContext = try makeTLSContext()
        let outcome = SMTPSessionOutcome()
        let channel = try await connect(
            tlsContext: settings.security == .implicitTLS ? tlsContext : nil, outcome: outcome)
        let session = Session(channel: channel, outcome: outcome)
        do {
            try await converse(on: session, tlsContext: tlsContext, data: data, sender: sender, recipients: recipients)
        } catch {
            try? await channel.close()
            throw error
        }
        try? await channel.close()
    }

    // MARK: The session

    /// A connected channel and where its handler leaves the reason it ended.
    private struct Session {
        var channel: any Channel
        var outcome: SMTPSessionOutcome
    }

    private func converse(
        on session: Session, tlsContext: NIOSSLContext?, data: String, sender: String, recipients: [String]
    ) async throws {
        var tlsActive = settings.security == .implicitTLS
        let greeting = try await exchange(nil, on: session)
        guard greeting.code == 220 else {
            throw NotifierError(
                code: .connection, message: "the SMTP server refused the session", statusCode: greeting.code)
        }
        var extensions = try await hello(on: session)

        if settings.security == .startTLS {
            guard extensions.keys.contains("STARTTLS"), let tlsContext else {
                throw NotifierError(
                    code: .tls, message: "the SMTP server does not offer STARTTLS; refusing to continue without TLS")
            }
            let reply = try await exchange("STARTTLS", on: session)
            guard reply.code == 220 else {
                throw NotifierError(code: .tls, message: "the SMTP server refused STARTTLS", statusCode: reply.code)
            }
            let hostname = serverNameIndication
            let channel = session.channel
            try await channel.eventLoop.submit {
                let handler = try NIOSSLClientHandler(context: tlsContext, serverHostname: hostname)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
            tlsActive = true
            // RFC 3207 §4.2: everything learnt before TLS is forgotten and asked again.
            extensions = try await hello(on: session)
        }

        if let username = settings.username {
            guard tlsActive || settings.isLoopback else {
                throw NotifierError(code: .tls, message: "refusing to send credentials without TLS")
            }
            try await authenticate(
                username: username, password: settings.password ?? "", extensions: extensions, on: session)
        }

        try await expect(250, for: "MAIL FROM:<\(sender)>", on: session, failure: "the SMTP server refused the sender")
        for recipient in recipients {
            let reply = try await exchange("RCPT TO:<\(recipient)>", on: session)
            guard reply.code == 250 || reply.code == 251 else {
                throw NotifierError(
                    code: .rejected, message: "the SMTP server refused a recipient", statusCode: reply.code)
            }
        }
        try await expect(354, for: "DATA", on: session, failure: "the SMTP server refused the message")
        let final = try await exchange(raw: ByteBuffer(string: Self.dotStuffed(data)), on: session)
        guard final.code == 250 else {
            throw NotifierError(code: .rejected, message: "the SMTP server refused the message", statusCode: final.code)
        }
        logger.debug(
            "SMTP server accepted the message", metadata: [NotifierLogKey.smtpRecipients: "\(recipients.count)"])
        // The message is accepted; a failed goodbye changes nothing.
        _ = try? await exchange("QUIT", on: session)
    }

    /// EHLO, returning the extensions by upper-cased keyword with their parameters.
    private func hello(on session: Session) async throws -> [String: [String]] {
        let reply = try await exchange("EHLO \(MIMEMessage.headerSafe(settings.heloName))", on: session)
        guard reply.code == 250 else {
            throw NotifierError(code: .rejected, message: "the SMTP server refused EHLO", statusCode: reply.code)
        }
        var extensions: [String: [String]] = [:]
        for line in reply.lines.dropFirst() {
            let words = line.split(separator: " ").map(String.init)
            guard let keyword = words.first?.uppercased() else { continue }
            extensions[keyword] = words.dropFirst().map { $0.uppercased() }
        }
        return extensions
    }

    private func authenticate(
        username: String, password: String, extensions: [String: [String]], on session: Session
    ) async throws {
        let mechanisms = extensions["AUTH"] ?? []
        let refused = "the SMTP server refused the credentials"
        if mechanisms.contains("PLAIN") {
            let token = Data("\0\(username)\0\(password)".utf8).base64EncodedString()
            let reply = try await exchange("AUTH PLAIN \(token)", on: session, logAs: "AUTH PLAIN <redacted>")
            guard reply.code == 235 else {
                throw NotifierError(code: .authentication, message: refused, statusCode: reply.code)
            }
        } else if mechanisms.contains("LOGIN") {
            let start = try await exchange("AUTH LOGIN", on: session)
            guard start.code == 334 else {
                throw NotifierError(code: .authentication, message: refused, statusCode: start.code)
            }
            let user = try await exchange(
                Data(username.utf8).base64EncodedString(), on: session, logAs: "<username>")
            guard user.code == 334 else {
                throw NotifierError(code: .authentication, message: refused, statusCode: user.code)
            }
            let done = try await exchange(
                Data(password.utf8).base64EncodedString(), on: session, logAs: "<redacted>")
            guard done.code == 235 else {
                throw NotifierError(code: .authentication, message: refused, statusCode: done.code)
            }
        } else {
            throw NotifierError(
                code: .authentication, message: "the SMTP server offers neither AUTH PLAIN nor AUTH LOGIN")
        }
        logger.debug("SMTP authentication succeeded")
    }

    private func expect(_ code: Int, for command: String, on session: Session, failure: String) async throws {
        let reply = try await exchange(command, on: session)
        guard reply.code == code else {
            throw NotifierError(code: .rejected, message: failure, statusCode: reply.code)
        }
    }

    /// Sends one command line (or, with `nil`, nothing: the greeting) and waits for its reply.
    private func exchange(_ command: String?, on session: Session, logAs: String? = nil) async throws -> SMTPReply {
        if let command {
            logger.trace("SMTP >", metadata: [NotifierLogKey.smtpCommand: "\(logAs ?? command)"])
            return try await exchange(raw: ByteBuffer(string: command + "\r\n"), on: session)
        }
        return try await exchange(raw: nil, on: session)
    }

    private func exchange(raw: ByteBuffer?, on session: Session) async throws -> SMTPReply {
        let promise = session.channel.eventLoop.makePromise(of: SMTPReply.self)
        let request = SMTPRequest(command: raw, timeout: timeout, promise: promise)
        let written = session.channel.eventLoop.makePromise(of: Void.self)
        // The handler takes charge of `promise` as soon as it sees the request (and then
        // completes `written`); a request that never reaches it, because the channel closed
        // and its pipeline is gone, fails here with the reason the session ended.
        let outcome = session.outcome
        written.futureResult.whenFailure { error in
            promise.fail(
                outcome.recorded
                    ?? NotifierError(
                        code: .connection, message: "the SMTP server closed the connection", underlying: error))
        }
        session.channel.writeAndFlush(request, promise: written)
        // Cancelling the task ends the session: closing the channel fails the reply.
        let channel = session.channel
        let reply = try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            channel.close(promise: nil)
        }
        logger.trace("SMTP <", metadata: [NotifierLogKey.smtpReply: "\(reply.code)"])
        return reply
    }

    // MARK: Connecting

    private var timeout: TimeAmount { .milliseconds(Int64(max(settings.timeoutSeconds, 0.001) * 1000)) }

    /// The name sent in SNI and checked against the certificate; an IP address cannot be
    /// sent in SNI, and without a name NIOSSL checks the certificate against the peer's IP.
    private var serverNameIndication: String? {
        let host = settings.host
        if host.contains(":") || host.split(separator: ".").allSatisfy({ Int($0) != nil }) { return nil }
        return host
    }

    private func makeTLSContext() throws -> NIOSSLContext? {
        guard settings.security != .plain else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .fullVerification
        configuration.minimumTLSVersion = .tlsv12
        if let file = settings.caCertificateFile {
            configuration.additionalTrustRoots = [.file(file)]
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw NotifierError(
                code: .configuration, message: "the TLS settings for SMTP are unusable (CA certificate file?)",
                attempts: 0, underlying: error)
        }
    }

    private func connect(tlsContext: NIOSSLContext?, outcome: SMTPSessionOutcome) async throws -> any Channel {
        let hostname = serverNameIndication
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tlsContext {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tlsContext, serverHostname: hostname))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler(outcome: outcome))
                }
            }
        do {
            let channel = try await bootstrap.connect(host: settings.host, port: settings.port).get()
            logger.debug("connected to the SMTP server", metadata: [NotifierLogKey.smtpHost: "\(settings.host)"])
            return channel
        } catch let error as ChannelError where error == .connectTimeout(timeout) {
            throw NotifierError(code: .timeout, message: "connecting to the SMTP server timed out", underlying: error)
        } catch {
            throw NotifierError(code: .connection, message: "could not connect to the SMTP server", underlying: error)
        }
    }

    // MARK: Helpers

    /// Refuses addresses that could smuggle a command into the envelope.
    static func validate(address: String) throws {
        let forbidden: Set<Character> = ["\r", "\n", "<", ">", " ", "\0"]
        guard address.contains("@"), !address.contains(where: forbidden.contains), address.utf8.count <= 254 else {
            throw NotifierError(code: .configuration, message: "an e-mail address is malformed", attempts: 0)
        }
    }

    /// The message with CRLF line endings, every line that starts with a dot given a
    /// second one (RFC 5321 §4.5.2), and the terminating `.` line.
    static func dotStuffed(_ data: String) -> String {
        let normalised = data.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        var lines = normalised.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let stuffed = lines.map { $0.hasPrefix(".") ? "." + $0 : $0 }
        return stuffed.joined(separator: "\r\n") + "\r\n.\r\n"
    }
}
