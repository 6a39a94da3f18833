import Foundation
import GraphQL
import Hummingbird
import JWTKit
import Logging
import NIOCore
import Observability
import Semantic
import Synchronization

/// Cube's GraphQL API at `/cubejs-api/graphql`: `POST` with `{"query", "variables",
/// "operationName"}` (or an `application/graphql` body), or `GET` with the same as URL
/// parameters.
///
/// It answers the callers the REST API answers, the same way: the token and the `cube_api`
/// permission are checked by the same middleware, and every `cube` field becomes a Cube
/// query that goes through the REST path's own ``CubeAPIController/caller(for:)``,
/// ``CubeAPIController/prepare(_:_:)`` and ``CubeAPIController/execute(_:on:for:)``, so
/// visibility, row limits, row-level security and the tenant's database are the REST
/// API's. The schema is built from the caller's tenant's model, once per tenant.
///
/// Answers follow GraphQL over HTTP: `{"data": …}`; a request that does not parse or
/// validate is a 400 with `{"errors": […]}`; a query the Cube path refuses gives
/// `{"data": null, "errors": [{"message": <Cube's message>}]}` with the REST API's status
/// for it (400 for a query error, 500 for a database failure); a missing or bad token, or
/// a role without `cube_api`, gets the REST API's 401/403 `{"error": …}`.
struct GraphQLAPIController: Sendable {
    let cubeAPI: CubeAPIController
    private let schemas = SchemaCache()

    init(cubeAPI: CubeAPIController) { self.cubeAPI = cubeAPI }

    func register(on router: Router<ConvAIRequestContext>) {
        let api = router.group("cubejs-api").add(middleware: cubeAPI.access.require(.cubeAPI))
        api.get("graphql") { request, context in await respond(to: request, context: context) }
        api.post("graphql") { request, context in await respond(to: request, context: context) }
    }

    private func respond(to request: Request, context: ConvAIRequestContext) async -> Response {
        let started = ContinuousClock.now
        let caller: CubeAPIController.Caller
        do {
            caller = try await cubeAPI.caller(for: context)
        } catch {
            let (status, message) = CubeAPIController.refusal(for: error, path: request.uri.path, logger: context.logger)
            return JSONValue.error(message, status: status)
        }
        let response = await answer(request, caller: caller, logger: context.logger)
        record(request, caller: caller, status: response.status, since: started)
        return response
    }

    private func answer(_ request: Request, caller: CubeAPIController.Caller, logger: Logger) async -> Response {
        let operation: GraphQLOperationRequest
        do {
            operation = try await GraphQLOperationRequest(request, maxBodyBytes: cubeAPI.access.limits.maxBodyBytes)
        } catch {
            return Self.response(errors: [GraphQLError(message: "\(error)")], status: .badRequest)
        }
        let schema: CubeGraphQLSchema
        do {
            schema = try schemas.schema(for: caller.claims.tenant) {
                try CubeGraphQLSchema(catalog: caller.model.members, resolveCube: Self.resolveCube)
            }
        } catch {
            logger.error("graphql schema does not build", metadata: ["tenant.id": "\(caller.claims.tenant)", "error": "\(error)"])
            return Self.response(errors: [GraphQLError(message: "Internal error: the GraphQL schema does not build")], status: .internalServerError)
        }
        let scope = RequestScope(cubeAPI: cubeAPI, caller: caller, schema: schema, logger: logger, path: request.uri.path)
        let result: GraphQLResult
        do {
            result = try await graphql(
                schema: schema.schema, request: operation.query, context: scope, variableValues: operation.variables,
                operationName: operation.operationName)
        } catch let error as GraphQLError {
            // A syntax error.
            return Self.response(errors: [error], status: .badRequest)
        } catch {
            return Self.response(errors: [GraphQLError(message: "\(error)")], status: .badRequest)
        }
        if let status = scope.failure { return Self.response(data: .null, errors: result.errors, status: status) }
        guard let data = result.data else { return Self.response(errors: result.errors, status: .badRequest) }
        return Self.response(data: data, errors: result.errors, status: .ok)
    }

