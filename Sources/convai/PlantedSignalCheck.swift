import Foundation
import Insights
import SampleData
import Warehouse

/// Compares what the detectors found over a span (a ``Backtest``) with what a seed planted
/// (`planted.json`): per kind of signal, how many planted ones were found (recall) and how
/// many findings match nothing planted (false alarms).
struct PlantedSignalCheck: Codable, Sendable {
    struct Kind: Codable, Sendable {
        var name: String
        var planted: Int
        var found: Int
        var missed: [String]
        /// Distinct findings of this kind that match no planted signal.
        var falseAlarms: Int
        /// Of those, findings explained by a planted promotion or price change (part of the
        /// normal pattern, listed in planted.json so that they can be told apart).
        var explainedByPromotions: Int
        var recall: Double { planted == 0 ? 1 : Double(found) / Double(planted) }
    }

    var kinds: [Kind]

    var planted: Int { kinds.reduce(0) { $0 + $1.planted } }
    var found: Int { kinds.reduce(0) { $0 + $1.found } }
    var recall: Double { planted == 0 ? 1 : Double(found) / Double(planted) }
    var falseAlarms: Int { kinds.reduce(0) { $0 + $1.falseAlarms } }

    init(backtest: Backtest, planted: PlantedSignals, outletNames: [String: (name: String, city: String)] = [:]) {
        let signals = backtest.days.flatMap(\.signals)
        func within(_ date: String, _ from: String, _ to: String, extraDays: Int) -> Bool {
            guard let day = SQLDate(iso: date), let start = SQLDate(iso: from), let end = SQLDate(iso: to) else { return false }
            return day >= start && day <= end.adding(days: extraDays)
        }
        func promotionExplains(_ signal: DetectedSignal) -> Bool {
            guard signal.kind == "Brand" else { return false }
            return planted.promotions.contains { $0.scope.value == signal.name && within(signal.date, $0.startDate, $0.endDate, extraDays: 21) }
                || planted.priceChanges.contains {
                    $0.scope.value == signal.name && within(signal.date, $0.effectiveDate, $0.effectiveDate, extraDays: 21)
                }
        }

        // Unusual days: the planted day, scope and direction.
        let days = signals.filter { $0.type == .unusualDay && ($0.kind == "State" || $0.kind == "Brand") }
        var matched = Set<DetectedSignal>()
        var missed: [String] = []
        for anomaly in planted.anomalies {
            let kind = anomaly.scope.kind == .state ? "State" : "Brand"
            let hits = days.filter {
                $0.kind == kind && $0.name == anomaly.scope.value && $0.date == anomaly.date
                    && $0.direction == (anomaly.direction == .spike ? 1 : -1)
            }
            if hits.isEmpty { missed.append("\(anomaly.id) \(anomaly.scope.value) \(anomaly.date)") }
            matched.formUnion(hits)
        }
        let dayAlarms = Set(days).subtracting(matched)
        var kinds = [
            Kind(
                name: "anomalies (unusual day)", planted: planted.anomalies.count, found: planted.anomalies.count - missed.count,
                missed: missed, falseAlarms: dayAlarms.count, explainedByPromotions: dayAlarms.filter(promotionExplains).count)
        ]

        // Trends: the brand, the direction, found while the trend runs or within six weeks after.
        let trendSignals = signals.filter { $0.type == .trendChange && $0.kind == "Brand" }
        matched = []
        missed = []
        for trend in planted.trends {
            let hits = trendSignals.filter {
                $0.name == trend.scope.value && $0.direction == (trend.weeklyChange > 0 ? 1 : -1)
                    && within($0.date, trend.startDate, trend.endDate, extraDays: 42)
            }
            if hits.isEmpty { missed.append("\(trend.id) \(trend.scope.value) from \(trend.startDate)") }
            matched.formUnion(hits)
            // Its levelling off after the end is the same planted signal, not an alarm.
            matched.formUnion(trendSignals.filter {
                $0.name == trend.scope.value && within($0.date, trend.startDate, trend.endDate, extraDays: 84)
            })
        }
        let trendAlarms = Self.episodes(Array(Set(trendSignals).subtracting(matched)))
        kinds.append(
            Kind(
                name: "trends", planted: planted.trends.count, found: planted.trends.count - missed.count, missed: missed,
                falseAlarms: trendAlarms.count, explainedByPromotions: trendAlarms.filter(promotionExplains).count))

        // Lapsed outlets: the outlet (name and city) with its last purchase day.
        let lapsed = signals.filter { $0.type == .lapsedOutlets }
        missed = []
        var lapsedMatched = Set<String>()
        for outlet in planted.lapsedOutlets {
            let hit = lapsed.first { $0.name == outlet.outletName && $0.place == outlet.city }
            if let hit { lapsedMatched.insert("\(hit.name)|\(hit.place ?? "")") } else { missed.append("\(outlet.outletName) (\(outlet.city))") }
        }
        let lapsedAlarms = Set(lapsed.map { "\($0.name)|\($0.place ?? "")" }).subtracting(lapsedMatched)
        kinds.append(
            Kind(
                name: "lapsed outlets", planted: planted.lapsedOutlets.count, found: planted.lapsedOutlets.count - missed.count,
                missed: missed, falseAlarms: lapsedAlarms.count, explainedByPromotions: 0))

        // Stock build-ups: the distributor (name and state), while it builds or within four weeks.
        let stock = signals.filter { $0.type == .stockBuildUp }
        matched = []
        missed = []
        for buildUp in planted.stockBuildUps {
            let hits = stock.filter {
                $0.name == buildUp.distributorName && $0.place == buildUp.state
                    && within($0.date, buildUp.startDate, buildUp.endDate, extraDays: 28)
            }
            if hits.isEmpty { missed.append("\(buildUp.distributorName) from \(buildUp.startDate)") }
            matched.formUnion(hits)
        }
        let stockAlarms = Self.episodes(Array(Set(stock).subtracting(matched)))
        kinds.append(
            Kind(
                name: "stock build-ups", planted: planted.stockBuildUps.count, found: planted.stockBuildUps.count - missed.count,
                missed: missed, falseAlarms: stockAlarms.count, explainedByPromotions: 0))
        self.kinds = kinds
    }

