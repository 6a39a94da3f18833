public import Foundation

extension CubeQuery {
    /// Decodes Cube's query JSON keeping the written key order of an object-form `order`
    /// (which `JSONDecoder` alone does not preserve). Errors are ``SemanticError``s.
    public init(json: Data) throws {
        do {
            self = try JSONDecoder().decode(CubeQuery.self, from: json)
        } catch let error as SemanticError {
            throw error
        } catch DecodingError.dataCorrupted(let context) where context.underlyingError is SemanticError {
            throw context.underlyingError as! SemanticError
        } catch {
            throw SemanticError(.invalidQuery, "the query is not valid JSON of Cube's query format: \(error)")
        }
        if let order, let keys = JSONKeyOrder.keys(of: "order", in: Array(json)), Set(keys) == Set(order.map(\.member)) {
            var byMember: [String: Order] = [:]
            for item in order { byMember[item.member] = item }
            self.order = keys.compactMap { byMember[$0] }
        }
    }
}
