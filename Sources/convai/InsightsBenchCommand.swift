import ArgumentParser
import Foundation
import Insights
import Logging
import SampleData
import Semantic
import Server
import Transform
import Warehouse

struct InsightsBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insights",
        abstract: "Time every recipient's insights for one tenant (scale 1, and a scale 10 copy), and all tenants' digests.",
        discussion: """
            Baseline: the same recipients judged one at a time, each reading the data itself (what a
            per-user generator does). Reported: median of --repeat runs after one warm-up.
            """)

    @OptionGroup var options: GlobalOptions

    @Option(help: "The tenant timed per recipient (seeded and transformed).")
    var tenant = "itc"

    @Option(name: .customLong("repeat"), help: "Timed runs per measurement.")
    var repeat_ = 11

    @Option(help: "Also seed a copy of the tenant at this scale into a temporary DuckDB file and time it (0 = skip).")
    var largeScale = 10.0

    func run() async throws {
        let logger = options.makeLogger()
        let configuration = try options.loadConfiguration()
        let router = TenantRouter(tenants: configuration.tenants, logger: logger)
        let service = try InsightService(configuration: configuration, tenants: router, logger: logger)
        print("insights benchmark: median of \(repeat_) runs after a warm-up")

        // Every tenant at scale 1, the per-tenant goal's figure; `tenant` also gets the baseline.
        var slowest = Duration.zero
        for tenantID in [tenant] + configuration.tenants.map(\.id).filter({ $0 != tenant }) {
            let asOf = try await service.asOf(tenant: tenantID, requested: nil)
            let recipients = try await service.recipients(tenant: tenantID, asOf: asOf)
            let generator = try await service.generator(tenant: tenantID)
            let (timings, split) = try await timedRuns(runs: repeat_) { try await generator.run(for: recipients, asOf: asOf) }
            slowest = max(slowest, timings.median)
            print("  \(tenantID) scale 1, \(recipients.count) recipients (\(split.territories) territories), as of \(asOf):")
            print("    all recipients, one read           \(ms(timings.median))   (runs \(ms(timings.fastest)) to \(ms(timings.slowest)); last: read \(ms(split.readTime)), judge \(ms(split.detectTime)))")
            guard tenantID == tenant else { continue }
            let sample = Array(recipients.prefix(8))
            let (oneByOne, _) = try await time {
                for recipient in sample { _ = try await generator.run(for: [recipient], asOf: asOf) }
            }
            let perRecipient = oneByOne / sample.count
            print("    baseline: one recipient at a time  \(ms(perRecipient)) each, \(ms(perRecipient * recipients.count)) for all")
            print("    speed-up                           \(String(format: "%.1f", (perRecipient * recipients.count) / timings.median))x")
        }
        print("  slowest tenant at scale 1 (median)   \(ms(slowest))   (goal: under 250 ms)")

        let renderer = try DigestRenderer()
        let (everyone, _) = try await timedRuns(runs: repeat_) {
            for tenant in configuration.tenants.map(\.id) {
                let day = try await service.asOf(tenant: tenant, requested: nil)
                let people = try await service.recipients(tenant: tenant, asOf: day)
                let digests = try await service.digests(tenant: tenant, recipients: people, asOf: day)
                for digest in digests { _ = renderer.html(for: digest) + renderer.plainText(for: digest) }
            }
        }
        print("  all \(configuration.tenants.count) tenants' digests (generate + render HTML and text)  \(ms(everyone.median))   (runs \(ms(everyone.fastest)) to \(ms(everyone.slowest)); goal: under 2 s)")

        if largeScale > 0 {
            try await large(configuration: configuration, logger: logger)
        }
        await router.closeAll()
    }

    private func large(configuration: ConvAIConfiguration, logger: Logger) async throws {
        guard let sampleTenant = SampleTenant(rawValue: tenant) else { return }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-insights-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("\(tenant).duckdb").path
        let database = try DuckDBDatabase(configuration: .init(path: path))
        progress("seeding \(tenant) at scale \(largeScale) into \(path) (a minute or two)")
        try await seedAndTransform(
            database, options: SeedOptions(tenant: sampleTenant, endDate: SQLDate.todayUTC().adding(days: -1), scale: largeScale),
            configuration: configuration, logger: logger)
        var large = configuration
        large.tenants = configuration.tenants.map { tenant in
            guard tenant.id == self.tenant else { return tenant }
            var copy = tenant
            copy.database = .init(engine: .duckdb, path: path)
            return copy
        }
        try await database.close()
        let router = TenantRouter(tenants: large.tenants, logger: logger)
        let service = try InsightService(configuration: large, tenants: router, logger: logger)
        let asOf = try await service.asOf(tenant: tenant, requested: nil)
        let recipients = try await service.recipients(tenant: tenant, asOf: asOf)
        let generator = try await service.generator(tenant: tenant)
        let (timings, split) = try await timedRuns(runs: repeat_) { try await generator.run(for: recipients, asOf: asOf) }
        print("  \(tenant) scale \(largeScale), \(recipients.count) recipients:")
        print("    all recipients, one read           \(ms(timings.median))   (runs \(ms(timings.fastest)) to \(ms(timings.slowest)); last: read \(ms(split.readTime)), judge \(ms(split.detectTime)))")
        await router.closeAll()
    }

    private func time<T>(_ body: () async throws -> T) async throws -> (Duration, T) {
        try await medianTime(runs: repeat_, body)
    }

    private func ms(_ duration: Duration) -> String { milliseconds(duration, places: 1) }
}
