/// The query result cache (`cache:` in the configuration file).
///
/// Keys, all optional: `ttl_seconds` (60; 0 turns the cache off), `max_entries` (10000),
/// `max_megabytes` (64, the estimated size of the cached rows).
public struct ResultCacheSettings: Sendable, Hashable, Decodable {
    /// How long a result read from the raw tables is served again, in seconds; a result read
    /// from a rollup is served until the rollup is refreshed or this passes, whichever is first.
    public var ttlSeconds: Int
    /// The most results kept.
    public var maxEntries: Int
    /// The most bytes of results kept (an estimate of the rows' size).
    public var maxBytes: Int

    /// Makes settings.
    public init(ttlSeconds: Int = 60, maxEntries: Int = 10_000, maxBytes: Int = 64 << 20) {
        self.ttlSeconds = ttlSeconds
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    /// No caching: every request reads the database (tests that watch the statements sent).
    public static let off = ResultCacheSettings(ttlSeconds: 0)

    enum CodingKeys: String, CodingKey {
        case ttlSeconds = "ttl_seconds"
        case maxEntries = "max_entries"
        case maxMegabytes = "max_megabytes"
    }

    /// Decodes the keys above with their defaults; negative values are errors naming the key.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func count(_ key: CodingKeys, _ fallback: Int, minimum: Int) throws -> Int {
            guard let value = try container.decodeIfPresent(Int.self, forKey: key) else { return fallback }
            guard value >= minimum else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "cache.\(key.stringValue) must be at least \(minimum), found \(value)")
            }
            return value
        }
        let defaults = ResultCacheSettings()
        ttlSeconds = try count(.ttlSeconds, defaults.ttlSeconds, minimum: 0)
        maxEntries = try count(.maxEntries, defaults.maxEntries, minimum: 1)
        maxBytes = try count(.maxMegabytes, defaults.maxBytes >> 20, minimum: 1) << 20
    }
}
