import Foundation
import Server
import Synchronization
import Testing
import Warehouse

/// A clock the test moves by hand.
private final class FakeClock: Sendable {
    private let instant = Mutex(ContinuousClock.now)

    var now: ContinuousClock.Instant { instant.withLock { $0 } }

    func advance(by duration: Duration) { instant.withLock { $0 += duration } }

    func limiter(_ limit: RateLimit, maximumKeys: Int = 100_000) -> RateLimiter {
        RateLimiter(limit: limit, maximumKeys: maximumKeys, now: { self.now })
    }
}

@Suite("RateLimiter")
struct RateLimiterTests {
    @Test("a full bucket admits the burst, then refuses with the exact wait for one token")
    func burstThenLimited() {
        let clock = FakeClock()
        let limiter = clock.limiter(RateLimit(requestsPerMinute: 60, burst: 3))
        #expect(limiter.take("u") == .allowed(remaining: 2))
        #expect(limiter.take("u") == .allowed(remaining: 1))
        #expect(limiter.take("u") == .allowed(remaining: 0))
        let refused = limiter.take("u")
        #expect(refused == .limited(retryAfter: .seconds(1)))
        #expect(refused.retryAfterSeconds == 1)
        #expect(RateLimiter.Decision.allowed(remaining: 0).retryAfterSeconds == nil)
    }

    @Test("after waiting the reported time one request is admitted, and only one")
    func refillAfterRetryAfter() throws {
        let clock = FakeClock()
        // 30 per minute: one token every 2 s.
        let limiter = clock.limiter(RateLimit(requestsPerMinute: 30, burst: 2))
        _ = limiter.take("u")
        _ = limiter.take("u")
        clock.advance(by: .milliseconds(500))
        let refused = limiter.take("u")
        #expect(refused == .limited(retryAfter: .milliseconds(1500)))
        #expect(refused.retryAfterSeconds == 2, "1.5 s rounds up")
        guard case .limited(let wait) = refused else { Issue.record("expected a refusal"); return }
        clock.advance(by: wait)
        #expect(limiter.take("u") == .allowed(remaining: 0))
        #expect(limiter.take("u") == .limited(retryAfter: .seconds(2)))
    }

    @Test("an odd rate still admits exactly after the reported wait")
    func oddRate() {
        let clock = FakeClock()
        let limiter = clock.limiter(RateLimit(requestsPerMinute: 7, burst: 1))
        _ = limiter.take("u")
        guard case .limited(let wait) = limiter.take("u") else { Issue.record("expected a refusal"); return }
        #expect(limiter.take("u").retryAfterSeconds == 9, "60/7 = 8.57 s rounds up to 9")
        clock.advance(by: wait)
        #expect(limiter.take("u") == .allowed(remaining: 0))
    }

    @Test("a bucket never holds more than the burst however long it was idle")
    func refillCapsAtBurst() {
        let clock = FakeClock()
        let limiter = clock.limiter(RateLimit(requestsPerMinute: 600, burst: 2))
        _ = limiter.take("u")
        clock.advance(by: .seconds(3600))
        #expect(limiter.take("u") == .allowed(remaining: 1))
        #expect(limiter.take("u") == .allowed(remaining: 0))
        guard case .limited(let wait) = limiter.take("u") else { Issue.record("expected a refusal"); return }
        #expect((Duration.microseconds(99_999)...Duration.microseconds(100_001)).contains(wait), "\(wait)")
    }

    @Test("keys have separate buckets")
    func keysAreIndependent() {
        let clock = FakeClock()
        let limiter = clock.limiter(RateLimit(requestsPerMinute: 60, burst: 1))
        #expect(limiter.take("alice") == .allowed(remaining: 0))
        #expect(limiter.take("alice").retryAfterSeconds == 1)
        #expect(limiter.take("bob") == .allowed(remaining: 0))
        #expect(limiter.take("carol") == .allowed(remaining: 0))
        #expect(limiter.take("bob").retryAfterSeconds == 1)
    }

    @Test("idle (full) buckets are evicted first and the key count stays bounded")
    func evictionBoundsMemory() {
        let clock = FakeClock()
        let limiter = clock.limiter(RateLimit(requestsPerMinute: 60, burst: 5), maximumKeys: 100)
        for i in 0..<100 { _ = limiter.take("old-\(i)") }
        #expect(limiter.keyCount == 100)
        // "hot" drains its bucket while the others refill.
        clock.advance(by: .seconds(10))
        for _ in 0..<5 { _ = limiter.take("hot") }
        #expect(limiter.keyCount <= 100)
        #expect(limiter.take("hot").retryAfterSeconds == 1, "the drained bucket was kept, not reset")
        for i in 0..<10_000 { _ = limiter.take("flood-\(i)") }
        #expect(limiter.keyCount <= 100)
    }

