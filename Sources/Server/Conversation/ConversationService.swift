public import Conversation
public import Observability
import AsyncHTTPClient
public import Foundation
public import Logging
public import Semantic
public import Visualization
public import Warehouse

/// Answers plain questions for every tenant: parse and validate with the tenant's model and
/// value index, ask back when the question is too broad, otherwise run the query on the
/// tenant's database and answer with data, a chart and an insight. Used by the HTTP API and
/// by `convai ask`, so both give the same answers.
public actor ConversationService {
    /// One reply, ready to send.
    public struct Reply: Sendable {
        /// `answered` or `needs_clarification`.
        public var status: String
        /// The session it belongs to.
        public var sessionId: String
        /// The reply as JSON text (DESIGN.md's shape).
        public var json: String
        /// The reply in a few lines for a terminal.
        public var text: String
    }

    /// A tenant's conversational state: built on first use, values refreshed on demand.
    struct TenantState: Sendable {
        var model: DataModel
        var values: ValueIndex
        var parser: QuestionParser
        var validator: QueryValidator
    }

    let tenants: TenantRouter
    let semantic: SemanticCatalog
    let sessions: SessionStore
    let today: @Sendable () -> SQLDate
    let logger: Logger
    /// Where outcomes and LLM tokens are counted, if anywhere.
    let metrics: ServerMetrics?
    /// Where every question is recorded (who, what, outcome, timings, tokens), if anywhere.
    let tracker: UsageTracker?
    /// Per tenant, the LLM asked when the parser does not understand a question.
    let llmProviders: [String: any LLMProvider]
    private var states: [String: Task<TenantState, any Error>] = [:]
    /// Per tenant, when `etl_transform_runs` was last looked at and what it said.
    private var transformChecks: [String: (at: ContinuousClock.Instant, lastRun: String?)] = [:]
    /// How often a question may look for a newer transform run.
    let transformCheckInterval: Duration
    /// Per tenant, how answers write numbers (`tenants.<id>.locale`); Indian style otherwise.
    let numberFormats: [String: NumberFormat]

    /// Makes the service; nothing is read until the first question. `numberFormats` holds
    /// each tenant's number style (``ConvAIConfiguration/numberFormats``).
    public init(
        tenants: TenantRouter, semantic: SemanticCatalog, sessions: SessionStore,
        today: @escaping @Sendable () -> SQLDate = { SQLDate.todayUTC() }, logger: Logger,
        metrics: ServerMetrics? = nil, tracker: UsageTracker? = nil, llmProviders: [String: any LLMProvider] = [:],
        transformCheckInterval: Duration = .seconds(30), numberFormats: [String: NumberFormat] = [:]
    ) {
        self.numberFormats = numberFormats
        self.metrics = metrics
        self.tracker = tracker
        self.llmProviders = llmProviders
        self.transformCheckInterval = transformCheckInterval
        self.tenants = tenants
        self.semantic = semantic
        self.sessions = sessions
        self.today = today
        self.logger = logger
    }

    /// The dimensions whose values a question may name: every public string dimension except
    /// contact details and document numbers, which nobody asks about by value.
    public static func valueDimensions(of model: DataModel) -> [String] {
        var result: [String] = []
        for cubeName in model.cubeNames {
            guard let cube = model.cubes[cubeName], cube.isPublic else { continue }
            for dimension in cube.dimensions where dimension.isPublic && !dimension.primaryKey && dimension.type == .string {
                if dimension.meta?["index_values"]?.stringValue == "false" { continue }
                if case .bool(false) = dimension.meta?["index_values"] { continue }
                result.append("\(cube.name).\(dimension.name)")
            }
        }
        return result
    }

    /// What a tenant's value index reads: ``valueDimensions(of:)``, ranked by net sales when
    /// the model has them (so options come most sold first).
    public static func valueIndexConfiguration(for model: DataModel) -> ValueIndex.Configuration {
        ValueIndex.Configuration(
            dimensions: valueDimensions(of: model),
            frequencyMeasure: model.cubes["Transactions"]?.measure("netSales") != nil ? "Transactions.netSales" : nil)
    }

    func state(for tenant: String) async throws -> TenantState {
        if let task = states[tenant] {
            do { return try await task.value } catch {
                // A failed build (database down) is retried on the next question.
                states[tenant] = nil
                throw error
            }
        }
        let task = Task { [tenants, semantic, logger] () async throws -> TenantState in
            let model = try semantic.dataModel(for: tenant)
            let database = try await tenants.database(for: tenant)
            let started = ContinuousClock.now
            let configuration = Self.valueIndexConfiguration(for: model)
            let values: ValueIndex
            do {
                values = try await ValueIndex.build(model: model, database: database, configuration: configuration)
            } catch let error as WarehouseError {
                throw WarehouseError(
                    error.code,
                    "tenant \(tenant) has no readable sales data yet (seed and transform it: make transform, or convai seed + convai transform): \(error.message)")
            }
            logger.info(
                "value index built",
                metadata: ["tenant": "\(tenant)", "values": "\(values.count)", "elapsed": "\(ContinuousClock.now - started)"])
            let parser = QuestionParser(model: model, values: values)
            return TenantState(model: model, values: values, parser: parser, validator: QueryValidator(parser: parser, values: values))
        }
        states[tenant] = task
        do { return try await task.value } catch {
            states[tenant] = nil
            throw error
        }
    }

    /// Re-reads `tenant`'s values (after a transform); the old index serves until the new one is ready.
    public func refreshValues(tenant: String) async throws {
        var current = try await state(for: tenant)
        let database = try await tenants.database(for: tenant)
        try await current.values.refresh(database: database)
        current.parser = QuestionParser(model: current.model, values: current.values)
        current.validator = QueryValidator(parser: current.parser, values: current.values)
        let refreshed = current
        states[tenant] = Task { refreshed }
    }

    /// Re-reads the value index when a transform finished since it was read, looking at most
    /// every `transformCheckInterval`; a failed look keeps the current index.
    private func refreshIfTransformed(_ tenant: String) async {
        let now = ContinuousClock.now
        let previous = transformChecks[tenant]
        if let previous, now - previous.at < transformCheckInterval { return }
        guard let database = try? await tenants.database(for: tenant),
            let result = try? await database.query("SELECT max(finished_at) FROM etl_transform_runs", [])
        else {
            transformChecks[tenant] = (now, previous?.lastRun)
            return
        }
        let lastRun = result.scalar.map { $0.description }
        transformChecks[tenant] = (now, lastRun)
        guard let previous, previous.lastRun != lastRun, states[tenant] != nil else { return }
        do {
            try await refreshValues(tenant: tenant)
            logger.info("value index refreshed after a transform", metadata: ["tenant": "\(tenant)"])
        } catch {
            logger.warning("value index refresh failed; keeping the previous one", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
        }
    }

    /// What the asker may see: the rows of their territory (`restriction`, applied by the
    /// compiler to every query of the answer) and the SQL or not.
    struct Visibility: Sendable {
        var restriction: RowLevelRestriction?
        var showsSQL: Bool
    }

    /// Answers `question` for `user` of `tenant`, continuing `sessionId` when given and alive.
    /// `restriction` bounds the answer to the user's territory; `showsSQL` false leaves the SQL
    /// out of the answer.
    public func ask(
        tenant: String, user: String, question: String, sessionId: String?, asOf: SQLDate?,
        department: String? = nil, customer: String? = nil, restriction: RowLevelRestriction? = nil,
        showsSQL: Bool = true
    ) async throws -> Reply {
        let visibility = Visibility(restriction: restriction, showsSQL: showsSQL)
        let trimmed = question.trimmingCharacters(in: .whitespacesAndNewlines)
        let event = UsageEvent(
            kind: .ask, tenant: tenant, user: user, department: department, customer: customer, question: trimmed)
        return try await tracked(event) { event in
            guard !trimmed.isEmpty else { throw ConversationRequestError.badRequest("the question is empty") }
            guard trimmed.count <= 1000 else {
                throw ConversationRequestError.badRequest("the question is longer than 1000 characters")
            }
            await refreshIfTransformed(tenant)
            let state = try await state(for: tenant)
            var session = try await openSession(sessionId, tenant: tenant, user: user)
            let asOf = asOf ?? today()
            let started = ContinuousClock.now
            let validation = state.validator.validate(trimmed, asOf: asOf, previous: session.lastIntent)
            event.parseMs = (ContinuousClock.now - started).milliseconds
            return try await respond(
                validation, question: trimmed, asOf: asOf, state: state, session: &session, event: &event,
                visibility: visibility)
        }
    }

    /// Records `event` around `body` when a tracker is set: bad requests as rejected,
    /// failures as errors with their type, the rest as `body` left the outcome.
    private func tracked(_ event: UsageEvent, _ body: (inout UsageEvent) async throws -> Reply) async throws -> Reply {
        guard let tracker else {
            var event = event
            return try await body(&event)
        }
        return try await tracker.track(event) { event in
            do {
                return try await body(&event)
            } catch let error as ConversationRequestError {
                // A request the client can fix is a rejection, not a failure of ConvAI.
                event.outcome = .rejected
                event.errorClass = "ConversationRequestError"
                throw error
            }
        }
    }


    /// Applies the user's choices (by clarification dimension) to the session's pending
    /// question, or to `question` when given, and answers the refined question.
    public func clarify(
        tenant: String, user: String, sessionId: String, answers: [String: String], question: String?, asOf: SQLDate?,
        department: String? = nil, customer: String? = nil, restriction: RowLevelRestriction? = nil,
        showsSQL: Bool = true
    ) async throws -> Reply {
        let visibility = Visibility(restriction: restriction, showsSQL: showsSQL)
        let event = UsageEvent(
            kind: .ask, tenant: tenant, user: user, department: department, customer: customer, question: question)
        return try await tracked(event) { event in
            let state = try await state(for: tenant)
            guard var session = try await sessions.session(id: sessionId, tenant: tenant, user: user) else {
                throw ConversationRequestError.notFound("no live session \(sessionId) for this user; ask the question again")
            }
            guard let pending = question ?? session.pendingQuestion else {
                throw ConversationRequestError.badRequest("session \(sessionId) has no question waiting for a clarification")
            }
            guard !answers.isEmpty else { throw ConversationRequestError.badRequest("answers must choose at least one option") }
            let known: Set<String> = ["time", "products", "geography", "ranking", "unrecognized"]
            if let unknown = answers.keys.first(where: { !known.contains($0) }) {
                throw ConversationRequestError.badRequest(
                    "unknown clarification dimension '\(unknown)'; expected one of \(known.sorted().joined(separator: ", "))")
            }
            let asOf = asOf ?? session.pendingAsOf.flatMap { SQLDate(iso: $0) } ?? today()
            let started = ContinuousClock.now
            let (refined, validation) = state.validator.apply(answers, to: pending, asOf: asOf, previous: session.lastIntent)
            event.parseMs = (ContinuousClock.now - started).milliseconds
            event.question = refined
            return try await respond(
                validation, question: refined, asOf: asOf, state: state, session: &session, event: &event,
                visibility: visibility)
        }
    }

    private func openSession(_ id: String?, tenant: String, user: String) async throws -> ConversationSession {
        if let id, !id.isEmpty {
            if let session = try await sessions.session(id: id, tenant: tenant, user: user) { return session }
            // An expired or unknown id starts afresh under the same id, so the client keeps its handle.
            return ConversationSession(id: id, tenant: tenant, user: user)
        }
        return ConversationSession(tenant: tenant, user: user)
    }

    private func respond(
        _ validation: Validation, question: String, asOf: SQLDate, state: TenantState,
        session: inout ConversationSession, event: inout UsageEvent, visibility: Visibility
    ) async throws -> Reply {
        let parsed = validation.parsed
        // The LLM is for what the parser did not understand; a question that is merely broad
        // is asked back whoever reads it.
        if validation.needsClarification, !validation.isTooBroad, let provider = llmProviders[session.tenant],
            !parsed.unrecognized.isEmpty || !parsed.recognisedAnything
        {
            // Only the LLM's own failure falls back to asking the user; a refusal or failure of
            // the query it wrote (territory, timeout, database) is answered as such.
            let written: LLMReply?
            do {
                written = try await provider.cubeQuery(for: question, model: state.model, asOf: asOf)
            } catch {
                logger.warning("LLM could not answer; asking the user instead", metadata: ["error": "\(error)"])
                written = nil
            }
            if let reply = written {
                logger.info(
                    "question answered by the LLM",
                    metadata: [
                        "tenant": "\(session.tenant)", "gen_ai.request.model": "\(reply.usage.model)",
                        "gen_ai.usage.input_tokens": "\(reply.usage.inputTokens)",
                        "gen_ai.usage.output_tokens": "\(reply.usage.outputTokens)",
                    ])
                event.llm = LLMCallUsage(
                    provider: reply.usage.provider, model: reply.usage.model, inputTokens: reply.usage.inputTokens,
                    outputTokens: reply.usage.outputTokens, cachedInputTokens: reply.usage.cachedInputTokens)
                return try await answer(
                    intent: QueryIntent(query: reply.query), query: reply.query, validation: validation,
                    question: question, asOf: asOf, state: state, session: &session, usage: reply.usage, event: &event,
                    visibility: visibility)
            }
        }
        if validation.needsClarification {
            let validation = Self.bounded(validation, by: visibility.restriction, values: state.values)
            session.pendingQuestion = question
            session.pendingAsOf = asOf.description
            session.record(.init(question: question, status: "needs_clarification", understood: nil, at: Date()))
            try await sessions.save(session)
            let json = AnswerRenderer.clarification(validation, sessionId: session.id, question: question)
            var text = "I need a little more before I can answer “\(question)”:"
            for item in validation.clarifications {
                text += "\n- \(item.question) \(item.options.joined(separator: " | "))"
            }
            metrics?.questionAnswered(tenant: session.tenant, outcome: "clarification", source: "parser")
            event.outcome = .clarification
            return Reply(status: "needs_clarification", sessionId: session.id, json: json.serialized(), text: text)
        }
        return try await answer(
            intent: parsed.intent, query: parsed.query, validation: validation, question: question, asOf: asOf,
            state: state, session: &session, usage: nil, event: &event, visibility: visibility)
    }

    /// A caller bounded to a territory is not asked "where": every answer is their territory
    /// anyway, and the options (the tenant's places, most sold first) would show how the
    /// other territories sell. Suggestions naming a place of the tenant go too (the validator
    /// suggests the best-selling state even when it asks no "where").
    static func bounded(_ validation: Validation, by restriction: RowLevelRestriction?, values: ValueIndex) -> Validation {
        guard let restriction, restriction.territory.level != Territory.nationalLevel else { return validation }
        var validation = validation
        var places = Set(
            validation.clarifications.filter { $0.dimension == "geography" }.flatMap(\.options)
                .filter { $0 != QueryValidator.allGeographies })
        for dimension in values.dimensions where Self.geographyMembers.contains(dimension) {
            places.formUnion(values.topValues(of: dimension, limit: .max).map(\.value))
        }
        validation.clarifications.removeAll { $0.dimension == "geography" }
        validation.suggestions.removeAll { suggestion in places.contains { suggestion.contains(" in \($0)") } }
        return validation
    }

    /// The members whose values are places.
    static let geographyMembers: Set<String> = [
        "Customers.city", "Customers.state", "Customers.zone", "Accounts.city", "Accounts.state", "Accounts.zone",
    ]

    /// Runs `query` (once per compared period) and renders the answer; `usage` is set when an
    /// LLM wrote the query.
    private func answer(
        intent: QueryIntent, query: CubeQuery, validation: Validation, question: String, asOf: SQLDate,
        state: TenantState, session: inout ConversationSession, usage: LLMUsage?, event: inout UsageEvent,
        visibility: Visibility
    ) async throws -> Reply {
        let database = try await tenants.database(for: session.tenant)
        let compiler = QueryCompiler(model: state.model, dialect: database.dialect, restriction: visibility.restriction)
        var results: [AnswerRenderer.PeriodResult] = []
        var compileMs = 0.0
        var databaseMs = 0.0
        defer {
            event.compileMs = compileMs
            event.databaseMs = databaseMs
            event.rows = results.first?.result.rows.count
        }
        for (position, single) in query.comparedQueries().enumerated() {
            var started = ContinuousClock.now
            let compiled = try compiler.compile(single, asOf: asOf)
            compileMs += (ContinuousClock.now - started).milliseconds
            started = ContinuousClock.now
            let result = try await database.query(compiled.sql, compiled.binds)
            databaseMs += (ContinuousClock.now - started).milliseconds
            let period = position == 0 ? intent.period : intent.comparedPeriod
            results.append(.init(query: single, compiled: compiled, result: result, period: period))
        }
        let understood = state.parser.describe(intent)
        session.lastIntent = intent
        session.pendingQuestion = nil
        session.pendingAsOf = nil
        session.record(.init(question: question, status: "answered", understood: understood, at: Date()))
        try await sessions.save(session)
        var renderer = AnswerRenderer(model: state.model, parser: state.parser, asOf: asOf)
        renderer.numberFormat = numberFormats[session.tenant] ?? .india
        renderer.validator = state.validator
        let answer = renderer.answer(
            intent: intent, query: query, validation: validation, question: question, understood: understood,
            results: results, sessionId: session.id, usage: usage, showsSQL: visibility.showsSQL)
        metrics?.questionAnswered(tenant: session.tenant, outcome: "answered", source: usage == nil ? "parser" : "llm")
        if let usage {
            metrics?.llmCall(
                tenant: session.tenant, provider: usage.provider, model: usage.model, inputTokens: usage.inputTokens,
                outputTokens: usage.outputTokens, cachedInputTokens: usage.cachedInputTokens,
                costUSD: event.llm.flatMap { tracker?.pricing.cost(for: $0, on: event.at) })
        }
        return Reply(status: "answered", sessionId: session.id, json: answer.json.serialized(), text: answer.text)
    }
}

/// A request the conversation API refuses, with its HTTP meaning.
public enum ConversationRequestError: Error, CustomStringConvertible, Sendable {
    /// 400.
    case badRequest(String)
    /// 404.
    case notFound(String)
    /// 413.
    case tooLarge(String)

    public var description: String {
        switch self {
        case .badRequest(let message), .notFound(let message), .tooLarge(let message): message
        }
    }
}

extension ConversationService {
    /// The configured LLM providers, over the process-wide HTTP client. A tenant whose key is
    /// missing from the environment runs without one, with a warning naming the variable:
    /// an LLM is an option, never a requirement.
    public static func llmProviders(
        configuration: ConvAIConfiguration, environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger
    ) -> [String: any LLMProvider] {
        var providers: [String: any LLMProvider] = [:]
        for (tenant, settings) in configuration.llm.sorted(by: { $0.key < $1.key }) {
            do {
                providers[tenant] = try LLMProviders.make(settings, environment: environment, httpClient: HTTPClient.shared)
            } catch {
                logger.warning(
                    "LLM not used", metadata: ["tenant": "\(tenant)", "provider": "\(settings.provider.rawValue)", "error": "\(error)"])
            }
        }
        return providers
    }
}
