import Foundation
import Semantic

/// The query table shared by the golden and execution tests: ``ReferenceQueries``.
enum QueryTable {
    static let asOf = ReferenceQueries.asOf

    static let queries = ReferenceQueries.all

    static func query(_ json: String) throws -> CubeQuery {
        try CubeQuery(json: Data(json.utf8))
    }
}
