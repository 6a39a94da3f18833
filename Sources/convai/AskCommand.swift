import ArgumentParser
import Conversation
import Foundation
import Server
import Semantic
import Warehouse

struct AskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Ask a tenant's data a question in plain words, as POST /api/v1/ask does.",
        discussion: """
            A broad question is answered with clarifying questions and options; answer them with
            --session and one --choose per question, e.g.
              convai ask --tenant itc --as-of 2025-06-30 "show me sales"
              convai ask --tenant itc --session <id> --choose "time=last month" --choose "geography=Maharashtra"
            Sessions are kept in data/sessions.sqlite, so follow-ups work across invocations.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "The tenant to ask.")
    var tenant: String

    @Option(help: "The date relative periods are resolved against, YYYY-MM-DD (default: today, UTC).")
    var asOf: String?

    @Option(help: "Continue this session (follow-ups and clarifications).")
    var session: String?

    @Option(help: "The user the session belongs to.")
    var user: String = "cli"

    @Option(help: "Answer a clarifying question: DIMENSION=OPTION (time, products, geography, unrecognized). Repeatable.")
    var choose: [String] = []

    @Flag(help: "Print the reply as the API's JSON.")
    var json = false

    @Argument(help: "The question (optional with --choose).")
    var question: String?

    func validate() throws {
        if let asOf, SQLDate(iso: asOf) == nil {
            throw ValidationError("--as-of must be a real date written YYYY-MM-DD, got '\(asOf)'")
        }
        if question == nil && choose.isEmpty { throw ValidationError("give a question, or --session with --choose") }
        if !choose.isEmpty && session == nil { throw ValidationError("--choose answers a session's question: give --session") }
        for choice in choose where !choice.contains("=") {
            throw ValidationError("--choose takes DIMENSION=OPTION, got '\(choice)'")
        }
    }

    func run() async throws {
        let logger = options.makeLogger()
        let configuration = try options.loadConfiguration()
        let router = TenantRouter(tenants: configuration.tenants, logger: logger)
        let sessions = try await SessionStore(path: configuration.sessionStorePath, logger: logger)
        let service = ConversationService(
            tenants: router, semantic: SemanticCatalog.load(configuration: configuration, logger: logger),
            sessions: sessions, logger: logger,
            llmProviders: ConversationService.llmProviders(configuration: configuration, logger: logger),
            numberFormats: configuration.numberFormats)
        let asOf = self.asOf.flatMap { SQLDate(iso: $0) }
        do {
            let reply: ConversationService.Reply
            if choose.isEmpty, let question {
                reply = try await service.ask(tenant: tenant, user: user, question: question, sessionId: session, asOf: asOf)
            } else {
                var answers: [String: String] = [:]
                for choice in choose {
                    let parts = choice.split(separator: "=", maxSplits: 1)
                    answers[String(parts[0]).trimmingCharacters(in: .whitespaces)] = parts.count > 1 ? String(parts[1]) : ""
                }
                reply = try await service.clarify(
                    tenant: tenant, user: user, sessionId: session ?? "", answers: answers, question: question, asOf: asOf)
            }
            if json {
                print(reply.json)
            } else {
                print(reply.text)
                print("(session \(reply.sessionId))")
            }
        } catch let error as ConversationRequestError {
            try? await sessions.close()
            await router.closeAll()
            throw ValidationError(error.description)
        } catch {
            try? await sessions.close()
            await router.closeAll()
            throw error
        }
        try? await sessions.close()
        await router.closeAll()
    }
}
