import AsyncHTTPClient
import ArgumentParser
import Foundation
import Insights
import Server
import Warehouse

struct DigestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "digest",
        abstract: "Render or send a tenant's insight digests now.",
        discussion: """
              convai digest --tenant itc --dry-run --out digest.html    the national head's e-mail, written to a file
              convai digest --tenant itc --for 41 --dry-run --out d.html  one person's
              convai digest --tenant itc --send                          every recipient's, by e-mail and webhook
            --send delivers at once, outside the schedule and its delivery log (the scheduler still
            sends its own digest at the digest time).
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "The tenant.")
    var tenant: String

    @Option(help: "The last day of data, YYYY-MM-DD (default: the latest day with sales).")
    var asOf: String?

    @Option(name: .customLong("for"), help: "The employee id whose digest to render or send (default: the national head for --dry-run, everyone for --send).")
    var employee: String?

    @Flag(help: "Render without sending.")
    var dryRun = false

    @Option(help: "With --dry-run: where to write the HTML (the plain text goes beside it, .txt).")
    var out: String?

    @Flag(help: "Send the digests by e-mail and webhook.")
    var send = false

    func validate() throws {
        if let asOf, SQLDate(iso: asOf) == nil {
            throw ValidationError("--as-of must be a real date written YYYY-MM-DD, got '\(asOf)'")
        }
        guard dryRun != send else { throw ValidationError("give exactly one of --dry-run and --send") }
        if dryRun && out == nil { throw ValidationError("--dry-run needs --out FILE for the HTML") }
        if send && out != nil { throw ValidationError("--out goes with --dry-run") }
    }

    func run() async throws {
        let logger = options.makeLogger()
        let configuration = try options.loadConfiguration()
        let router = TenantRouter(tenants: configuration.tenants, logger: logger)
        let service = try InsightService(configuration: configuration, tenants: router, logger: logger)
        do {
            try await run(service: service, configuration: configuration)
        } catch {
            await router.closeAll()
            throw error
        }
        await router.closeAll()
    }

    private func run(service: InsightService, configuration: ConvAIConfiguration) async throws {
        let day = try await service.asOf(tenant: tenant, requested: asOf.flatMap { SQLDate(iso: $0) })
        let everyone = try await service.recipients(tenant: tenant, asOf: day)
        var chosen = everyone
        if let employee {
            chosen = everyone.filter { $0.id == employee }
            guard !chosen.isEmpty else { throw ValidationError("tenant '\(tenant)' has no recipient '\(employee)'") }
        } else if dryRun {
            chosen = Array(everyone.filter { $0.territory == nil && $0.hierarchyRole == "NSM" }.prefix(1))
            guard !chosen.isEmpty else { throw ValidationError("tenant '\(tenant)' has no national head (NSM); use --for") }
        }
        progress(
            "finding insights for \(chosen.count) recipient\(chosen.count == 1 ? "" : "s") of \(tenant), data up to \(day)",
            command: "digest")
        let digests = try await service.digests(tenant: tenant, recipients: chosen, asOf: day)
        if dryRun, let out, let digest = digests.first {
            let renderer = try DigestRenderer()
            let url = URL(fileURLWithPath: out)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(renderer.html(for: digest).utf8).write(to: url)
            let text = url.deletingPathExtension().appendingPathExtension("txt")
            try Data(renderer.plainText(for: digest).utf8).write(to: text)
            print("wrote \(url.path) (and \(text.lastPathComponent)): \(renderer.subject(for: digest))")
            for (rank, insight) in digest.insights.enumerated() { print("  \(rank + 1). \(insight.title)") }
            return
        }
        guard configuration.insights.smtp != nil || !configuration.insights.webhooks.isEmpty else {
            throw ValidationError("nothing to send with: configure insights.smtp or insights.webhooks")
        }
        let client = InsightService.webhookClient()
        var failed = 0
        do {
            let notifier = try service.notifier(httpClient: client)
            for (index, digest) in digests.enumerated() {
                do {
                    let report = try await notifier.send(digest)
                    progress("[\(index + 1)/\(digests.count)] \(digest.recipient.name): \(report)", command: "digest")
                } catch {
                    failed += 1
                    progress("[\(index + 1)/\(digests.count)] \(digest.recipient.name): failed: \(error)", command: "digest")
                }
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        print("sent \(digests.count - failed) of \(digests.count) digests for \(tenant)")
        if failed > 0 { throw ExitCode(1) }
    }
}