    @Test("when no bucket is idle the ones closest to full go, and the newest key is kept")
    func evictionOfBusyBuckets() {
        let clock = FakeClock()
        let limiter = clock.limiter(RateLimit(requestsPerMinute: 1, burst: 2), maximumKeys: 10)
        for i in 0..<10 { _ = limiter.take("k\(i)") }
        // No bucket refilled (the clock stands still): eviction must drop busy ones.
        #expect(limiter.take("new") == .allowed(remaining: 1))
        #expect(limiter.keyCount <= 10)
        #expect(limiter.take("new") == .allowed(remaining: 0))
        #expect(limiter.take("new").retryAfterSeconds == 60)
    }

    @Test("100 concurrent takes on one key admit exactly the burst when time stands still")
    func concurrentTakesNeverOverAdmit() async {
        let clock = FakeClock()
        let limiter = clock.limiter(RateLimit(requestsPerMinute: 60, burst: 17))
        let allowed = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<100 {
                group.addTask {
                    if case .allowed = limiter.take("shared") { return true }
                    return false
                }
            }
            var count = 0
            for await admitted in group where admitted { count += 1 }
            return count
        }
        #expect(allowed == 17)
    }
}

@Suite("LimitSettings")
struct LimitSettingsTests {
    @Test("an empty limits mapping gives the defaults")
    func defaults() throws {
        let settings = try JSONDecoder().decode(LimitSettings.self, from: Data("{}".utf8))
        #expect(settings == LimitSettings())
        #expect(settings.perUser == RateLimit(requestsPerMinute: 120, burst: 30))
        #expect(settings.perTenant == RateLimit(requestsPerMinute: 1200, burst: 200))
        #expect(settings.maxBodyBytes == 1_048_576)
        #expect(settings.maxRows == 50_000)
        #expect(settings.statementTimeoutMilliseconds == 30_000)
    }

    @Test("snake_case keys are read from YAML")
    func yamlKeys() throws {
        struct File: Decodable { var limits: LimitSettings }
        let yaml = """
            limits:
              per_user_requests_per_minute: 60
              per_user_burst: 10
              per_tenant_requests_per_minute: 600.5
              per_tenant_burst: 100
              max_body_bytes: 65536
              max_rows: 1000
              statement_timeout_ms: 5000
            """
        let file = try ConfigurationFile.decode(File.self, yaml: yaml, file: "convai.yaml")
        #expect(
            file.limits
                == LimitSettings(
                    perUserRequestsPerMinute: 60, perUserBurst: 10, perTenantRequestsPerMinute: 600.5,
                    perTenantBurst: 100, maxBodyBytes: 65536, maxRows: 1000, statementTimeoutMilliseconds: 5000))
    }

    @Test("the server configuration reads limits:, with the defaults when it is absent")
    func serverConfiguration() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tenants = "tenants:\n  itc:\n    database: {engine: duckdb, path: data/itc.duckdb}\n"
        let withLimits = folder.appendingPathComponent("with.yaml").path
        try (tenants + "limits:\n  per_user_burst: 5\n  max_rows: 100\n").write(
            toFile: withLimits, atomically: true, encoding: .utf8)
        let without = folder.appendingPathComponent("without.yaml").path
        try tenants.write(toFile: without, atomically: true, encoding: .utf8)
        #expect(try ConvAIConfiguration.load(path: withLimits).limits == LimitSettings(perUserBurst: 5, maxRows: 100))
        #expect(try ConvAIConfiguration.load(path: without).limits == LimitSettings())
    }

    @Test(
        "a value that is not positive is an error naming its key",
        arguments: [
            "per_user_requests_per_minute", "per_user_burst", "per_tenant_requests_per_minute", "per_tenant_burst",
            "max_body_bytes", "max_rows", "statement_timeout_ms",
        ])
    func nonPositiveIsRefused(_ key: String) throws {
        for bad in ["0", "-5"] {
            let error = #expect(throws: DecodingError.self) {
                try JSONDecoder().decode(LimitSettings.self, from: Data("{\"\(key)\": \(bad)}".utf8))
            }
            guard case .dataCorrupted(let context)? = error else {
                Issue.record("expected dataCorrupted, got \(String(describing: error))")
                continue
            }
            #expect(context.codingPath.last?.stringValue == key)
            #expect(context.debugDescription.contains(key))
        }
        struct File: Decodable { var limits: LimitSettings }
        let error = #expect(throws: WarehouseError.self) {
            try ConfigurationFile.decode(File.self, yaml: "limits:\n  \(key): 0\n", file: "convai.yaml")
        }
        #expect(error?.message.contains("limits.\(key)") == true, "\(error?.message ?? "")")
    }
}
