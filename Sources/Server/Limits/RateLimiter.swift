import Synchronization

/// How fast one key (a user, a tenant) may make requests: a token bucket that holds at
/// most `burst` tokens and refills at `requestsPerMinute`.
public struct RateLimit: Sendable, Hashable {
    /// The sustained rate, in requests per minute.
    public var requestsPerMinute: Double
    /// The most requests admitted at once after an idle period (the bucket's size).
    public var burst: Int

    /// Makes a limit; both values must be positive.
    public init(requestsPerMinute: Double, burst: Int) {
        precondition(requestsPerMinute > 0 && requestsPerMinute.isFinite, "requestsPerMinute must be positive")
        precondition(burst > 0, "burst must be positive")
        self.requestsPerMinute = requestsPerMinute
        self.burst = burst
    }
}

/// A token-bucket rate limiter keyed by strings (user ids, tenant ids), safe to share
/// between tasks.
///
/// Each key has a bucket that starts full (`burst` tokens), loses one token per admitted
/// request and refills continuously at the limit's rate. Time comes from `now`, so tests
/// can move a fake clock.
///
/// Memory is bounded by `maximumKeys`. When a new key would exceed it, the limiter
/// evicts, in this order:
/// 1. buckets that have refilled to full (idle keys): forgetting them changes nothing,
///    since a forgotten key starts again with a full bucket;
/// 2. if that is not enough, the buckets closest to full, until at most 90% of
///    `maximumKeys` remain (so that the scan runs at most once per 10% of new keys).
///    Such a key may be admitted up to `burst` more requests than its history allows:
///    the price of a bound on memory under a flood of distinct keys.
public final class RateLimiter: Sendable {
    /// The answer to one request.
    public enum Decision: Sendable, Equatable {
        /// Admitted; `remaining` whole tokens are left in the bucket.
        case allowed(remaining: Int)
        /// Refused; one token will be available after `retryAfter`.
        case limited(retryAfter: Duration)

        /// For a `Retry-After` header: `retryAfter` rounded up to whole seconds (at least
        /// 1); nil when the request was allowed.
        public var retryAfterSeconds: Int? {
            guard case .limited(let wait) = self else { return nil }
            let (seconds, attoseconds) = wait.components
            return max(1, Int(seconds) + (attoseconds > 0 ? 1 : 0))
        }
    }

    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    private struct State: ~Copyable {
        var buckets: [String: Bucket] = [:]
    }

    /// The limit every key gets.
    public let limit: RateLimit
    /// The most buckets kept at once.
    public let maximumKeys: Int
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(State())

    // A token counts as available within this margin, so that waiting exactly the
    // reported `retryAfter` always succeeds despite floating-point rounding.
    private static let epsilon = 1e-9

    /// Makes a limiter applying `limit` to every key, keeping at most `maximumKeys`
    /// buckets, reading time from `now`.
    public init(
        limit: RateLimit, maximumKeys: Int = 100_000,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }
    ) {
        precondition(maximumKeys > 0, "maximumKeys must be positive")
        self.limit = limit
        self.maximumKeys = maximumKeys
        self.now = now
    }

    /// Takes one token from `key`'s bucket if there is one.
    public func take(_ key: String) -> Decision {
        let now = self.now()
        return state.withLock { state in
            var bucket: Bucket
            if let existing = state.buckets[key] {
                bucket = existing
                bucket.tokens = refilled(existing, at: now)
                bucket.updated = max(existing.updated, now)
            } else {
                if state.buckets.count >= maximumKeys { evict(&state, at: now) }
                bucket = Bucket(tokens: Double(limit.burst), updated: now)
            }
            let decision: Decision
            if bucket.tokens >= 1 - Self.epsilon {
                bucket.tokens = max(0, bucket.tokens - 1)
                decision = .allowed(remaining: Int((bucket.tokens + Self.epsilon).rounded(.down)))
            } else {
                // Multiplying by 60 before dividing keeps whole-second waits exact (60/1, not 1/(1/60)).
                decision = .limited(retryAfter: .seconds((1 - bucket.tokens) * 60 / limit.requestsPerMinute))
            }
            state.buckets[key] = bucket
            return decision
        }
    }

    /// How many keys have a bucket now (for tests and metrics).
    public var keyCount: Int { state.withLock { $0.buckets.count } }

    /// The bucket's tokens at `now`: what it had plus the refill since, at most the burst.
    private func refilled(_ bucket: Bucket, at now: ContinuousClock.Instant) -> Double {
        guard now > bucket.updated else { return bucket.tokens }
        let (seconds, attoseconds) = (now - bucket.updated).components
        let elapsed = Double(seconds) + Double(attoseconds) / 1e18
        return min(Double(limit.burst), bucket.tokens + elapsed * limit.requestsPerMinute / 60)
    }

    /// Frees room for a new bucket (the policy is in the type's documentation).
    private func evict(_ state: inout State, at now: ContinuousClock.Instant) {
        let burst = Double(limit.burst)
        var partial: [(key: String, tokens: Double)] = []
        for (key, bucket) in state.buckets {
            let tokens = refilled(bucket, at: now)
            if tokens >= burst - Self.epsilon {
                state.buckets[key] = nil
            } else {
                partial.append((key, tokens))
            }
        }
        let target = max(0, maximumKeys - max(1, maximumKeys / 10))
        guard state.buckets.count > target else { return }
        partial.sort { $0.tokens > $1.tokens }
        for entry in partial.prefix(state.buckets.count - target) { state.buckets[entry.key] = nil }
    }
}
