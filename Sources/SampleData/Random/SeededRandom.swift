/// xoshiro256** seeded through SplitMix64: a fast generator whose output depends only on
/// the seed and the stream, never on the process (unlike `SystemRandomNumberGenerator`).
///
/// Every helper uses only integer arithmetic, `+ − × ÷` and `squareRoot()` on doubles, all
/// exactly rounded by IEEE 754, so that the data are the same on every platform; nothing
/// goes through `exp`, `log` or `cos`, whose last bit may differ between C libraries.
struct SeededRandom {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Independent streams: the world, each simulated day, each anomaly… each get their own
    /// sequence, so that adding draws to one part never shifts another.
    init(seed: UInt64, stream: UInt64, index: UInt64 = 0) {
        var outer = SplitMix64(state: seed)
        let base = outer.next()
        var inner = SplitMix64(state: base ^ (stream &* 0xD1B5_4A32_D192_ED03) ^ (index &* 0x8CB9_2BA7_2F3D_8DD7))
        s0 = inner.next()
        s1 = inner.next()
        s2 = inner.next()
        s3 = inner.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        let result = rotate(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotate(s3, 45)
        return result
    }

    @inline(__always)
    private func rotate(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1).
    @inline(__always)
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [low, high).
    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// Uniform in 0..<n (multiply-shift; the bias is below 2^-40 for the sizes used here).
    @inline(__always)
    mutating func int(below n: Int) -> Int {
        precondition(n > 0, "int(below:) needs a positive bound")
        return Int(UInt64(n).multipliedFullWidth(by: next()).high)
    }

    /// Uniform in the range.
    mutating func int(in range: ClosedRange<Int>) -> Int { range.lowerBound + int(below: range.count) }

    /// True with probability p.
    @inline(__always)
    mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// A right-skewed multiplier with mean 1, from 0.4 to 2.8 (basket sizes, quantities).
    @inline(__always)
    mutating func skewed() -> Double { 0.4 + 2.4 * uniform() * uniform() }

    /// An approximately standard normal number (Irwin–Hall with four uniforms).
    mutating func normal() -> Double {
        (uniform() + uniform() + uniform() + uniform() - 2) * 1.732_050_807_568_877_2
    }

    /// An element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[int(below: items.count)] }

    /// The array in a random order (Fisher–Yates).
    mutating func shuffled<T>(_ items: [T]) -> [T] {
        var copy = items
        var i = copy.count - 1
        while i > 0 {
            copy.swapAt(i, int(below: i + 1))
            i -= 1
        }
        return copy
    }
}

/// SplitMix64, used only to spread a seed over xoshiro's 256 bits of state.
struct SplitMix64 {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The named streams of one seed.
enum RandomStream: UInt64 {
    case world = 1, plan, secondaryDay, anomalyPlan, anomalyLines, messiness, primary
}

extension SeededRandom {
    init(seed: UInt64, _ stream: RandomStream, index: Int = 0) {
        self.init(seed: seed, stream: stream.rawValue, index: UInt64(truncatingIfNeeded: index))
    }
}