    /// The most `cube` fields (aliases) one request may run: each is a database query, and
    /// the rate limiter counts the request once.
    static let maximumCubeFields = 10

    /// Answers the `cube` field for the request in `context` (a ``RequestScope``).
    private static let resolveCube: GraphQLFieldResolve = { _, arguments, context, info in
        guard let scope = context as? RequestScope else { throw GraphQLError(message: "Internal error: no request scope") }
        guard scope.admitCubeField() else {
            throw GraphQLError(message: "a request may select cube at most \(maximumCubeFields) times")
        }
        return try await scope.rows(arguments: arguments, info: info)
    }

    /// One request's caller, and the first refusal of the Cube path, which sets the status.
    final class RequestScope: Sendable {
        let cubeAPI: CubeAPIController
        let caller: CubeAPIController.Caller
        let schema: CubeGraphQLSchema
        let logger: Logger
        let path: String
        private let refusal = Mutex<HTTPResponse.Status?>(nil)
        private let cubeFields = Mutex(0)

        /// Counts one more `cube` field; false past the maximum.
        func admitCubeField() -> Bool {
            cubeFields.withLock { count in
                count += 1
                return count <= GraphQLAPIController.maximumCubeFields
            }
        }

        init(cubeAPI: CubeAPIController, caller: CubeAPIController.Caller, schema: CubeGraphQLSchema, logger: Logger, path: String) {
            self.cubeAPI = cubeAPI
            self.caller = caller
            self.schema = schema
            self.logger = logger
            self.path = path
        }

        var failure: HTTPResponse.Status? { refusal.withLock { $0 } }

        func rows(arguments: Map, info: GraphQLResolveInfo) async throws -> [[String: any Sendable]] {
            do {
                let query = try CubeGraphQLTranslator(schema: schema, info: info).query(arguments: arguments, fields: info.fieldASTs)
                let (prepared, database) = try await cubeAPI.prepare([query], caller)
                guard let item = prepared.first else { return [] }
                let executed = try await cubeAPI.execute(item, on: database, for: caller)
                return schema.results(item.shapes.rows(executed.result, columns: item.compiled.columns), query: item.query)
            } catch {
                let (status, message) = CubeAPIController.refusal(for: error, path: path, logger: logger)
                refusal.withLock { if $0 == nil { $0 = status } }
                throw GraphQLError(message: message)
            }
        }
    }

    /// The tenants' schemas; a tenant's model is loaded once at start, so its schema is too.
    final class SchemaCache: Sendable {
        private let schemas = Mutex<[String: CubeGraphQLSchema]>([:])

        func schema(for tenant: String, build: () throws -> CubeGraphQLSchema) throws -> CubeGraphQLSchema {
            try schemas.withLock { schemas in
                if let schema = schemas[tenant] { return schema }
                let schema = try build()
                schemas[tenant] = schema
                return schema
            }
        }
    }

    /// The usage record the REST API keeps for each request, kept for this one too.
    private func record(_ request: Request, caller: CubeAPIController.Caller, status: HTTPResponse.Status, since started: ContinuousClock.Instant) {
        guard let tracker = cubeAPI.tracker else { return }
        let claims = caller.claims
        var event = UsageEvent(
            kind: .apiQuery, tenant: claims.tenant, user: claims.sub.value, department: claims.department,
            customer: claims.customer, question: request.uri.path)
        caller.notes.fill(&event)
        event.totalMs = (ContinuousClock.now - started).milliseconds
        event.outcome = status.code < 300 ? .answered : status.code < 500 ? .rejected : .error
        if status.code >= 300 { event.errorClass = "HTTP \(status.code)" }
        tracker.record(event)
    }

    // MARK: Responses

    private static func response(data: Map? = nil, errors: [GraphQLError], status: HTTPResponse.Status) -> Response {
        let encoder = GraphQLJSONEncoder()
        func json(_ value: some Encodable) -> String {
            (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
        }
        var fields: [String] = []
        if let data { fields.append("\"data\":" + json(data)) }
        if !errors.isEmpty { fields.append("\"errors\":" + json(errors)) }
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: "{" + fields.joined(separator: ",") + "}")))
    }
}
