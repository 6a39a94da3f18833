import GraphQL
import Semantic

extension CubeGraphQLSchema {
    /// `/v1/load`'s rows as `Result` objects, the way Cube's GraphQL API nests them: one
    /// object per cube, a member's value under its field, a time dimension's under `value`
    /// or its granularity, as a UTC instant (`2025-06-01T00:00:00.000Z`); measures and number
    /// dimensions as numbers. A null value is left out, which GraphQL answers as null.
    func results(_ rows: JSONValue, query: CubeQuery) -> [[String: any Sendable]] {
        guard case .array(let items) = rows else { return [] }
        // Every selected cube answers an object, even on a row whose values are all null.
        var empty: [String: [String: any Sendable]] = [:]
        for name in query.measures + query.dimensions + query.timeDimensions.map(\.dimension) {
            if let names = fieldNames[name] { empty[names.cube] = [:] }
        }
        return items.map { row in
            guard case .object(let fields) = row else { return empty as [String: any Sendable] }
            var result = empty
            for (key, value) in fields {
                let parts = key.split(separator: ".")
                guard parts.count >= 2 else { continue }
                let memberName = "\(parts[0]).\(parts[1])"
                guard let names = fieldNames[memberName], let member = cubes[names.cube]?.members[names.member],
                    let leaf = Self.leaf(value, member)
                else { continue }
                guard member.isTime else {
                    result[names.cube, default: [:]][names.member] = leaf
                    continue
                }
                // The bare key of a time dimension repeats a granularity's value unless the
                // dimension itself (`value`) was asked for.
                if parts.count == 2, !query.dimensions.contains(memberName) { continue }
                var time = result[names.cube]?[names.member] as? [String: any Sendable] ?? [:]
                time[parts.count == 3 ? String(parts[2]) : "value"] = leaf
                result[names.cube, default: [:]][names.member] = time
            }
            return result as [String: any Sendable]
        }
    }

    private static func leaf(_ value: JSONValue, _ member: Member) -> Map? {
        switch value {
        case .null, .array, .object, .fragment: return nil
        case .bool(let flag): return member.type == "boolean" ? .bool(flag) : .string(flag ? "true" : "false")
        case .number(let text), .string(let text):
            if member.isTime { return .string(text + "Z") }
            if member.kind == .measure || member.type == "number" { return Double(text).map(Map.double) }
            if member.type == "boolean" { return .bool(text == "true" || text == "1") }
            return .string(text)
        }
    }
}
