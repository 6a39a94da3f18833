public import Foundation
import JWTKit
import Observability
import Synchronization
import Hummingbird
import Logging
import NIOCore
import Semantic
public import Warehouse

/// Cube's REST API, wire-compatible: `/cubejs-api/v1/load`, `/sql`, `/dry-run` (GET with
/// `?query=` or POST with `{"query": …}`) and `GET /meta`.
///
/// The tenant comes from the verified JWT in `Authorization` (the bare token, as Cube reads
/// it, or `Bearer <token>`); the query is compiled against that tenant's model for its
/// database's dialect, and every value in it travels as a bound parameter.
struct CubeAPIController: Sendable {
    let tenants: TenantRouter
    let semantic: SemanticCatalog
    let access: AccessControl
    let today: @Sendable () -> SQLDate
    let logger: Logger
    /// Where every query is recorded, if anywhere.
    var tracker: UsageTracker? = nil
    /// The rollups each tenant's database holds; queries they answer exactly are read from them.
    var preAggregations: PreAggregationRegistry? = nil
    /// Results served again to the same security context.
    var cache = QueryResultCache(settings: .off)
    /// Queries compiled before, by what they were compiled from.
    let compiledQueries = BoundedMemo<CompiledQueryKey, CompiledQuery>()
    /// Requests parsed before, by their text (the query parse is a JSON decode).
    let parsedRequests = BoundedMemo<RequestTextKey, CubeRequest>()
    /// The JSON of cached results, written once.
    let renderedResults = RenderedResults(budgetBytes: 64 << 20)

    func register(on router: Router<ConvAIRequestContext>) {
        let api = router.group("cubejs-api/v1").add(middleware: access.require(.cubeAPI))
        api.get("load") { request, context in await respond(to: request, context: context, load) }
        api.post("load") { request, context in await respond(to: request, context: context, load) }
        api.get("dry-run") { request, context in await respond(to: request, context: context, dryRun) }
        api.post("dry-run") { request, context in await respond(to: request, context: context, dryRun) }
        api.get("meta") { request, context in await respond(to: request, context: context, recorded: false, meta) }
        // The SQL shows how the tenant's tables are read: for roles that may see it.
        let sqlAPI = router.group("cubejs-api/v1").add(middleware: access.require(.cubeAPI, .viewSQL))
        sqlAPI.get("sql") { request, context in await respond(to: request, context: context, sql) }
        sqlAPI.post("sql") { request, context in await respond(to: request, context: context, sql) }
    }

    /// What a handler needs: who asked, and for which tenant's model; and where it notes what
    /// the query cost, for the usage record.
    struct Caller {
        var claims: AccessClaims
        var model: SemanticCatalog.TenantModel
        /// The caller's territory bound, applied by the compiler to every query.
        var restriction: RowLevelRestriction?
        let notes = QueryNotes()
    }

    /// Compile and database time and rows of one request, filled in by the handler.
    final class QueryNotes: Sendable {
        private let state = Mutex((compileMs: 0.0, databaseMs: 0.0, rows: Int?.none))
        func addCompile(since start: ContinuousClock.Instant) { state.withLock { $0.compileMs += (ContinuousClock.now - start).milliseconds } }
        func addDatabase(since start: ContinuousClock.Instant, rows: Int) {
            state.withLock {
                $0.databaseMs += (ContinuousClock.now - start).milliseconds
                $0.rows = ($0.rows ?? 0) + rows
            }
        }
        func fill(_ event: inout UsageEvent) {
            let (compile, database, rows) = state.withLock { ($0.compileMs, $0.databaseMs, $0.rows) }
            event.compileMs = compile
            event.databaseMs = database
            event.rows = rows
        }
    }

    /// `logger` is the request's, carrying its id (`hb.request.id`, also sent back as
    /// `X-Request-Id`), so every line about one request can be found together.
    private func respond(
        to request: Request, context: ConvAIRequestContext, recorded: Bool = true,
        _ handler: (Request, Caller) async throws -> JSONValue
    ) async -> Response {
        let logger = context.logger
        let started = ContinuousClock.now
        var event: UsageEvent?
        var notes: QueryNotes?
        let response = await answer(request, context: context, handler) { claims, callerNotes in
            guard recorded else { return }
            event = UsageEvent(
                kind: .apiQuery, tenant: claims.tenant, user: claims.sub.value, department: claims.department,
                customer: claims.customer, question: request.uri.path)
            notes = callerNotes
        }
        if var event, let tracker {
            notes?.fill(&event)
            event.totalMs = (ContinuousClock.now - started).milliseconds
            switch response.status.code {
            case 200..<300: event.outcome = .answered
            case 400..<500:
                event.outcome = .rejected
                event.errorClass = "HTTP \(response.status.code)"
            default:
                event.outcome = .error
                event.errorClass = "HTTP \(response.status.code)"
            }
            tracker.record(event)
        }
        return response
    }

