import Warehouse

/// The untidiness of real exports (docs/raw-data.md): codes sometimes lower-cased or padded
/// with spaces, category-like values in several spellings, names now and then padded,
/// rows re-exported. It draws from its own random stream, so it never changes which sales
/// happen.
struct Messiness {
    /// A code in its four export forms, built once so that rows share the strings.
    struct Code: Sendable {
        let clean: String
        let lower: String
        let padded: String
        let paddedLower: String

        init(_ code: String) {
            clean = code
            lower = code.lowercased()
            padded = "  " + code + " "
            paddedLower = " " + code.lowercased() + "  "
        }
    }

    /// Share of rows exported twice (the copy has a later `exported_at`).
    static let duplicateShare = 0.005
    /// Share of secondary lines exported days after their bill date.
    static let lateShare = 0.003

    private var rng: SeededRandom

    init(seed: UInt64, index: Int) {
        rng = SeededRandom(seed: seed, .messiness, index: index)
    }

    @inline(__always)
    mutating func code(_ code: Code) -> String {
        let r = rng.uniform()
        if r < 0.94 { return code.clean }
        if r < 0.97 { return code.lower }
        if r < 0.99 { return code.padded }
        return code.paddedLower
    }

    /// One of the spellings, the first (usual) one most often.
    @inline(__always)
    mutating func spelling(_ spellings: [String]) -> String {
        let r = rng.uniform()
        if r < 0.7 { return spellings[0] }
        return r < 0.85 ? spellings[1] : spellings[spellings.count - 1]
    }

    mutating func name(_ name: String) -> String {
        rng.chance(0.02) ? name + "  " : name
    }

    @inline(__always)
    mutating func duplicate() -> Bool { rng.chance(Self.duplicateShare) }

    mutating func chance(_ p: Double) -> Bool { rng.chance(p) }

    mutating func int(in range: ClosedRange<Int>) -> Int { rng.int(in: range) }
}

/// Money and sizes as the raw tables store them.
enum Amount {
    @inline(__always)
    static func rupees(paise: Int64) -> Value { .decimal(SQLDecimal(unscaled: Int128(paise), scale: 2)) }

    static func thousandths(_ units: Int) -> Value { .decimal(SQLDecimal(unscaled: Int128(units), scale: 3)) }

    static func timestamp(_ date: SQLDate, seconds: Int) -> Value {
        .timestamp(SQLTimestamp(microsecondsSinceEpoch: (Int64(date.daysSinceEpoch) * 86_400 + Int64(seconds)) * 1_000_000))
    }
}
