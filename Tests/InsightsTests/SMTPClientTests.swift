import Foundation
import Insights
import Logging
import Testing

/// The aiosmtpd that `scripts/test` starts (`scripts/smtp-test-server`); nil when the tests
/// run without one.
enum SMTPTestServer {
    static let environment = ProcessInfo.processInfo.environment
    static let port = environment["CONVAI_TEST_SMTP_PORT"].flatMap { Int($0) }
    static let notSetMessage: Comment =
        "CONVAI_TEST_SMTP_PORT is not set: run scripts/test, or eval \"$(scripts/smtp-test-server start)\" first"

    static func settings(password: String? = nil) throws -> SMTPSettings {
        let port = try #require(port)
        let user = try #require(environment["CONVAI_TEST_SMTP_USER"])
        let storedPassword = try #require(environment["CONVAI_TEST_SMTP_PASSWORD"])
        let caFile = try #require(environment["CONVAI_TEST_SMTP_CA_FILE"])
        return SMTPSettings(
            host: "127.0.0.1", port: port, security: .startTLS, username: user, password: password ?? storedPassword,
            fromAddress: "insights@convai.example", fromName: "ConvAI Insights", timeoutSeconds: 10,
            caCertificateFile: caFile)
    }

    static var folder: URL { get throws { URL(fileURLWithPath: try #require(environment["CONVAI_TEST_SMTP_DIR"])) } }

    /// The stored messages whose envelope names `recipient` (tests run in parallel, each with
    /// an address of its own).
    static func messages(to recipient: String, in folder: URL) throws -> [URL] {
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        return try files.filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }.compactMap { file in
            let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
            guard let recipients = envelope?["rcpt_tos"] as? [String], recipients.contains(recipient) else {
                return nil
            }
            return file.deletingPathExtension().appendingPathExtension("eml")
        }
    }

    /// Runs `body` with a second server of its own (`scripts/smtp-test-server start OPTION`),
    /// given the settings to reach it and its folder; the server is stopped afterwards.
    static func withServer<T>(_ option: String, _ body: (SMTPSettings, URL) async throws -> T) async throws -> T {
        let script = NotifierFixtures.root.appendingPathComponent("scripts/smtp-test-server").path
        let exports = String(decoding: try await runProgram(script, ["start", option]), as: UTF8.self)
        var values: [String: String] = [:]
        for match in exports.matches(of: /export (\w+)='([^']*)'/) {
            values[String(match.output.1)] = String(match.output.2)
        }
        let folder = try #require(values["CONVAI_TEST_SMTP_DIR"])
        do {
            var settings = try settings()
            settings.port = try #require(values["CONVAI_TEST_SMTP_PORT"].flatMap { Int($0) })
            settings.username = values["CONVAI_TEST_SMTP_USER"]
            settings.password = values["CONVAI_TEST_SMTP_PASSWORD"]
            settings.caCertificateFile = values["CONVAI_TEST_SMTP_CA_FILE"]
            let result = try await body(settings, URL(fileURLWithPath: folder))
            _ = try await runProgram(script, ["stop", folder])
            return result
        } catch {
            _ = try? await runProgram(script, ["stop", folder])
            throw error
        }
    }

    /// A unique address, so that a test finds its own messages.
    static func uniqueAddress() -> String { "asha.mehta+\(UUID().uuidString.prefix(8).lowercased())@nestle.example" }
}

/// Runs a program and returns its standard output; fails the test when it exits non-zero.
///
/// Waits without blocking a thread of the cooperative pool (two threads on a two-core
/// machine: a blocking wait there stalls every other test's NIO callbacks), and collects
/// the output in a file rather than a pipe, whose end a daemon started by the program
/// could hold open.
func runProgram(_ executable: String, _ arguments: [String]) async throws -> Data {
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("convai-test-\(UUID().uuidString).out")
    guard FileManager.default.createFile(atPath: output.path, contents: nil) else {
        throw CocoaError(.fileWriteUnknown)
    }
    defer { try? FileManager.default.removeItem(at: output) }
    let handle = try FileHandle(forWritingTo: output)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    process.standardOutput = handle
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do { try process.run() } catch { continuation.resume(throwing: error) }
    }
    try handle.close()
    try #require(status == 0, "\(executable) \(arguments.joined(separator: " ")) failed")
    return try Data(contentsOf: output)
}

/// A stored message as Python's `email` package reads it (`scripts/parse-mail.py`).
struct ParsedMail: Decodable {
    var subject: String
    var from: String
    var to: String
    var date: String
    var messageId: String
    var mimeVersion: String
    var contentType: String
    var partTypes: [String]
    var partCharsets: [String?]
    var text: String?
    var html: String?
    var maxLineLength: Int
    var bareLf: Bool
    var defects: [String]

    static func parse(_ file: URL) async throws -> ParsedMail {
        let script = NotifierFixtures.root.appendingPathComponent("scripts/parse-mail.py").path
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ParsedMail.self, from: await runProgram("python3", [script, file.path]))
    }
}

