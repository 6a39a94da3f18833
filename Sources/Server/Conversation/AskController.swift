import Conversation
import Foundation
import Hummingbird
import JWTKit
import Logging
import NIOCore
import Semantic
import Warehouse

/// `POST /api/v1/ask` and `POST /api/v1/ask/clarify`: plain questions in, answers or
/// clarifying questions out. The tenant and user come from the verified token only.
struct AskController: Sendable {
    let service: ConversationService
    let access: AccessControl
    let logger: Logger

    static let maximumBodyBytes = 64 * 1024

    func register(on router: Router<ConvAIRequestContext>) {
        let api = router.group("api/v1").add(middleware: access.require(.ask))
        api.post("ask") { request, context in await respond(to: request, context: context, ask) }
        api.post("ask/clarify") { request, context in await respond(to: request, context: context, clarify) }
    }

    /// Who asks, and what they may see.
    private struct Caller {
        var claims: AccessClaims
        var restriction: RowLevelRestriction?
        var showsSQL: Bool
    }

    private struct AskBody: Decodable {
        var question: String?
        var sessionId: String?
        var asOf: String?
    }

    private struct ClarifyBody: Decodable {
        struct Choice: Decodable {
            var dimension: String
            var option: String
        }
        var sessionId: String?
        var question: String?
        var asOf: String?
        /// `{"time": "last month"}` …
        var answers: [String: String]?
        /// … or `[{"dimension": "time", "option": "last month"}]`.
        var choices: [Choice]?
    }

    private func ask(_ request: Request, _ caller: Caller) async throws -> ConversationService.Reply {
        let claims = caller.claims
        let body = try await decode(AskBody.self, request)
        guard let question = body.question else { throw ConversationRequestError.badRequest("question is required") }
        return try await service.ask(
            tenant: claims.tenant, user: claims.sub.value, question: question, sessionId: body.sessionId,
            asOf: try Self.asOf(body.asOf), department: claims.department, customer: claims.customer,
            restriction: caller.restriction, showsSQL: caller.showsSQL)
    }

    private func clarify(_ request: Request, _ caller: Caller) async throws -> ConversationService.Reply {
        let claims = caller.claims
        let body = try await decode(ClarifyBody.self, request)
        guard let sessionId = body.sessionId, !sessionId.isEmpty else {
            throw ConversationRequestError.badRequest("sessionId is required: the session of the question being clarified")
        }
        var answers = body.answers ?? [:]
        for choice in body.choices ?? [] { answers[choice.dimension] = choice.option }
        return try await service.clarify(
            tenant: claims.tenant, user: claims.sub.value, sessionId: sessionId, answers: answers,
            question: body.question, asOf: try Self.asOf(body.asOf), department: claims.department,
            customer: claims.customer, restriction: caller.restriction, showsSQL: caller.showsSQL)
    }

    static func asOf(_ text: String?) throws -> SQLDate? {
        guard let text, !text.isEmpty else { return nil }
        guard let date = SQLDate(iso: text) else {
            throw ConversationRequestError.badRequest("asOf must be a date written YYYY-MM-DD, got '\(text)'")
        }
        return date
    }

    private func decode<Body: Decodable>(_ type: Body.Type, _ request: Request) async throws -> Body {
        let buffer: ByteBuffer
        let limit = min(Self.maximumBodyBytes, access.limits.maxBodyBytes)
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch {
            throw ConversationRequestError.tooLarge("the request body is larger than \(limit) bytes")
        }
        do {
            return try JSONDecoder().decode(Body.self, from: Data(buffer.readableBytesView))
        } catch {
            throw ConversationRequestError.badRequest("the body must be a JSON object: \(Self.describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.dataCorrupted(let context),
            DecodingError.valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        default: return "\(error)"
        }
    }

    /// `logger` is the request's, carrying its id (`hb.request.id`, also sent back as
    /// `X-Request-Id`), so every line about one request can be found together.
    private func respond(
        to request: Request, context: ConvAIRequestContext,
        _ handler: (Request, Caller) async throws -> ConversationService.Reply
    ) async -> Response {
        let logger = context.logger
        do {
            let claims = try context.requireClaims()
            let caller = Caller(
                claims: claims, restriction: try await access.restriction(for: claims),
                showsSQL: access.allows(claims, .viewSQL))
            let reply = try await handler(request, caller)
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: reply.json)))
        } catch let error as ConversationRequestError {
            switch error {
            case .badRequest(let message): return Self.error(message, status: .badRequest)
            case .notFound(let message): return Self.error(message, status: .notFound)
            case .tooLarge(let message): return Self.error(message, status: .contentTooLarge)
            }
        } catch let error as SessionError {
            return Self.error(error.description, status: .forbidden)
        } catch let denied as TerritoryResolver.Denied {
            return Self.error(denied.description, status: .forbidden)
        } catch let error as SemanticError where error.code == .accessDenied {
            return Self.error("Forbidden: \(error.message)", status: .forbidden)
        } catch let error as SemanticError {
            // The parser only builds queries from the model, so this is the model's fault.
            logger.error("ask: query did not compile", metadata: ["error": "\(error)"])
            return Self.error("the question could not be turned into a valid query: \(error)", status: .internalServerError)
        } catch let error as WarehouseError where error.code == .timeout {
            logger.warning("ask: query timed out", metadata: ["error": "\(error)"])
            return Self.error("Query timeout: \(error.message)", status: .gatewayTimeout)
        } catch let error as WarehouseError {
            logger.error("ask: database failed", metadata: ["error": "\(error)"])
            return Self.error("Error while querying the database: \(error.message)", status: .internalServerError)
        } catch {
            logger.error("ask failed", metadata: ["error": "\(error)"])
            return Self.error("Internal error: \(error)", status: .internalServerError)
        }
    }

    static func error(_ message: String, status: HTTPResponse.Status) -> Response {
        JSONValue.error(message, status: status)
    }
}
