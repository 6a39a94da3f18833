/// Request limits (`limits:` in the configuration file): rate limits per user and per
/// tenant, the largest request body, the most result rows and the statement timeout.
///
/// Keys, all optional, each a positive number:
/// `per_user_requests_per_minute` (120), `per_user_burst` (30),
/// `per_tenant_requests_per_minute` (1200), `per_tenant_burst` (200),
/// `max_body_bytes` (1048576 = 1 MiB), `max_rows` (50000), `statement_timeout_ms` (30000).
public struct LimitSettings: Sendable, Hashable, Decodable {
    /// Sustained requests per minute for one user.
    public var perUserRequestsPerMinute: Double
    /// Requests one user may make at once after an idle period.
    public var perUserBurst: Int
    /// Sustained requests per minute for all users of one tenant together.
    public var perTenantRequestsPerMinute: Double
    /// Requests one tenant may make at once after an idle period.
    public var perTenantBurst: Int
    /// The largest request body accepted, in bytes.
    public var maxBodyBytes: Int
    /// The most rows a query may return.
    public var maxRows: Int
    /// How long one statement may run, in milliseconds.
    public var statementTimeoutMilliseconds: Int

    /// Makes settings; every value must be positive.
    public init(
        perUserRequestsPerMinute: Double = 120, perUserBurst: Int = 30,
        perTenantRequestsPerMinute: Double = 1200, perTenantBurst: Int = 200,
        maxBodyBytes: Int = 1_048_576, maxRows: Int = 50_000, statementTimeoutMilliseconds: Int = 30_000
    ) {
        self.perUserRequestsPerMinute = perUserRequestsPerMinute
        self.perUserBurst = perUserBurst
        self.perTenantRequestsPerMinute = perTenantRequestsPerMinute
        self.perTenantBurst = perTenantBurst
        self.maxBodyBytes = maxBodyBytes
        self.maxRows = maxRows
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
    }

    /// Default limits with rates no client reaches: for benchmarks and tests that measure or
    /// exercise something else through the HTTP API.
    public static let unthrottled = LimitSettings(
        perUserRequestsPerMinute: 1e12, perUserBurst: 1 << 40, perTenantRequestsPerMinute: 1e12, perTenantBurst: 1 << 40)

    /// The limit for each user.
    public var perUser: RateLimit { RateLimit(requestsPerMinute: perUserRequestsPerMinute, burst: perUserBurst) }
    /// The limit for each tenant.
    public var perTenant: RateLimit { RateLimit(requestsPerMinute: perTenantRequestsPerMinute, burst: perTenantBurst) }

    enum CodingKeys: String, CodingKey {
        case perUserRequestsPerMinute = "per_user_requests_per_minute"
        case perUserBurst = "per_user_burst"
        case perTenantRequestsPerMinute = "per_tenant_requests_per_minute"
        case perTenantBurst = "per_tenant_burst"
        case maxBodyBytes = "max_body_bytes"
        case maxRows = "max_rows"
        case statementTimeoutMilliseconds = "statement_timeout_ms"
    }

    /// Decodes the keys above, with their defaults; a value that is not positive is a
    /// `DecodingError` naming its key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = LimitSettings()
        func rate(_ key: CodingKeys, _ fallback: Double) throws -> Double {
            guard let value = try container.decodeIfPresent(Double.self, forKey: key) else { return fallback }
            guard value > 0, value.isFinite else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "\(key.stringValue) must be positive, found \(value)")
            }
            return value
        }
        func count(_ key: CodingKeys, _ fallback: Int) throws -> Int {
            guard let value = try container.decodeIfPresent(Int.self, forKey: key) else { return fallback }
            guard value > 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container,
                    debugDescription: "\(key.stringValue) must be a positive whole number, found \(value)")
            }
            return value
        }
        perUserRequestsPerMinute = try rate(.perUserRequestsPerMinute, defaults.perUserRequestsPerMinute)
        perUserBurst = try count(.perUserBurst, defaults.perUserBurst)
        perTenantRequestsPerMinute = try rate(.perTenantRequestsPerMinute, defaults.perTenantRequestsPerMinute)
        perTenantBurst = try count(.perTenantBurst, defaults.perTenantBurst)
        maxBodyBytes = try count(.maxBodyBytes, defaults.maxBodyBytes)
        maxRows = try count(.maxRows, defaults.maxRows)
        statementTimeoutMilliseconds = try count(.statementTimeoutMilliseconds, defaults.statementTimeoutMilliseconds)
    }
}