    /// Findings of the same subject on consecutive days are one episode (a trend is found
    /// every day it lasts).
    static func episodes(_ signals: [DetectedSignal]) -> [DetectedSignal] {
        let sorted = signals.sorted { ($0.kind, $0.name, $0.date) < ($1.kind, $1.name, $1.date) }
        var result: [DetectedSignal] = []
        for signal in sorted {
            if let last = result.last, last.kind == signal.kind, last.name == signal.name, last.direction == signal.direction,
                let previous = SQLDate(iso: last.date), let day = SQLDate(iso: signal.date), day.daysSinceEpoch - previous.daysSinceEpoch <= 7
            {
                result[result.count - 1] = signal
                continue
            }
            result.append(signal)
        }
        return result
    }

    var table: String {
        var lines = ["signal                    planted  found  recall  false alarms (explained by promotions)"]
        for kind in kinds {
            lines.append(
                "\(kind.name.padding(toLength: 26, withPad: " ", startingAt: 0))\(String(kind.planted).leftPad(7))  \(String(kind.found).leftPad(5))  \(String(format: "%5.1f%%", kind.recall * 100))  \(kind.falseAlarms) (\(kind.explainedByPromotions))"
            )
            for miss in kind.missed { lines.append("    missed: \(miss)") }
        }
        lines.append(
            "all                       \(String(planted).leftPad(7))  \(String(found).leftPad(5))  \(String(format: "%5.1f%%", recall * 100))  \(falseAlarms)")
        return lines.joined(separator: "\n")
    }
}

extension String {
    fileprivate func leftPad(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}
