import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Testing

/// Cube's own Python client against a live server: its typed models accept our answers
/// only if they have Cube's shape.
@Suite("Cube's Python client (cube-http-client) reads the API")
struct CubeClientCompatibilityTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("meta, load (queryType=multi) and sql parse in the client's models, with the right data")
    func pythonClient() async throws {
        let python = Self.root.appendingPathComponent(".venv/bin/python")
        try #require(
            FileManager.default.isExecutableFile(atPath: python.path),
            "no .venv/bin/python: run scripts/bootstrap venv (make test does)")
        let fixture = try await CubeAPIFixture()
        let token = try await CubeAPIFixture.token()
        let query = #"{"measures":["Orders.totalAmount"],"dimensions":["Products.category"],"filters":[{"member":"Orders.status","operator":"equals","values":["completed"]}],"order":{"Orders.totalAmount":"desc"}}"#
        try await fixture.withClient(mode: .live) { client in
            let port = try #require(client.port)
            let process = Process()
            process.executableURL = python
            process.arguments = [
                Self.root.appendingPathComponent("scripts/cube-client-check.py").path, "http://127.0.0.1:\(port)", token, query,
            ]
            let outputFile = FileManager.default.temporaryDirectory.appendingPathComponent("cube-client-\(UUID().uuidString)")
            FileManager.default.createFile(atPath: outputFile.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: outputFile) }
            let errorFile = outputFile.appendingPathExtension("err")
            FileManager.default.createFile(atPath: errorFile.path, contents: nil)
            defer { try? FileManager.default.removeItem(at: errorFile) }
            process.standardOutput = try FileHandle(forWritingTo: outputFile)
            process.standardError = try FileHandle(forWritingTo: errorFile)
            try process.run()
            // The server runs on this process's event loops; wait without blocking them.
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            let stderr = (try? String(contentsOf: errorFile, encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0, "\(stderr)")
            let output = try String(contentsOf: outputFile, encoding: .utf8)
            let result = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "\(output)")
            #expect(result["cubes"] as? [String] == ["Orders", "Products", "SalesView"])
            #expect((result["measures"] as? [String])?.contains("Orders.totalAmount") == true)
            let data = try #require(result["data"] as? [[String: Any]])
            #expect(data.map { $0["Products.category"] as? String } == ["Noodles", "Biscuits", "Stationery"])
            #expect(data.map { $0["Orders.totalAmount"] as? String } == ["80.25", "10.25", "5.50"])
            #expect(result["annotationMeasures"] as? [String] == ["Orders.totalAmount"])
            #expect(result["params"] as? [String] == ["completed"])
            #expect((result["sql"] as? String)?.contains("completed") == false)
        }
    }
}