    /// Who is asking, from the verified token: claims, territory bound and the tenant's model.
    /// Shared with the GraphQL API, which answers the same callers the same way.
    func caller(for context: ConvAIRequestContext) async throws -> Caller {
        let claims = try context.requireClaims()
        let restriction: RowLevelRestriction?
        do {
            restriction = try await access.restriction(for: claims)
        } catch let denied as TerritoryResolver.Denied {
            throw CubeAPIError.forbidden(denied.description)
        }
        let model: SemanticCatalog.TenantModel
        do {
            model = try semantic.model(for: claims.tenant)
        } catch let error as SemanticError {
            throw CubeAPIError.internalError("the data model of tenant '\(claims.tenant)' does not load: \(error)")
        }
        return Caller(claims: claims, model: model, restriction: restriction)
    }

    private func answer(
        _ request: Request, context: ConvAIRequestContext, _ handler: (Request, Caller) async throws -> JSONValue,
        identified: (AccessClaims, QueryNotes) -> Void
    ) async -> Response {
        do {
            let caller = try await caller(for: context)
            identified(caller.claims, caller.notes)
            return try await handler(request, caller).response()
        } catch {
            let (status, message) = Self.refusal(for: error, path: request.uri.path, logger: context.logger)
            return JSONValue.error(message, status: status)
        }
    }

    /// The status and message of a failed request, as Cube words them; server-side failures
    /// are logged. Shared with the GraphQL API.
    static func refusal(for error: any Error, path: String, logger: Logger) -> (HTTPResponse.Status, String) {
        switch error {
        case let error as CubeAPIError:
            if error.status == .internalServerError {
                logger.error("cube api request failed", metadata: ["http.path": "\(path)", "error": "\(error.message)"])
            }
            return (error.status, error.message)
        case let error as SemanticError where error.code == .accessDenied:
            return (.forbidden, "Forbidden: \(error.message)")
        case let error as SemanticError:
            let answer = CubeAPIError.query(error)
            return (answer.status, answer.message)
        case let error as WarehouseError where error.code == .timeout:
            logger.warning("cube api query timed out", metadata: ["http.path": "\(path)", "error": "\(error)"])
            return (.gatewayTimeout, "Query timeout: \(error.message)")
        case let error as WarehouseError:
            logger.error("cube api query failed", metadata: ["http.path": "\(path)", "error": "\(error)"])
            return (.internalServerError, "Error while querying the database: \(error.message)")
        default:
            logger.error("cube api request failed", metadata: ["http.path": "\(path)", "error": "\(error)"])
            return (.internalServerError, "Internal error: \(error)")
        }
    }

    // MARK: Requests

    private func cubeRequest(_ request: Request) async throws -> CubeRequest {
        do {
            if request.method == .get {
                guard let text = request.uri.queryParameters.get("query"), !text.isEmpty else {
                    throw CubeAPIError.badRequest("Query param is required")
                }
                let queryType = request.uri.queryParameters.get("queryType")
                return try parsed(Data(text.utf8), queryType: queryType) { try CubeRequest(queryParameter: text, queryType: queryType) }
            }
            let body: ByteBuffer
            do {
                body = try await request.body.collect(upTo: access.limits.maxBodyBytes)
            } catch {
                throw CubeAPIError(status: .contentTooLarge, message: "the request body is larger than \(access.limits.maxBodyBytes) bytes")
            }
            let data = Data(body.readableBytesView)
            if data.isEmpty, let text = request.uri.queryParameters.get("query") {
                return try CubeRequest(queryParameter: text, queryType: request.uri.queryParameters.get("queryType"))
            }
            return try parsed(data, queryType: nil) { try CubeRequest(body: data) }
        } catch let error as SemanticError {
            throw CubeAPIError.query(error)
        }
    }

