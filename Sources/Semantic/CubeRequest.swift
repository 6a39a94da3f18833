public import Warehouse
public import Foundation

/// The query part of a Cube REST request: one query, or several (`queryType: multi`).
///
/// Cube accepts `query` as a JSON object, a JSON array of objects, or a string holding
/// either (the `?query=` form and some clients' POST bodies). The object-form `order` keeps
/// its written key order because each query is decoded from its own bytes.
public struct CubeRequest: Sendable {
    /// The queries, in request order.
    public var queries: [CubeQuery]
    /// Whether `query` was an array (Cube's multi-query / blending form).
    public var isArray: Bool
    /// `queryType` as sent (`multi` asks for the `results` wrapper), if any.
    public var queryType: String?

    /// Reads a POST body `{"query": …, "queryType": …}`.
    public init(body: Data) throws {
        let bytes = Array(body)
        guard (try? JSONSerialization.jsonObject(with: body)) is [String: Any] else {
            throw SemanticError(.invalidQuery, "the request body is not a JSON object; send {\"query\": {...}}")
        }
        guard let range = JSONKeyOrder.rawValue(of: "query", in: bytes) else {
            throw SemanticError(.invalidQuery, "the request body has no query; send {\"query\": {...}}")
        }
        var queryType: String?
        if let typeRange = JSONKeyOrder.rawValue(of: "queryType", in: bytes) {
            queryType = try? JSONDecoder().decode(String.self, from: Data(bytes[typeRange]))
        }
        try self.init(queryBytes: bytes, range: range, queryType: queryType)
    }

    /// Reads the `query` (and `queryType`) URL parameters of a GET request.
    public init(queryParameter: String, queryType: String?) throws {
        let bytes = Array(queryParameter.utf8)
        try self.init(queryBytes: bytes, range: 0..<bytes.count, queryType: queryType)
    }

    private init(queryBytes bytes: [UInt8], range: Range<Int>, queryType: String?) throws {
        self.queryType = queryType
        (queries, isArray) = try Self.parse(bytes, range: range)
    }

    private static func parse(_ bytes: [UInt8], range: Range<Int>) throws -> ([CubeQuery], Bool) {
        let first = bytes[range].first { ![0x20, 0x0A, 0x0D, 0x09].contains($0) }
        switch first {
        case UInt8(ascii: "{"):
            return ([try CubeQuery(json: Data(bytes[range]))], false)
        case UInt8(ascii: "["):
            guard let elements = JSONKeyOrder.arrayElements(in: bytes, range: range), !elements.isEmpty else {
                throw SemanticError(.invalidQuery, "query must be a query object or a non-empty array of them")
            }
            return (try elements.map { try CubeQuery(json: Data(bytes[$0])) }, true)
        case UInt8(ascii: "\""):
            // A query sent as a JSON string holding the query JSON.
            guard let text = try? JSONDecoder().decode(String.self, from: Data(bytes[range])) else {
                throw SemanticError(.invalidQuery, "query is not a valid JSON string")
            }
            let inner = Array(text.utf8)
            return try parse(inner, range: 0..<inner.count)
        default:
            let shown = String(decoding: bytes[range].prefix(40), as: UTF8.self)
            throw SemanticError(.invalidQuery, "query must be a JSON object in Cube's query format, not '\(shown)'")
        }
    }
}

extension CubeQuery {
    /// The inclusive calendar dates of a time dimension's `dateRange`, resolved against
    /// `asOf` for relative phrases; nil when it has none. Errors are ``SemanticError``s.
    public func resolvedDateRange(of timeDimension: TimeDimension, asOf: SQLDate) throws -> (from: SQLDate, to: SQLDate)? {
        guard let range = timeDimension.dateRange else { return nil }
        return try DateRangeResolver(today: asOf).resolve(range, member: timeDimension.dimension)
    }
}
