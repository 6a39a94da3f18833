import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Server
import Testing
import Warehouse

@Suite("GET /health")
struct HealthTests {
    struct HealthBody: Decodable {
        struct Tenant: Decodable {
            var tenant: String
            var engine: String
            var status: String
            var latencyMs: Double?
            var error: String?
        }
        var status: String
        var duckdbVersion: String
        var tenants: [Tenant]
    }

    func withConfiguration(_ ids: [String], broken: Set<String> = [], _ body: (ConvAIConfiguration) async throws -> Void)
        async throws
    {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-health-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tenants = try ids.map { id in
            let path = folder.appendingPathComponent("\(id).duckdb").path
            // A folder where the database file should be cannot be opened: the tenant is down.
            if broken.contains(id) { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }
            return TenantConfiguration(id: id, database: .init(engine: .duckdb, path: path))
        }
        try await body(ConvAIConfiguration(server: .init(host: "127.0.0.1", port: 0), tenants: tenants, root: folder.path))
    }

    @Test("lists every tenant as up with its latency")
    func allUp() async throws {
        try await withConfiguration(["itc", "nestle", "unilever"]) { configuration throws in
            let router = TenantRouter(tenants: configuration.tenants, logger: Logger(label: "test"))
            let app = try await buildApplication(configuration: configuration, tenants: router, logger: Logger(label: "test"))
            try await app.test(.router) { client in
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .ok)
                    let body = try JSONDecoder().decode(HealthBody.self, from: Data(String(buffer: response.body).utf8))
                    #expect(body.status == "ok")
                    #expect(body.duckdbVersion == "v1.4.1")
                    #expect(body.tenants.map(\.tenant) == ["itc", "nestle", "unilever"])
                    #expect(body.tenants.allSatisfy { $0.status == "up" && $0.engine == "duckdb" && $0.latencyMs != nil })
                }
            }
            await router.closeAll()
        }
    }

    @Test("a tenant whose database cannot open is down, with 503, and the others stay up")
    func oneDown() async throws {
        try await withConfiguration(["itc", "nestle"], broken: ["nestle"]) { configuration throws in
            let router = TenantRouter(tenants: configuration.tenants, logger: Logger(label: "test"))
            let app = try await buildApplication(configuration: configuration, tenants: router, logger: Logger(label: "test"))
            try await app.test(.router) { client in
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    let body = try JSONDecoder().decode(HealthBody.self, from: Data(String(buffer: response.body).utf8))
                    #expect(body.status == "degraded")
                    #expect(body.tenants.first { $0.tenant == "itc" }?.status == "up")
                    let nestle = try #require(body.tenants.first { $0.tenant == "nestle" })
                    #expect(nestle.status == "down")
                    #expect(nestle.error == "the database cannot be opened")
                    #expect(String(buffer: response.body).contains(configuration.root) == false, "health must not reveal paths")
                }
            }
            await router.closeAll()
        }
    }

    @Test("the shipped config/convai.yaml loads: three DuckDB tenants under data/")
    func shippedConfiguration() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let configuration = try ConvAIConfiguration.load(path: root.appendingPathComponent("config/convai.yaml").path)
        #expect(configuration.tenants.map(\.id) == ["itc", "nestle", "unilever"])
        #expect(configuration.root == root.standardizedFileURL.path)
        #expect(configuration.tenants.allSatisfy { $0.database.engine == .duckdb })
        #expect(configuration.tenants[0].database.path == root.standardizedFileURL.path + "/data/itc.duckdb")
        #expect(configuration.server.host == "127.0.0.1")
    }
}