    /// A request's queries, parsed once per text; long texts (rare, and each a memory cost)
    /// are parsed every time.
    private func parsed(_ text: Data, queryType: String?, parse: () throws -> CubeRequest) throws -> CubeRequest {
        guard text.count <= 4096 else { return try parse() }
        return try parsedRequests.value(RequestTextKey(text: text, queryType: queryType), make: parse)
    }

    /// Refuses members that the model hides (`public: false`), as Cube does.
    private func checkVisible(_ query: CubeQuery, members: MemberCatalog) throws {
        var names = query.measures + query.dimensions + query.segments + query.timeDimensions.map(\.dimension)
        func collect(_ filter: CubeQuery.Filter) {
            switch filter {
            case .member(let member, _, _): names.append(member)
            case .and(let items), .or(let items): items.forEach(collect)
            }
        }
        query.filters.forEach(collect)
        for name in names {
            if let member = members.member(name), !member.isPublic {
                throw CubeAPIError.badRequest(
                    "You requested hidden member: '\(name)'. Please make it visible using `public: true`.")
            }
        }
    }

    /// A query checked and compiled for one caller.
    struct Prepared {
        var query: CubeQuery
        var compiled: CompiledQuery
        var shapes: CubeQueryShapes
        /// When the rollup the SQL reads was last built (nil: the raw tables).
        var rollupRefreshedAt: Date?
        /// Small enough to be a memo key: a query with thousands of filter values would hold
        /// megabytes as one.
        var isMemoizable: Bool
    }

    private func prepare(_ request: Request, _ caller: Caller) async throws -> (CubeRequest, [Prepared], any Database) {
        let cubeRequest = try await cubeRequest(request)
        if cubeRequest.isArray, cubeRequest.queryType != "multi" {
            throw CubeAPIError.badRequest(
                "several queries were sent; add queryType=multi to receive one result per query")
        }
        let (prepared, database) = try await prepare(cubeRequest.queries, caller)
        return (cubeRequest, prepared, database)
    }

    /// Checks each query against the model's visibility and the server's row ceiling, and
    /// compiles it for the caller's tenant, dialect and territory. Shared with the GraphQL API.
    func prepare(_ queries: [CubeQuery], _ caller: Caller) async throws -> ([Prepared], any Database) {
        let database = try await tenants.database(for: caller.claims.tenant)
        let built = await preAggregations?.built(for: caller.claims.tenant) ?? .init()
        let compiler = QueryCompiler(
            model: caller.model.model, dialect: database.dialect, restriction: caller.restriction, rollups: built.rollups)
        let today = self.today()
        let prepared = try queries.map { query in
            var query = query
            try checkVisible(query, members: caller.model.members)
            // The operator's row ceiling (limits.max_rows), below Cube's own maximum.
            let maxRows = access.limits.maxRows
            if let limit = query.limit, limit > maxRows {
                throw CubeAPIError.badRequest("limit \(limit) is beyond this server's maximum of \(maxRows) rows")
            } else if query.limit == nil, QueryCompiler.defaultLimit > maxRows {
                query.limit = maxRows
            }
            let started = ContinuousClock.now
            let key = CompiledQueryKey(
                tenant: caller.claims.tenant, restriction: caller.restriction, query: query, today: today,
                rollups: built.refreshedAt)
            let isMemoizable = Self.filterValueBytes(query.filters) <= 4096
            let compiled =
                isMemoizable
                ? try compiledQueries.value(key) { try compiler.compile(query, asOf: today) }
                : try compiler.compile(query, asOf: today)
            caller.notes.addCompile(since: started)
            return Prepared(
                query: query, compiled: compiled, shapes: CubeQueryShapes(query: query, members: caller.model.members, today: today),
                rollupRefreshedAt: compiled.usedPreAggregation.flatMap { built.refreshedAt[$0] }, isMemoizable: isMemoizable)
        }
        return (prepared, database)
    }

    /// The bytes of every filter value in `filters`.
    static func filterValueBytes(_ filters: [CubeQuery.Filter]) -> Int {
        filters.reduce(0) { total, filter in
            switch filter {
            case .member(let member, _, let values): total + member.utf8.count + values.reduce(0) { $0 + $1.utf8.count }
            case .and(let items), .or(let items): total + filterValueBytes(items)
            }
        }
    }

    /// One query's rows, with its total when asked for, when the data was read and from
    /// which rollups.
    struct Executed {
        var result: ResultSet
        var total: Int?
        var lastRefreshTime: Date
        var usedPreAggregations: [String]
        /// Where the result is cached, when the cache is on.
        var cacheKey: QueryResultCache.Key?
        /// When the rows were read from the database.
        var readAt: Date
    }

