import Semantic
public import Hummingbird
public import Logging
public import Conversation
public import Observability
public import Warehouse
import Foundation
import NIOCore
import ServiceLifecycle

/// Builds the ConvAI HTTP application: routes, middleware, the tenant router, each
/// tenant's semantic model and the token check.
///
/// - Parameters:
///   - semantic: the tenants' models; loaded from the configuration when nil.
///   - sessions: where conversations are kept; `data/sessions.sqlite` under the root when nil.
///   - llmProviders: the tenants' LLMs; made from the configuration when nil.
///   - tracker: where usage is recorded; made from the configuration (and shut down with
///     the application) when nil.
///   - today: the date relative date ranges are resolved against (UTC today by default).
///   - runsInsightScheduler: also deliver the insight digests and alerts (`convai serve`
///     does unless told not to).
///   - refreshesPreAggregations: also build and refresh the models' rollups in the tenants'
///     databases on their refresh keys' schedule (`convai serve` does unless told not to).
///   - onServerRunning: called with the bound port once the server listens (the port may
///     have been chosen by the system when configured as 0).
public func buildApplication(
    configuration: ConvAIConfiguration,
    tenants: TenantRouter,
    logger: Logger,
    semantic: SemanticCatalog? = nil,
    sessions: SessionStore? = nil,
    llmProviders: [String: any LLMProvider]? = nil,
    tracker: UsageTracker? = nil,
    today: @escaping @Sendable () -> SQLDate = { SQLDate.todayUTC() },
    runsInsightScheduler: Bool = false,
    refreshesPreAggregations: Bool = false,
    onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    let semantic = semantic ?? SemanticCatalog.load(configuration: configuration, logger: logger)
    let authority = try await TokenAuthority(
        settings: try configuration.tokenSettings(), tenants: tenants.tenantIDs, logger: logger)
    if configuration.auth.developmentSignIn && !authority.mintsTokens {
        throw WarehouseError(
            .invalidConfiguration,
            "auth.development_sign_in is on, but only the identity provider's keys are configured: development sign-in mints HS256 tokens and needs auth.jwt_secret or CONVAI_JWT_SECRET")
    }
    // Development sign-in mints any tenant's admin token for whoever asks: only where the
    // asker is on this machine, unless the operator says otherwise in the environment.
    let loopbackHosts: Set<String> = ["127.0.0.1", "localhost", "::1"]
    if configuration.auth.developmentSignIn, !loopbackHosts.contains(configuration.server.host),
        ProcessInfo.processInfo.environment["CONVAI_ALLOW_DEVELOPMENT_SIGN_IN"] != "1"
    {
        throw WarehouseError(
            .invalidConfiguration,
            "auth.development_sign_in is on and the server listens on \(configuration.server.host): anyone who can reach it could sign in as any tenant's admin; serve on 127.0.0.1, turn development sign-in off, or set CONVAI_ALLOW_DEVELOPMENT_SIGN_IN=1")
    }
    if configuration.auth.developmentSignIn {
        logger.warning("auth.development_sign_in is on: anyone who can reach the server may sign in as anyone; never in production")
    }
    if let rules = configuration.rowLevelSecurity {
        // A misspelt role would silently leave that role unbounded.
        if let unknown = rules.roles.sorted().first(where: { !AccessClaims.roles.contains($0) }) {
            throw WarehouseError(
                .invalidConfiguration,
                "row_level_security.roles: unknown role '\(unknown)'; roles are \(AccessClaims.roles.sorted().joined(separator: ", "))")
        }
        for tenant in tenants.tenantIDs {
            if let model = try? semantic.model(for: tenant).model { try rules.validate(against: model) }
        }
    }
    let router = Router(context: ConvAIRequestContext.self)
    let access = AccessControl(
        grants: configuration.permissions, limiter: RequestRateLimiter(settings: configuration.limits),
        territories: TerritoryResolver(tenants: tenants, rules: configuration.rowLevelSecurity), limits: configuration.limits)
    let metrics = ServerMetrics()
    var services: [any Service] = []
    let usage: UsageTracker
    if let tracker {
        usage = tracker
    } else {
        usage = try await UsageTracker.make(configuration: configuration, logger: logger)
        services.append(UsageTrackerService(tracker: usage))
    }
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: IdentifyMiddleware(authority: authority))
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    // Cube serves its REST API to browser clients on other origins (its JavaScript client
    // in a dashboard); tokens travel in the Authorization header, never in cookies, so any
    // origin may call it, as with Cube's default.
    router.add(middleware: CORSMiddleware(allowOrigin: .all, maxAge: .hours(1)))
    HealthController(tenants: tenants).register(on: router)
    DevelopmentSignInController(
        enabled: configuration.auth.developmentSignIn, tenants: tenants, semantic: semantic, today: today, authority: authority,
        logger: logger
    ).register(on: router)
    MeController(tenants: tenants, access: access).register(on: router)
    // Prometheus scrapes without a token, as usual inside an operator's network; the
    // metrics carry tenant ids and counts, never data.
    router.get("metrics") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition(pools: tenants.usage()))))
    }
    let preAggregations = PreAggregationRegistry(tenants: tenants, semantic: semantic, logger: logger)
    if refreshesPreAggregations {
        services.append(PreAggregationRefreshService(tenants: tenants, semantic: semantic, registry: preAggregations, logger: logger))
    }
    let cubeAPI = CubeAPIController(
        tenants: tenants, semantic: semantic, access: access, today: today, logger: logger, tracker: usage,
        preAggregations: preAggregations, cache: QueryResultCache(settings: configuration.cache))
    cubeAPI.register(on: router)
    GraphQLAPIController(cubeAPI: cubeAPI).register(on: router)
    UsageController(report: UsageReport(store: usage.store), access: access).register(on: router)
    let sessionStore: SessionStore
    if let sessions {
        sessionStore = sessions
    } else {
        sessionStore = try await SessionStore(path: configuration.sessionStorePath, logger: logger)
        services.append(SessionStoreService(store: sessionStore, logger: logger))
    }
    let conversation = ConversationService(
        tenants: tenants, semantic: semantic, sessions: sessionStore, today: today, logger: logger, metrics: metrics,
        tracker: usage,
        llmProviders: llmProviders ?? ConversationService.llmProviders(configuration: configuration, logger: logger),
        numberFormats: configuration.numberFormats)
    AskController(service: conversation, access: access, logger: logger).register(on: router)
    let insights = try InsightService(configuration: configuration, tenants: tenants, logger: logger, semantic: semantic)
    InsightsController(service: insights, access: access, cache: InsightCache()).register(on: router)
    if runsInsightScheduler, let scheduler = try await InsightSchedulerService.make(service: insights, logger: logger) {
        services.append(scheduler)
    }
    // Last, so the files are looked up only for paths no route answers.
    WebAppFiles(webRoot: configuration.webRootPath, chartJSPath: configuration.chartJSPath).register(on: router, logger: logger)
    return Application(
        router: router,
        configuration: .init(
            address: .hostname(configuration.server.host, port: configuration.server.port), serverName: "ConvAI"),
        services: services,
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? configuration.server.port) },
        logger: logger
    )
}
