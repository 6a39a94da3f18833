extension PreAggregation {
    /// Reads one `pre_aggregations:` entry of `cube`. Member names may be written
    /// `CUBE.member`, `member` (both the declaring cube's) or `Other.member`; they come back
    /// qualified. References are checked later, by the model validator.
    static func read(_ yaml: [String: Any], cube: String, file: String) throws -> PreAggregation {
        func fail(_ message: String, _ name: String? = nil) -> SemanticError {
            SemanticError(.invalidFile, file: file, cube: cube, "pre-aggregation\(name.map { " '\($0)'" } ?? ""): \(message)")
        }
        guard let name = yaml["name"] as? String, !name.isEmpty else { throw fail("has no name") }
        let kindText = (yaml["type"] as? String) ?? "rollup"
        guard let kind = Kind(rawValue: kindText == "originalSql" ? "original_sql" : kindText) else {
            throw fail("unknown type '\(kindText)'; ConvAI builds rollup and original_sql", name)
        }
        func qualified(_ text: String) -> String {
            if text.hasPrefix("CUBE.") { return cube + "." + text.dropFirst("CUBE.".count) }
            return text.contains(".") ? text : "\(cube).\(text)"
        }
        func names(_ key: String) throws -> [String] {
            guard let value = yaml[key] ?? yaml[camelCase(key)] else { return [] }
            guard let list = value as? [Any] else { throw fail("\(key): expected a list of member names", name) }
            return try list.map {
                guard let text = $0 as? String else { throw fail("\(key): expected a list of member names", name) }
                return qualified(text)
            }
        }
        func granularity(_ key: String) throws -> CubeQuery.Granularity? {
            guard let text = (yaml[key] ?? yaml[camelCase(key)]) as? String else { return nil }
            guard let value = CubeQuery.Granularity(rawValue: text) else {
                throw fail("\(key): unknown granularity '\(text)'", name)
            }
            return value
        }
        var refreshKey = RefreshKey()
        if let refresh = (yaml["refresh_key"] ?? yaml["refreshKey"]) {
            guard let mapping = refresh as? [String: Any] else { throw fail("refresh_key: expected a mapping", name) }
            if let every = mapping["every"] {
                guard let seconds = Self.seconds(every), seconds > 0 else {
                    throw fail("refresh_key.every: expected a duration such as '1 hour' or '30 minutes'", name)
                }
                refreshKey.everySeconds = seconds
            }
            refreshKey.incremental = (mapping["incremental"] as? Bool) ?? false
            if let window = mapping["update_window"] ?? mapping["updateWindow"] {
                guard let seconds = Self.seconds(window), seconds > 0 else {
                    throw fail("refresh_key.update_window: expected a duration such as '7 days'", name)
                }
                refreshKey.updateWindowDays = max(1, (seconds + 86_399) / 86_400)
            }
        }
        let timeDimension = ((yaml["time_dimension"] ?? yaml["timeDimension"]) as? String).map(qualified)
        return PreAggregation(
            name: name, cube: cube, kind: kind, measures: try names("measures"), dimensions: try names("dimensions"),
            timeDimension: timeDimension, granularity: try granularity("granularity"),
            partitionGranularity: try granularity("partition_granularity"), refreshKey: refreshKey)
    }

    /// `"1 hour"`, `"30 minutes"`, `"7 day"`, `"10 seconds"`, or a number of seconds.
    static func seconds(_ value: Any) -> Int? {
        if let number = value as? Int { return number }
        guard let text = value as? String else { return nil }
        let words = text.split(separator: " ").map { $0.lowercased() }
        guard words.count == 2, let count = Int(words[0]) else { return nil }
        let unit = words[1].hasSuffix("s") ? String(words[1].dropLast()) : words[1]
        let scale: [String: Int] = ["second": 1, "minute": 60, "hour": 3600, "day": 86_400, "week": 604_800]
        return scale[unit].map { $0 * count }
    }

    private static func camelCase(_ key: String) -> String {
        let parts = key.split(separator: "_")
        return String(parts[0]) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