@Suite(
    "SMTP client against aiosmtpd", .enabled(if: SMTPTestServer.port != nil, SMTPTestServer.notSetMessage),
    .timeLimit(.minutes(1)))
struct SMTPClientTests {
    let logger = Logger(label: "test.smtp")

    @Test("a digest sent with STARTTLS and AUTH arrives as multipart/alternative that a mail reader decodes")
    func sendDigest() async throws {
        let address = SMTPTestServer.uniqueAddress()
        var recipient = NotifierFixtures.recipient
        recipient.email = address
        let digest = NotifierFixtures.digest(recipient: recipient)
        let renderer = try DigestRenderer()
        let settings = try SMTPTestServer.settings()
        let message = MIMEMessage(
            from: .init(email: settings.fromAddress, name: settings.fromName),
            to: [.init(email: address, name: "Asha Mehta")], subject: renderer.subject(for: digest),
            textBody: renderer.plainText(for: digest), htmlBody: renderer.html(for: digest))
        try await SMTPClient(settings: settings, logger: logger).send(message)

        let stored = try SMTPTestServer.messages(to: address, in: try SMTPTestServer.folder)
        try #require(stored.count == 1)
        let mail = try await ParsedMail.parse(stored[0])
        #expect(mail.defects.isEmpty)
        #expect(mail.subject == "Nestlé India · Your 5 insights for 2026-12-06 — Mumbai (City)")
        #expect(mail.from == "ConvAI Insights <insights@convai.example>")
        #expect(mail.to == "Asha Mehta <\(address)>")
        #expect(mail.mimeVersion == "1.0")
        #expect(mail.contentType == "multipart/alternative")
        #expect(mail.partTypes == ["text/plain", "text/html"])
        #expect(mail.partCharsets == ["utf-8", "utf-8"])
        #expect(mail.maxLineLength <= 78)
        #expect(!mail.bareLf)
        #expect(mail.messageId.hasPrefix("<") && mail.messageId.hasSuffix("@convai.localhost>"))
        let text = try #require(mail.text)
        let html = try #require(mail.html)
        #expect(text == renderer.plainText(for: digest))
        #expect(html.trimmingCharacters(in: .newlines) == renderer.html(for: digest).trimmingCharacters(in: .newlines))
        var (textCursor, htmlCursor) = (text.startIndex, html.startIndex)
        for insight in digest.insights {
            let inText = try #require(text.range(of: insight.title, range: textCursor..<text.endIndex))
            let inHTML = try #require(html.range(of: insight.title.mustacheEscaped, range: htmlCursor..<html.endIndex))
            (textCursor, htmlCursor) = (inText.upperBound, inHTML.upperBound)
            #expect(text.contains(insight.text))
            #expect(html.contains(insight.text.mustacheEscaped))
        }
        for number in ["18,45,320", "-1,85,400", "88,20,000", "3,12,900"] {
            #expect(text.contains(number))
            #expect(html.contains(number))
        }
        #expect(!html.lowercased().contains("<script"))
        #expect(html.contains("style=\""))
    }

    @Test("a wrong password is an authentication error and nothing is stored")
    func wrongPassword() async throws {
        let address = SMTPTestServer.uniqueAddress()
        let client = SMTPClient(settings: try SMTPTestServer.settings(password: "not-the-password"), logger: logger)
        let error = await #expect(throws: NotifierError.self) {
            try await client.send(data: "Subject: x\r\n\r\nbody\r\n", from: "insights@convai.example", to: [address])
        }
        #expect(error?.code == .authentication)
        #expect(error?.statusCode == 535)
        #expect(!(error?.description.contains("not-the-password") ?? true))
        #expect(try SMTPTestServer.messages(to: address, in: try SMTPTestServer.folder).isEmpty)
    }

    @Test("an untrusted certificate is a TLS error (verification stays on)")
    func untrustedCertificate() async throws {
        var settings = try SMTPTestServer.settings()
        settings.caCertificateFile = nil
        let address = SMTPTestServer.uniqueAddress()
        let error = await #expect(throws: NotifierError.self) {
            try await SMTPClient(settings: settings, logger: logger).send(
                data: "Subject: x\r\n\r\nbody\r\n", from: "insights@convai.example", to: [address])
        }
        #expect(error?.code == .tls)
        #expect(try SMTPTestServer.messages(to: address, in: try SMTPTestServer.folder).isEmpty)
    }

    @Test("a server without STARTTLS is refused before any AUTH is sent in plaintext")
    func noStartTLS() async throws {
        try await SMTPTestServer.withServer("--no-tls") { (settings: SMTPSettings, folder: URL) async throws in
            let error = await #expect(throws: NotifierError.self) {
                try await SMTPClient(settings: settings, logger: logger).send(
                    data: "Subject: x\r\n\r\nbody\r\n", from: "insights@convai.example", to: ["asha@nestle.example"])
            }
            #expect(error?.code == .tls)
            let commands =
                (try? String(contentsOf: folder.appendingPathComponent("commands.log"), encoding: .utf8)) ?? ""
            #expect(commands.contains("EHLO"))
            #expect(!commands.contains("AUTH"))
            #expect(!commands.contains("MAIL"))
            #expect(try SMTPTestServer.messages(to: "asha@nestle.example", in: folder).isEmpty)
        }
    }

    @Test("implicit TLS (port 465 style): the certificate is verified, AUTH and the message go over TLS")
    func implicitTLS() async throws {
        try await SMTPTestServer.withServer("--implicit-tls") { (settings: SMTPSettings, folder: URL) async throws in
            var settings = settings
            settings.security = .implicitTLS
            try await SMTPClient(settings: settings, logger: logger).send(
                data: "Subject: implicit\r\n\r\nbody\r\n", from: "insights@convai.example", to: ["asha@nestle.example"])
            #expect(try SMTPTestServer.messages(to: "asha@nestle.example", in: folder).count == 1)
            let commands = try String(contentsOf: folder.appendingPathComponent("commands.log"), encoding: .utf8)
            #expect(commands.contains("AUTH PLAIN (TLS)"))
        }
    }

    @Test("dot-stuffing: a body line that is a single dot arrives intact")
    func dotStuffing() async throws {
        let address = SMTPTestServer.uniqueAddress()
        let body = "Subject: dots\r\n\r\nbefore\r\n.\r\n..two\r\n.end\r\nafter\r\n"
        try await SMTPClient(settings: try SMTPTestServer.settings(), logger: logger).send(
            data: body, from: "insights@convai.example", to: [address])
        let stored = try SMTPTestServer.messages(to: address, in: try SMTPTestServer.folder)
        try #require(stored.count == 1)
        let raw = String(decoding: try Data(contentsOf: stored[0]), as: UTF8.self)
        #expect(raw.hasSuffix("before\r\n.\r\n..two\r\n.end\r\nafter\r\n"))
    }
}

