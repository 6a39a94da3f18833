import AsyncHTTPClient
import Crypto
import Foundation
import Hummingbird
import Insights
import Logging
import NIOCore
import Semantic
import Server
import Testing
import Warehouse

/// The whole delivery path with real peers: the scheduler, at 07:00 in Kolkata by an
/// injected clock, generates every itc recipient's digest from the sample data and sends
/// it through a real SMTP server (aiosmtpd with STARTTLS and AUTH, started by scripts/test)
/// and to a local webhook receiver; the messages are read back with Python's `email`
/// package; a restarted scheduler sends nothing again.
@Suite("Insight delivery end to end", .serialized)
struct InsightDeliveryTests {
    static let environment = ProcessInfo.processInfo.environment

    actor Receiver {
        struct Request: Sendable {
            var body: String
            var headers: [String: String]
        }

        private(set) var requests: [Request] = []
        /// Keeps the request; returns how many came so far.
        func record(_ request: Request) -> Int {
            requests.append(request)
            return requests.count
        }
    }

    /// A webhook receiver on a free port for the duration of `body`; it answers 400 (a
    /// refusal the notifier does not retry) to the first `refusing` requests, then 200.
    static func withReceiver(refusing: Int = 0, _ body: @Sendable (String, Receiver) async throws -> Void) async throws {
        let receiver = Receiver()
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let buffer = try await request.body.collect(upTo: 10_000_000)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let count = await receiver.record(.init(body: String(buffer: buffer), headers: headers))
            return count <= refusing ? .badRequest : .ok
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                try await body("http://127.0.0.1:\(port)/hook", receiver)
            } catch {
                group.cancelAll()
                throw error
            }
            group.cancelAll()
        }
    }

    /// Stored messages whose envelope sender is `from`.
    static func messages(from sender: String, to recipient: String? = nil) throws -> [URL] {
        let folder = URL(fileURLWithPath: try #require(environment["CONVAI_TEST_SMTP_DIR"]))
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.path < $1.path }
            .compactMap { file in
                let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
                guard envelope?["mail_from"] as? String == sender else { return nil }
                if let recipient, (envelope?["rcpt_tos"] as? [String])?.contains(recipient) != true { return nil }
                return file.deletingPathExtension().appendingPathExtension("eml")
            }
    }

    /// The message as Python's email package reads it.
    static func parse(_ file: URL) async throws -> [String: Any] {
        // The process's end resumes the task: no thread is held while Python runs.
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("convai-mail-\(UUID().uuidString).json")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", SampleTenants.root.appendingPathComponent("scripts/parse-mail.py").path, file.path]
        process.standardOutput = handle
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        try handle.close()
        try #require(status == 0, "parse-mail.py failed on \(file.path)")
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: output)) as? [String: Any])
    }

    /// The insights settings of these tests: itc only, digests at 07:00 in Kolkata, no
    /// alerts, the test SMTP server, the NSM's digests to the receiver at `hook`.
    static func insights(smtpPort: Int, sender: String, folder: URL, hook url: String, secret: String)
        -> InsightsConfiguration
    {
        InsightsConfiguration(
            schedule: .init(timeZone: "Asia/Kolkata", digestTime: "07:00", alertIntervalMinutes: 0),
            tenantSchedules: [
                "nestle": .init(enabled: false), "unilever": .init(enabled: false),
            ],
            deliveryLog: .init(path: folder.appendingPathComponent("insights.sqlite").path),
            smtp: .init(
                host: "127.0.0.1", port: smtpPort, security: .startTLS, username: Self.environment["CONVAI_TEST_SMTP_USER"],
                password: Self.environment["CONVAI_TEST_SMTP_PASSWORD"], fromAddress: sender, fromName: "ConvAI Insights",
                caCertificateFile: Self.environment["CONVAI_TEST_SMTP_CA_FILE"]),
            webhooks: [
                "head-office": .init(settings: .init(name: "head-office", url: url, format: .generic, secret: secret), roles: ["NSM"])
            ])
    }

    /// 01:30 UTC, 07:00 in Kolkata on 1 July 2025: the digest of that morning, data to 30 June.
    static let morning = Date(timeIntervalSince1970: 1_751_333_400)

    /// The insight service and the scheduler's jobs over `configuration`, for the duration
    /// of `body`; the HTTP client and the tenants' databases are closed afterwards.
    static func withJobs(
        _ configuration: ConvAIConfiguration, _ body: (InsightService, InsightJobs) async throws -> Void
    ) async throws {
        let logger = Logger(label: "test")
        let router = TenantRouter(tenants: configuration.tenants, logger: logger)
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let service = try InsightService(configuration: configuration, tenants: router, logger: logger)
            try await body(service, InsightJobs(service: service, notifier: try service.notifier(httpClient: client), logger: logger))
        } catch {
            try? await client.shutdown()
            await router.closeAll()
            throw error
        }
        try await client.shutdown()
        await router.closeAll()
    }

    /// A sender address of this run alone, a new temporary folder (the caller removes it)
    /// and the seeded tenants' configuration with sales-territory row-level security.
    static func run() async throws -> (sender: String, folder: URL, seeded: ConvAIConfiguration) {
        let sender = "digest-\(UUID().uuidString.prefix(8).lowercased())@convai.test"
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var seeded = try await SampleTenants.shared.configuration()
        seeded.rowLevelSecurity = .salesTerritories
        return (sender, folder, seeded)
    }

    static func smtpPort() throws -> Int {
        try #require(
            Self.environment["CONVAI_TEST_SMTP_PORT"].flatMap { Int($0) },
            "CONVAI_TEST_SMTP_PORT is not set: run scripts/test, or eval \"$(scripts/smtp-test-server start)\" first")
    }

    @Test func theMorningDigestReachesEveryoneOnceByMailAndWebhook() async throws {
        let port = try Self.smtpPort()
        let secret = "webhook-secret-for-the-delivery-test"
        let (sender, folder, seeded) = try await Self.run()
        defer { try? FileManager.default.removeItem(at: folder) }
        try await Self.withReceiver { url, receiver in
            var configuration = seeded
            configuration.insights = Self.insights(smtpPort: port, sender: sender, folder: folder, hook: url, secret: secret)
            try await Self.withJobs(configuration) { service, jobs in
                let morning = Self.morning
                let early = try await service.scheduler(jobs: jobs, clock: { morning.addingTimeInterval(-60) })
                await early.tick()
                try await early.log.close()
                #expect(try Self.messages(from: sender).isEmpty, "nothing goes out before 07:00")

                let recipients = try await jobs.recipients(tenant: "itc")
                let withMail = recipients.filter { $0.email != nil }
                #expect(withMail.count >= 10)
                let scheduler = try await service.scheduler(jobs: jobs, clock: { morning })
                await scheduler.tick()
                try await scheduler.log.close()
                let sent = try Self.messages(from: sender)
                #expect(sent.count == withMail.count, "one e-mail per recipient with an address")

                let company = try #require(configuration.tenants.first { $0.id == "itc" }).displayName
                let head = try #require(recipients.first { $0.hierarchyRole == "NSM" })
                let officer = try #require(recipients.first { $0.hierarchyRole == "SO" })
                for (person, scope) in [(head, "All of \(company)"), (officer, officer.territory?.name ?? "?")] {
                    let files = try Self.messages(from: sender, to: try #require(person.email))
                    #expect(files.count == 1, "\(person.name) got \(files.count) e-mails")
                    let mail = try await Self.parse(try #require(files.first, "no mail for \(person.name)"))
                    #expect(mail["content_type"] as? String == "multipart/alternative")
                    #expect(mail["part_types"] as? [String] == ["text/plain", "text/html"])
                    #expect((mail["subject"] as? String)?.contains(company) == true)
                    #expect((mail["subject"] as? String)?.contains(scope) == true, "\(mail["subject"] ?? "")")
                    #expect((mail["html"] as? String)?.contains("#1 &middot;") == true)
                    #expect((mail["text"] as? String)?.contains(person.name) == true)
                }

                // The head office hook got the NSM's digest only, signed.
                let requests = await receiver.requests
                #expect(requests.count == 1)
                let request = try #require(requests.first)
                let timestamp = try #require(request.headers["X-ConvAI-Timestamp"] ?? request.headers["x-convai-timestamp"])
                let signature = try #require(request.headers["X-ConvAI-Signature"] ?? request.headers["x-convai-signature"])
                let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(request.body)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
                #expect(signature == "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
                let payload = try #require(try JSONSerialization.jsonObject(with: Data(request.body.utf8)) as? [String: Any])
                #expect((payload["recipient"] as? [String: Any])?["id"] as? String == head.id)
                #expect((payload["insights"] as? [Any])?.count == 5)

                // Restarted (a new scheduler over the same log, later that morning): nothing again.
                let restarted = try await service.scheduler(jobs: jobs, clock: { morning.addingTimeInterval(1800) })
                await restarted.tick()
                try await restarted.log.close()
                #expect(try Self.messages(from: sender).count == sent.count)
                #expect(await receiver.requests.count == 1)
            }
        }
    }

    @Test func aRefusedWebhookIsRetriedAloneAndTheEmailGoesOutOnce() async throws {
        let port = try Self.smtpPort()
        let (sender, folder, seeded) = try await Self.run()
        defer { try? FileManager.default.removeItem(at: folder) }
        // The head office hook refuses the first post (400: not retried by the notifier).
        try await Self.withReceiver(refusing: 1) { url, receiver in
            var configuration = seeded
            configuration.insights = Self.insights(smtpPort: port, sender: sender, folder: folder, hook: url, secret: "s")
            try await Self.withJobs(configuration) { service, jobs in
                let morning = Self.morning
                let recipients = try await jobs.recipients(tenant: "itc")
                let head = try #require(recipients.first { $0.hierarchyRole == "NSM" })
                let headMail = try #require(head.email)
                let key = DeliveryKey(tenant: "itc", kind: .digest, recipientID: head.id, periodKey: "2025-07-01")

                let first = try await service.scheduler(jobs: jobs, clock: { morning })
                await first.tick()
                let failed = try await first.log.record(key)
                try await first.log.close()
                #expect(failed?.status == .failed && failed?.attempts == 1)
                #expect(failed?.lastError?.contains("webhook:head-office") == true, "\(failed?.lastError ?? "")")
                #expect(try Self.messages(from: sender, to: headMail).count == 1)
                let mailed = try Self.messages(from: sender).count
                #expect(await receiver.requests.count == 1)

                // A restarted scheduler, after the back-off: the hook gets the digest, and
                // nobody, the head included, is e-mailed again.
                let retried = try await service.scheduler(jobs: jobs, clock: { morning.addingTimeInterval(600) })
                await retried.tick()
                let delivered = try await retried.log.record(key)
                try await retried.log.close()
                #expect(delivered?.status == .delivered)
                #expect(try Self.messages(from: sender, to: headMail).count == 1)
                #expect(try Self.messages(from: sender).count == mailed)
                let requests = await receiver.requests
                #expect(requests.count == 2)
                let retry = try #require(requests.last)
                let payload = try #require(try JSONSerialization.jsonObject(with: Data(retry.body.utf8)) as? [String: Any])
                #expect((payload["recipient"] as? [String: Any])?["id"] as? String == head.id)
            }
        }
    }
}
