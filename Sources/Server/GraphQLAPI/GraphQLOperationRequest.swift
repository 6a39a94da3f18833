import Foundation
import GraphQL
import OrderedCollections
import Hummingbird

/// A GraphQL request over HTTP: `POST` with a JSON body `{"query", "variables",
/// "operationName"}` or an `application/graphql` body holding the query, or `GET` with
/// `?query=&variables=&operationName=` (variables as JSON text).
struct GraphQLOperationRequest {
    var query: String
    var variables: [String: Map]
    var operationName: String?

    /// Why a request is not a GraphQL request; answered 400.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    private struct Body: Decodable {
        var query: String?
        var variables: Map?
        var operationName: String?
    }

    init(_ request: Request, maxBodyBytes: Int) async throws {
        let parameters = request.uri.queryParameters
        var body = Body(
            query: parameters.get("query"), variables: try parameters.get("variables").map(Self.decodeVariables),
            operationName: parameters.get("operationName"))
        if request.method == .post {
            let bytes: ByteBuffer
            do {
                bytes = try await request.body.collect(upTo: maxBodyBytes)
            } catch {
                throw Malformed(description: "the request body is larger than \(maxBodyBytes) bytes")
            }
            let data = Data(bytes.readableBytesView)
            if request.headers[.contentType]?.hasPrefix("application/graphql") == true {
                body.query = String(decoding: data, as: UTF8.self)
            } else if !data.isEmpty {
                do {
                    body = try JSONDecoder().decode(Body.self, from: data)
                } catch {
                    throw Malformed(description: "the body must be JSON: {\"query\": \"…\", \"variables\": {…}}")
                }
            }
        }
        guard let query = body.query, !query.isEmpty else { throw Malformed(description: "Must provide query string.") }
        self.query = query
        switch body.variables {
        case .dictionary(let values)?: variables = Dictionary(uniqueKeysWithValues: values.map { ($0.key, $0.value) })
        case .null?, .undefined?, nil: variables = [:]
        default: throw Malformed(description: "variables must be a JSON object")
        }
        operationName = body.operationName.flatMap { $0.isEmpty ? nil : $0 }
    }

    private static func decodeVariables(_ text: String) throws -> Map {
        guard !text.isEmpty else { return .null }
        do {
            return try JSONDecoder().decode(Map.self, from: Data(text.utf8))
        } catch {
            throw Malformed(description: "variables must be JSON text")
        }
    }
}
