import Semantic

/// Merges findings that say the same thing and keeps the most important few.
enum InsightRanker {
    /// A digest insight and the findings merged into it (itself first): an alert may be
    /// one of the parts (a record week inside the week's change).
    struct Ranked: Sendable {
        var insight: Insight
        var parts: [Insight]
    }

    static func merge(_ findings: [Finding]) -> [Ranked] {
        var groups: [String: [Finding]] = [:]
        var order: [String] = []
        for (index, finding) in findings.enumerated() {
            let key = finding.mergeKey ?? "#\(index)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(finding)
        }
        return order.map { key in
            // The change itself leads its drivers and its record: "net sales fell 6%; by zone…".
            let group = groups[key]!.sorted {
                ($0.insight.type == .periodChange ? 1 : 0, $0.insight.priority) > ($1.insight.type == .periodChange ? 1 : 0, $1.insight.priority)
            }
            var merged = group[0].insight
            guard group.count > 1 else { return Ranked(insight: merged, parts: [merged]) }
            let others = group.dropFirst()
            let sentence = merged.text.hasSuffix(".") ? String(merged.text.dropLast()) : merged.text
            merged.text = sentence + "; " + others.map(\.clause).joined(separator: "; ") + "."
            merged.evidence.values += others.flatMap(\.insight.evidence.values)
            // The values borrowed must come back from the query: take the measures of each
            // query that differs only in its measures (a period change's net sales, volume
            // and buying outlets over the same days).
            for other in others {
                var query = other.insight.evidence.query
                query.measures = merged.evidence.query.measures
                guard query == merged.evidence.query else { continue }
                for measure in other.insight.evidence.query.measures where !merged.evidence.query.measures.contains(measure) {
                    merged.evidence.query.measures.append(measure)
                }
            }
            let highest = group.map(\.insight.priority).max() ?? merged.priority
            merged.priority = min(100, highest + 3 * Double(others.count))
            return Ranked(insight: merged, parts: group.map(\.insight))
        }
    }

    /// The top `settings.topN`, highest priority first, at most `maximumPerType` of a type.
    static func rank(_ findings: [Finding], settings: InsightSettings) -> [Insight] {
        rankKeepingParts(findings, settings: settings).map(\.insight)
    }

    /// ``rank(_:settings:)`` with each insight's merged parts.
    static func rankKeepingParts(_ findings: [Finding], settings: InsightSettings) -> [Ranked] {
        let merged = merge(findings).sorted { ($0.insight.priority, $1.insight.id) > ($1.insight.priority, $0.insight.id) }
        var perType: [InsightType: Int] = [:]
        var kept: [Ranked] = []
        for ranked in merged where kept.count < settings.topN {
            guard perType[ranked.insight.type, default: 0] < settings.maximumPerType else { continue }
            perType[ranked.insight.type, default: 0] += 1
            kept.append(ranked)
        }
        return kept
    }
}
