import Hummingbird
import Semantic

/// An error answered in Cube's shape, `{"error": "…"}`, with Cube's status codes: 400 for
/// a query the client can fix, 403 for a missing or bad token, 500 for everything else.
struct CubeAPIError: Error, Sendable {
    var status: HTTPResponse.Status
    var message: String

    static func badRequest(_ message: String) -> CubeAPIError { CubeAPIError(status: .badRequest, message: message) }
    static func forbidden(_ message: String) -> CubeAPIError { CubeAPIError(status: .forbidden, message: message) }
    static func internalError(_ message: String) -> CubeAPIError {
        CubeAPIError(status: .internalServerError, message: message)
    }

    /// A query error: the compiler's message, which names the member at fault.
    static func query(_ error: SemanticError) -> CubeAPIError {
        guard error.code == .invalidQuery else {
            // The model itself is broken: not the client's fault.
            return internalError("the data model does not load: \(error)")
        }
        if let member = error.member, !error.message.contains(member) {
            return badRequest("\(member): \(error.message)")
        }
        return badRequest(error.message)
    }
}