    /// Runs a prepared query, or serves its result again from the cache. Shared with the
    /// GraphQL API.
    func execute(_ item: Prepared, on database: any Database, for caller: Caller) async throws -> Executed {
        let key = QueryResultCache.Key(
            tenant: caller.claims.tenant, restriction: caller.restriction,
            sql: item.compiled.sql, binds: item.compiled.binds, totalSQL: item.compiled.totalSQL,
            refreshKey: item.rollupRefreshedAt)
        let notes = caller.notes
        let compiled = item.compiled
        let (cached, _) = try await cache.result(for: key) {
            let started = ContinuousClock.now
            let result = try await database.query(compiled.sql, compiled.binds)
            notes.addDatabase(since: started, rows: result.rows.count)
            var total: Int?
            if let totalSQL = compiled.totalSQL {
                total = Int(try await database.query(totalSQL, compiled.binds).scalar?.intValue ?? 0)
            }
            return .init(rows: result, total: total, readAt: Date())
        }
        return Executed(
            result: cached.rows, total: cached.total, lastRefreshTime: item.rollupRefreshedAt ?? cached.readAt,
            usedPreAggregations: compiled.usedPreAggregation.map { [$0] } ?? [],
            cacheKey: cache.settings.ttlSeconds > 0 ? key : nil, readAt: cached.readAt)
    }

    // MARK: Endpoints

    private func load(_ request: Request, _ caller: Caller) async throws -> JSONValue {
        let (cubeRequest, prepared, database) = try await prepare(request, caller)
        var results: [JSONValue] = []
        for item in prepared {
            let executed = try await execute(item, on: database, for: caller)
            guard let cacheKey = executed.cacheKey, item.isMemoizable else {
                results.append(try loadResult(item, executed, dialect: database.dialect))
                continue
            }
            let key = RenderedResults.Key(result: cacheKey, readAt: executed.readAt, query: item.query, today: item.shapes.today)
            results.append(.fragment(try renderedResults.bytes(key) { try loadResult(item, executed, dialect: database.dialect).utf8() }))
        }
        guard cubeRequest.queryType == "multi" else { return results[0] }
        return .object([
            ("queryType", .string("regularQuery")),
            ("results", .array(results)),
            ("pivotQuery", try pivotQuery(prepared[0])),
            ("slowQuery", .bool(false)),
        ])
    }

    /// One query's part of a `/v1/load` answer.
    private func loadResult(_ item: Prepared, _ executed: Executed, dialect: SQLDialect) throws -> JSONValue {
            var fields: [(String, JSONValue)] = [
                ("query", try item.shapes.normalizedQuery()),
                ("data", item.shapes.rows(executed.result, columns: item.compiled.columns)),
                ("lastRefreshTime", .string(Self.timestamp(executed.lastRefreshTime))),
                ("annotation", item.shapes.annotation()),
                ("dataSource", .string("default")),
                ("dbType", .string(dialect.rawValue)),
                ("extDbType", .string("cubestore")),
                ("external", .bool(false)),
                ("slowQuery", .bool(false)),
                ("usedPreAggregations", .object(executed.usedPreAggregations.map { ($0, .object([])) })),
            ]
            if let total = executed.total { fields.append(("total", .number(String(total)))) }
            return .object(fields)
    }

    private func sql(_ request: Request, _ caller: Caller) async throws -> JSONValue {
        let (cubeRequest, prepared, _) = try await prepare(request, caller)
        let items = prepared.map { item -> JSONValue in
            var fields: [(String, JSONValue)] = [
                ("sql", .array([.string(item.compiled.sql), .array(item.compiled.binds.map(CubeQueryShapes.parameter))])),
                // Cube lists the order here as {member: direction}, its clients read it so.
                ("order", .object(item.shapes.effectiveOrder.map { ($0.member, .string($0.direction.rawValue)) })),
                ("aliasNameToMember", .object(item.compiled.columns.map { ($0.name, .string($0.name)) })),
                ("memberNames", .strings(item.compiled.columns.map(\.name))),
                ("cacheKeyQueries", .array([])),
                (
                    "preAggregations",
                    .array(
                        item.compiled.usedPreAggregation.map { id in
                            let table = id.split(separator: ".").map(String.init)
                            return [.object([
                                ("preAggregationId", .string(id)),
                                ("tableName", .string(PreAggregation(name: table.last ?? id, cube: table.first ?? id).tableName)),
                            ])]
                        } ?? [])
                ),
                ("rollupMatchResults", .array([])),
                ("dataSource", .string("default")),
                ("external", .bool(false)),
            ]
            if let td = item.compiled.columns.first(where: { if case .timeDimension = $0.kind { true } else { false } }) {
                fields.append(("timeDimensionAlias", .string(td.name)))
                fields.append(("timeDimensionField", .string(td.member)))
            }
            if let totalSQL = item.compiled.totalSQL { fields.append(("totalSql", .string(totalSQL))) }
            return .object(fields)
        }
        return .object([("sql", cubeRequest.isArray ? .array(items) : items[0])])
    }