@Suite("SMTP client settings")
struct SMTPClientSettingsTests {
    @Test("no TLS to another machine, malformed addresses refused, password not in the description")
    func refusals() async throws {
        let settings = SMTPSettings(
            host: "mail.example.com", port: 25, security: .plain, username: "u", password: "hunter2",
            fromAddress: "insights@convai.example")
        #expect(!settings.description.contains("hunter2"))
        let plain = await #expect(throws: NotifierError.self) {
            try await SMTPClient(settings: settings).send(data: "x", from: "a@b.example", to: ["c@d.example"])
        }
        #expect(plain?.code == .configuration)
        var local = settings
        local.host = "127.0.0.1"
        let injected = await #expect(throws: NotifierError.self) {
            try await SMTPClient(settings: local).send(
                data: "x", from: "a@b.example", to: ["c@d.example>\r\nRCPT TO:<evil@example.com"])
        }
        #expect(injected?.code == .configuration)
    }

    @Test("a port nobody listens on is a connection error")
    func connectionRefused() async throws {
        let settings = SMTPSettings(
            host: "127.0.0.1", port: 1, security: .plain, fromAddress: "insights@convai.example", timeoutSeconds: 5)
        let error = await #expect(throws: NotifierError.self) {
            try await SMTPClient(settings: settings).send(data: "x", from: "a@b.example", to: ["c@d.example"])
        }
        #expect(error?.code == .connection)
    }
}

@Suite("SMTP client timeouts", .timeLimit(.minutes(1)))
struct SMTPClientTimeoutTests {
    @Test("a server that never greets is a timeout error, within the configured time")
    func silentServer() async throws {
        // An HTTP server waits for the client to speak first, as a stuck SMTP server would.
        try await withWebhookReceiver { url, _ in
            let port = try #require(URLComponents(string: url)?.port)
            let settings = SMTPSettings(
                host: "127.0.0.1", port: port, security: .plain, fromAddress: "insights@convai.example",
                timeoutSeconds: 0.5)
            let started = ContinuousClock.now
            let error = await #expect(throws: NotifierError.self) {
                try await SMTPClient(settings: settings).send(data: "x", from: "a@b.example", to: ["c@d.example"])
            }
            #expect(error?.code == .timeout)
            // Not a speed check (a loaded machine is slow): the send ends by its timeout
            // rather than waiting for a greeting that never comes.
            #expect(ContinuousClock.now - started < .seconds(30))
        }
    }
}

extension SMTPClientTimeoutTests {
    @Test("cancelling the sending task ends the session at once, without waiting for the timeout")
    func cancellation() async throws {
        try await withWebhookReceiver { url, _ in
            let port = try #require(URLComponents(string: url)?.port)
            let settings = SMTPSettings(
                host: "127.0.0.1", port: port, security: .plain, fromAddress: "insights@convai.example",
                timeoutSeconds: 30)
            let started = ContinuousClock.now
            let task = Task {
                try await SMTPClient(settings: settings).send(data: "x", from: "a@b.example", to: ["c@d.example"])
            }
            try await Task.sleep(for: .milliseconds(300))
            task.cancel()
            let result = await task.result
            #expect(throws: NotifierError.self) { try result.get() }
            // Not a speed check (a loaded machine is slow): the session ends by the
            // cancellation, well before its 30 s timeout would have ended it.
            #expect(ContinuousClock.now - started < .seconds(25))
        }
    }
}
