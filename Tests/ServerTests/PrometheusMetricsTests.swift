import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import TestSupport
import Testing

/// `GET /metrics` after real traffic, read back with Prometheus's official Python parser.
@Suite("Prometheus metrics")
struct PrometheusMetricsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The samples the official parser reads from `text`.
    static func parse(_ text: String) async throws -> [[String: Any]] {
        let json = try await offThread { try parseBlocking(text) }
        return try #require(try JSONSerialization.jsonObject(with: json) as? [[String: Any]])
    }

    /// The parser's JSON output.
    private static func parseBlocking(_ text: String) throws -> Data {
        let python = root.appendingPathComponent(".venv/bin/python")
        try #require(
            FileManager.default.isExecutableFile(atPath: python.path),
            "no .venv/bin/python: run scripts/bootstrap venv (make test does)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("prom-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("metrics.txt")
        let output = folder.appendingPathComponent("out.json")
        let errors = folder.appendingPathComponent("err.txt")
        try text.write(to: input, atomically: true, encoding: .utf8)
        FileManager.default.createFile(atPath: output.path, contents: nil)
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = python
        process.arguments = [root.appendingPathComponent("scripts/prometheus-parse.py").path]
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")
        return try Data(contentsOf: output)
    }

    @Test func metricsCountRequestsByRouteStatusAndTenantAndParse() async throws {
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token()
        try await fixture.withClient { client in
            let query = #"{"query":{"measures":["Orders.count"]}}"#
            for _ in 0..<3 {
                let ok = try await client.call("/cubejs-api/v1/load", token: token, body: query)
                #expect(ok.status == .ok)
            }
            let refused = try await client.call("/cubejs-api/v1/load", token: "not-a-token", body: query)
            #expect(refused.status == .unauthorized)
            let text = try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                // Every answer names its request id, the one in the request's log lines.
                #expect(response.headers[HTTPField.Name("X-Request-Id")!]?.isEmpty == false)
                return String(buffer: response.body)
            }
            let samples = try await Self.parse(text)
            func value(_ name: String, _ labels: [String: String]) -> Double? {
                samples.first { sample in
                    sample["name"] as? String == name
                        && labels.allSatisfy { (sample["labels"] as? [String: String])?[$0.key] == $0.value }
                }?["value"] as? Double
            }
            #expect(value("convai_http_requests_total", ["route": "/cubejs-api/v1/load", "status": "200", "tenant": "acme"]) == 3)
            #expect(value("convai_http_requests_total", ["route": "/cubejs-api/v1/load", "status": "401", "tenant": "none"]) == 1)
            #expect(
                value("convai_http_request_duration_seconds_count", ["route": "/cubejs-api/v1/load", "status": "200"]) == 3)
            #expect(value("convai_database_pool_max_connections", ["tenant": "acme", "engine": "duckdb"]) == 4)
            #expect(value("convai_database_statements_in_flight", ["tenant": "acme"]) == 0)
        }
    }
}
