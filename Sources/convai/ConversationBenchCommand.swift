import ArgumentParser
import Conversation
import Foundation
import Logging
import Semantic
import Server
import Observability
import Warehouse

/// `convai bench conversation`: how long validate + parse takes per question of the
/// evaluation set, against compiling the resulting query to SQL (the next step on the same
/// request path) measured in the same run.
struct ConversationBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conversation",
        abstract: "Validate + parse latency (p50/p99, µs) over the evaluation set, against SQL compilation.",
        discussion: """
            Needs the tenants' seeded, transformed data (make run, or convai seed + convai transform):
            each tenant's value index is read from its database first, as the server does.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "The evaluation set.")
    var file = "eval/conversation.yml"

    @Option(help: "Timed rounds over the whole set.")
    var rounds = 50

    func validate() throws {
        guard rounds > 0 else { throw ValidationError("--rounds must be positive") }
    }

    func run() async throws {
        var logger = options.makeLogger()
        logger.logLevel = .warning
        let configuration = try options.loadConfiguration()
        let evaluation = try ConversationEvaluation.load(path: file)
        let asOf = try SQLDate(iso: evaluation.asOf).orThrow(ValidationError("bad asOf in \(file)"))
        let router = TenantRouter(tenants: configuration.tenants, logger: logger)
        struct Prepared {
            var validator: QueryValidator
            var compiler: QueryCompiler
            var turns: [[String]]
        }
        var prepared: [Prepared] = []
        for tenant in Array(Set(evaluation.cases.map(\.tenant))).sorted() {
            guard let tenantConfiguration = configuration.tenants.first(where: { $0.id == tenant }) else {
                progress("\(tenant): not in \(options.config), skipped")
                continue
            }
            let model = try DataModel.load(from: configuration.modelFolder(for: tenantConfiguration))
            let database = try await router.database(for: tenant)
            progress("\(tenant): reading the value index")
            let values = try await ValueIndex.build(
                model: model, database: database, configuration: ConversationService.valueIndexConfiguration(for: model))
            let parser = QuestionParser(model: model, values: values)
            prepared.append(
                Prepared(
                    validator: QueryValidator(parser: parser, values: values),
                    compiler: QueryCompiler(model: model, dialect: database.dialect),
                    turns: evaluation.cases.filter { $0.tenant == tenant }.map { $0.turns.map(\.question) }))
        }
        await router.closeAll()
        guard !prepared.isEmpty else { throw ValidationError("no tenant of \(file) is configured in \(options.config)") }

        var parseTimes: [Double] = []
        var compileTimes: [Double] = []
        let clock = ContinuousClock()
        var compiled = 0
        for round in 1...rounds {
            for tenant in prepared {
                for conversation in tenant.turns {
                    var previous: QueryIntent?
                    for question in conversation {
                        var validation: Validation?
                        let parse = clock.measure { validation = tenant.validator.validate(question, asOf: asOf, previous: previous) }
                        parseTimes.append(parse.milliseconds * 1000)
                        guard let validation, !validation.needsClarification else { continue }
                        previous = validation.parsed.intent
                        let query = validation.parsed.query.comparedQueries()[0]
                        let compile = clock.measure { _ = try? tenant.compiler.compile(query, asOf: asOf) }
                        compileTimes.append(compile.milliseconds * 1000)
                        compiled += 1
                    }
                }
            }
            if round % max(1, rounds / 5) == 0 { progress("round \(round)/\(rounds)") }
        }
        func percentile(_ values: [Double], _ p: Double) -> Double {
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
        }
        let questions = parseTimes.count / rounds
        print("conversation benchmark: \(questions) questions of \(file) x \(rounds) rounds, as of \(asOf)")
        print(String(format: "  validate + parse        p50 %8.1f µs   p99 %8.1f µs   max %8.1f µs",
                     percentile(parseTimes, 0.5), percentile(parseTimes, 0.99), parseTimes.max() ?? 0))
        print(String(format: "  compile to SQL (base)   p50 %8.1f µs   p99 %8.1f µs   (%d compiled queries)",
                     percentile(compileTimes, 0.5), percentile(compileTimes, 0.99), compiled / rounds))
        print(String(format: "  ratio parse / compile   p50 %.2fx", percentile(parseTimes, 0.5) / percentile(compileTimes, 0.5)))
        print(String(format: "  goal: p99 under 1000 µs -> %@", percentile(parseTimes, 0.99) < 1000 ? "met" : "NOT met"))
    }
}
