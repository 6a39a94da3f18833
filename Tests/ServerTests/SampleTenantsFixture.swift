import Conversation
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Observability
import SampleData
import Server
import Transform
import Warehouse

/// The three sample tenants (itc, nestle, unilever) seeded to 2025-06-30 and transformed, each
/// on its own DuckDB file, with the shipped model: what the conversation tests ask questions
/// of. Built once per test process (seeding is the slow part) and shared.
actor SampleTenants {
    static let shared = SampleTenants()
    static let secret = "test-secret-for-the-conversation-api-tests"
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let asOf = "2025-06-30"

    private var built: ConvAIConfiguration?

    /// The configuration of the seeded tenants (sessions under a fresh temporary root per call
    /// would lose follow-ups, so the root is shared; tests use their own session ids).
    func configuration() async throws -> ConvAIConfiguration {
        if let built { return built }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-conversation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let logger = Logger(label: "test")
        var tenants: [TenantConfiguration] = []
        for tenant in [SampleTenant.itc, .nestle, .unilever] {
            let path = folder.appendingPathComponent("\(tenant.rawValue).duckdb").path
            let database = try DuckDBDatabase(configuration: .init(path: path))
            let migrations = try Migration.load(from: Self.root.appendingPathComponent("database"), dialect: .duckdb)
            _ = try await MigrationRunner(database: database, migrations: migrations, logger: logger).run()
            // From April 2024, so that last year's comparisons and FY 2024-25 have data.
            _ = try await SampleDataGenerator(
                options: SeedOptions(tenant: tenant, endDate: SQLDate(iso: Self.asOf)!, days: 456, scale: 0.02)
            ).seed(into: database)
            let report = try await TransformRunner(
                project: try DbtProject.load(from: Self.root.appendingPathComponent("transform")), database: database,
                logger: logger
            ).run(.init(runTests: false))
            guard report.succeeded else { throw FixtureError("transform of \(tenant.rawValue) failed: \(report.summary)") }
            try await database.close()
            tenants.append(
                TenantConfiguration(
                    id: tenant.rawValue, database: .init(engine: .duckdb, path: path),
                    modelPath: Self.root.appendingPathComponent("model").path))
        }
        let configuration = ConvAIConfiguration(
            server: .init(host: "127.0.0.1", port: 0), auth: .init(jwtSecret: Self.secret), tenants: tenants,
            root: folder.path, limits: .unthrottled)
        built = configuration
        return configuration
    }

    /// Runs `body` against a fresh application over the seeded tenants; sessions live in the
    /// shared root, so a second call sees the first one's sessions (a restart).
    func withClient(
        llmProviders: [String: any LLMProvider] = [:], tracker: UsageTracker? = nil,
        configure: @Sendable (inout ConvAIConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        var configuration = try await configuration()
        configure(&configuration)
        let router = TenantRouter(tenants: configuration.tenants, logger: Logger(label: "test"))
        let app = try await buildApplication(
            configuration: configuration, tenants: router, logger: Logger(label: "test"), llmProviders: llmProviders,
            tracker: tracker, today: { SQLDate(iso: Self.asOf)! })
        do {
            try await app.test(.router, body)
        } catch {
            await router.closeAll()
            throw error
        }
        await router.closeAll()
    }

    /// A token for `tenant`'s `user`.
    static func token(
        _ tenant: String, user: String = "manager-1", role: String = "manager", department: String? = nil,
        customer: String? = nil, territory: String? = nil
    ) async throws -> String {
        let authority = try await TokenAuthority(secret: secret, tenants: [tenant])
        return try await authority.mint(
            AccessClaims(
                tenant: tenant, subject: user, role: role, department: department, territory: territory,
                customer: customer, expiresAt: Date().addingTimeInterval(3600)))
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
