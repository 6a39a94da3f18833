import ArgumentParser
import Conversation
import Foundation
import Logging
import Server
import Warehouse

/// `convai eval`: asks every case of the evaluation set of the configured tenants and prints
/// accuracy per category and per tenant, then every failure.
struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Score the conversation evaluation set against the configured tenants' data.",
        discussion: "Needs the tenants' seeded, transformed data. Sessions go to a scratch file, not data/sessions.sqlite.")

    @OptionGroup var options: GlobalOptions

    @Option(help: "The evaluation set.")
    var file = "eval/conversation.yml"

    @Option(help: "Only the cases of these tenants (repeatable).")
    var tenant: [String] = []

    func run() async throws {
        var logger = options.makeLogger()
        logger.logLevel = .warning
        let configuration = try options.loadConfiguration()
        var evaluation = try ConversationEvaluation.load(path: file)
        let configured = Set(configuration.tenants.map(\.id))
        evaluation.cases.removeAll { !configured.contains($0.tenant) || (!tenant.isEmpty && !tenant.contains($0.tenant)) }
        guard !evaluation.cases.isEmpty else { throw ValidationError("no case of \(file) is for a configured tenant") }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("convai-eval-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let router = TenantRouter(tenants: configuration.tenants, logger: logger)
        let sessions = try await SessionStore(path: scratch.path, logger: logger)
        let service = ConversationService(
            tenants: router, semantic: SemanticCatalog.load(configuration: configuration, logger: logger),
            sessions: sessions, logger: logger, numberFormats: configuration.numberFormats)
        progress("asking \(evaluation.cases.count) cases")
        let outcomes = await evaluation.run { tenant, question, session, asOf in
            do {
                let reply = try await service.ask(
                    tenant: tenant, user: "eval", question: question, sessionId: session, asOf: SQLDate(iso: asOf))
                return Data(reply.json.utf8)
            } catch let error as ConversationRequestError {
                return Data(#"{"error": "\#(error.description)"}"#.utf8)
            }
        }
        try? await sessions.close()
        await router.closeAll()
        print(ConversationEvaluation.report(outcomes))
        let passed = outcomes.filter(\.passed).count
        if Double(passed) / Double(outcomes.count) < 0.95 { throw ExitCode(1) }
    }
}