    private func dryRun(_ request: Request, _ caller: Caller) async throws -> JSONValue {
        let (_, prepared, _) = try await prepare(request, caller)
        return .object([
            ("queryType", .string("regularQuery")),
            ("normalizedQueries", .array(try prepared.map { try $0.shapes.normalizedQuery() })),
            ("queryOrder", .array(prepared.map { item in
                .object(item.shapes.effectiveOrder.map { ($0.member, .string($0.direction.rawValue)) })
            })),
            ("pivotQuery", try pivotQuery(prepared[0])),
            ("transformedQueries", .array(prepared.map { _ in .null })),
        ])
    }

    private func pivotQuery(_ item: Prepared) throws -> JSONValue { try item.shapes.normalizedQuery() }

    private func meta(_ request: Request, _ caller: Caller) async throws -> JSONValue {
        func member(_ item: MemberCatalog.Member) -> JSONValue {
            var fields: [(String, JSONValue)] = [
                ("name", .string(item.name)), ("title", .string(item.title)), ("shortTitle", .string(item.shortTitle)),
                ("type", .string(item.type)),
            ]
            if let description = item.description { fields.append(("description", .string(description))) }
            if let format = item.format { fields.append(("format", .string(format))) }
            if let meta = item.meta { fields.append(("meta", CubeQueryShapes.json(meta))) }
            switch item.kind {
            case .measure:
                fields.append(("aggType", .string(item.aggType ?? "number")))
                fields.append(("cumulative", .bool(false)))
                fields.append(("cumulativeTotal", .bool(false)))
                fields.append(("drillMembers", .array([])))
                fields.append(("drillMembersGrouped", .object([("measures", .array([])), ("dimensions", .array([]))])))
            case .dimension:
                fields.append(("suggestFilterValues", .bool(true)))
                fields.append(("primaryKey", .bool(item.primaryKey)))
            case .segment: break
            }
            fields.append(("isVisible", .bool(true)))
            fields.append(("public", .bool(true)))
            return .object(fields)
        }
        let cubes = caller.model.members.entries.filter(\.isPublic).map { entry -> JSONValue in
            var fields: [(String, JSONValue)] = [
                ("name", .string(entry.name)), ("title", .string(entry.title)),
                ("type", .string(entry.isView ? "view" : "cube")),
            ]
            if let description = entry.description { fields.append(("description", .string(description))) }
            if let meta = entry.meta { fields.append(("meta", CubeQueryShapes.json(meta))) }
            if let component = entry.connectedComponent { fields.append(("connectedComponent", .number(component))) }
            fields.append(("isVisible", .bool(true)))
            fields.append(("public", .bool(true)))
            fields.append(("measures", .array(entry.measures.filter(\.isPublic).map(member))))
            fields.append(("dimensions", .array(entry.dimensions.filter(\.isPublic).map(member))))
            fields.append(("segments", .array(entry.segments.filter(\.isPublic).map(member))))
            fields.append(("hierarchies", .array([])))
            fields.append(("folders", .array([])))
            return .object(fields)
        }
        return .object([("cubes", .array(cubes))])
    }

    /// `2025-06-30T08:15:00.123Z`.
    static func timestamp(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down))
        return CubeValueFormat.time(SQLTimestamp(microsecondsSinceEpoch: micros)) + "Z"
    }
}

extension SQLDate {
    // Public so that callers of buildApplication can pass a fixed date.
    /// Today's date in UTC.
    public static func todayUTC(_ now: Date = Date()) -> SQLDate {
        SQLDate(daysSinceEpoch: Int32((now.timeIntervalSince1970 / 86_400).rounded(.down)))
    }
}
