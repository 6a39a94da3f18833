import Foundation
import Testing

/// `convai metrics` on a store filled by `convai bench observability --directory`.
@Suite("convai metrics")
struct MetricsCommandTests {
    @Test("reads a usage store: a department breakdown as JSON; a bad --by is refused")
    func metrics() throws {
        let cli = ConvAICommandTests()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-metrics-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let bench = try cli.convai(
            ["bench", "observability", "--directory", folder.path, "--questions", "2000", "--calls", "50", "--repeat", "1",
             "--pricing", ConvAICommandTests.packageRoot.appendingPathComponent("config/llm_pricing.yaml").path])
        try #require(bench.status == 0, "\(bench.stderr)")
        #expect(bench.stdout.contains("30-day department breakdown"))

        let store = folder.appendingPathComponent("usage.sqlite").path
        let json = try cli.convai(["metrics", "--store", store, "--tenant", "itc", "--by", "department", "--days", "30", "--json"])
        try #require(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(rows.count == 8)
        #expect(rows.allSatisfy { $0["tenant"] as? String == "itc" && ($0["queries"] as? Int ?? 0) > 0 })

        let bad = try cli.convai(["metrics", "--store", store, "--by", "region"])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--by must be one of tenant, department, customer, user"))

        let missing = try cli.convai(["metrics", "--store", folder.appendingPathComponent("none.sqlite").path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no usage store"))
    }
}
