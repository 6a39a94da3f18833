import Foundation
import Testing

/// The insight detectors against known truth: fresh sample data for several seeds, each
/// judged day by day (`convai insights --backtest`) and compared with the planted.json the
/// seed wrote. The planted anomalies, trends, lapsed outlets and stock build-ups must be
/// found (recall of 90 % or more over all seeds); the false alarms are counted and printed.
@Suite("insight detection against planted signals", .serialized)
struct InsightDetectionTests {
    struct Check: Decodable {
        struct Kind: Decodable {
            var name: String
            var planted: Int
            var found: Int
            var missed: [String]
            var falseAlarms: Int
            var explainedByPromotions: Int
        }

        var kinds: [Kind]
    }

    @Test("planted signals are found in 90 % of cases or more over three seeds", .timeLimit(.minutes(10)))
    func plantedSignalsAreFound() async throws {
        let cli = ConvAICommandTests()
        var planted: [String: Int] = [:]
        var found: [String: Int] = [:]
        var falseAlarms: [String: Int] = [:]
        try await cli.withProjectAsync { folder in
            try FileManager.default.copyItem(
                at: ConvAICommandTests.packageRoot.appendingPathComponent("model"), to: folder.appendingPathComponent("model"))
            #expect(try await cli.convaiAsync(["migrate", "--tenant", "itc", "--log-level", "warning"], in: folder).status == 0)
            for seed in ["3", "11", "29"] {
                let seeded = try await cli.convaiAsync(
                    ["seed", "--tenant", "itc", "--days", "540", "--end-date", "2026-06-30", "--seed", seed, "--scale", "0.25",
                        "--log-level", "warning"], in: folder)
                try #require(seeded.status == 0, "\(seeded.stderr)")
                let transformed = try await cli.convaiAsync(["transform", "--tenant", "itc", "--log-level", "warning"], in: folder)
                try #require(transformed.status == 0, "\(transformed.stderr)")
                let run = try await cli.convaiAsync(
                    ["insights", "--tenant", "itc", "--backtest", "data/itc.planted.json", "--json", "--log-level", "warning"],
                    in: folder)
                try #require(run.status == 0, "\(run.stderr)")
                let check = try JSONDecoder().decode(Check.self, from: Data(run.stdout.utf8))
                for kind in check.kinds {
                    planted[kind.name, default: 0] += kind.planted
                    found[kind.name, default: 0] += kind.found
                    falseAlarms[kind.name, default: 0] += kind.falseAlarms
                    for miss in kind.missed { print("seed \(seed): missed \(kind.name): \(miss)") }
                }
            }
        }
        let total = planted.values.reduce(0, +)
        let totalFound = found.values.reduce(0, +)
        for name in planted.keys.sorted() {
            print(
                "insight detection: \(name): \(found[name]!)/\(planted[name]!) found, \(falseAlarms[name]!) false alarms (3 seeds)")
        }
        #expect(total >= 60, "the seeds planted too little to judge: \(planted)")
        #expect(Double(totalFound) >= 0.9 * Double(total), "recall \(totalFound)/\(total): \(found) of \(planted)")
        // Every kind is found, not only the plentiful lapsed outlets.
        for name in planted.keys where planted[name]! > 0 {
            #expect(Double(found[name]!) >= 0.75 * Double(planted[name]!), "\(name): \(found[name]!)/\(planted[name]!)")
        }
    }
}
