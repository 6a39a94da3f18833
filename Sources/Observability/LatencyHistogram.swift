import Foundation

/// Latency counts in geometric buckets, the form in which the daily roll-up keeps
/// latencies so that percentiles over any window come from a few summed rows.
///
/// Bucket 0 holds latencies under 1 ms; bucket i (1…52) holds [1.25^(i−1), 1.25^i) ms;
/// bucket 53 holds everything from 1.25^52 ms (≈ 110 s) up. A percentile is
/// interpolated linearly inside its bucket and capped at the largest latency seen, so
/// it is within one bucket width (25 %) of the exact value.
struct LatencyHistogram: Sendable, Hashable {
    static let bucketCount = 54
    static let ratio = 1.25
    static let columns: [String] = (0..<bucketCount).map { String(format: "h%02d", $0) }

    var counts: [Int64] = Array(repeating: 0, count: bucketCount)

    static func bucket(forMilliseconds ms: Double) -> Int {
        guard ms.isFinite, ms >= 1 else { return 0 }
        let index = Int((log(ms) / log(ratio)).rounded(.down)) + 1
        // Guard against log rounding at exact bucket edges.
        var bucket = min(max(index, 1), bucketCount - 1)
        if bucket > 1, ms < lowerBound(bucket) { bucket -= 1 }
        if bucket < bucketCount - 1, ms >= lowerBound(bucket + 1) { bucket += 1 }
        return bucket
    }

    static func lowerBound(_ bucket: Int) -> Double {
        bucket == 0 ? 0 : pow(ratio, Double(bucket - 1))
    }

    static func upperBound(_ bucket: Int) -> Double? {
        bucket >= bucketCount - 1 ? nil : pow(ratio, Double(bucket))
    }

    mutating func add(milliseconds ms: Double) {
        counts[Self.bucket(forMilliseconds: ms)] += 1
    }

    mutating func merge(_ other: LatencyHistogram) {
        for index in counts.indices { counts[index] += other.counts[index] }
    }

    var total: Int64 { counts.reduce(0, +) }

    /// The `p` quantile (0…1), capped at `maxMs`; nil when empty.
    func percentile(_ p: Double, maxMs: Double) -> Double? {
        let total = self.total
        guard total > 0 else { return nil }
        let rank = max(1, Int64((p * Double(total)).rounded(.up)))
        var before: Int64 = 0
        for (bucket, count) in counts.enumerated() where count > 0 {
            if before + count >= rank {
                let lower = Self.lowerBound(bucket)
                let upper = Self.upperBound(bucket) ?? max(maxMs, lower)
                let fraction = Double(rank - before) / Double(count)
                return min(lower + (upper - lower) * fraction, maxMs)
            }
            before += count
        }
        return maxMs
    }
}
