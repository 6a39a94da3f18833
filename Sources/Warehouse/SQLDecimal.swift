/// An exact decimal number with a fixed scale, as SQL's DECIMAL(p, s) holds it.
///
/// Foundation's `Decimal` normalises `1.20` to `1.2`; sales figures must keep the scale
/// the schema declares, so the value is stored as an unscaled integer and a scale.
public struct SQLDecimal: Sendable, Hashable, Comparable {
    /// The digits without the decimal point: 1.25 at scale 2 is 125.
    public var unscaled: Int128
    /// Digits after the decimal point.
    public var scale: Int

    /// Makes a decimal from its unscaled digits and scale.
    public init(unscaled: Int128, scale: Int) {
        precondition(scale >= 0 && scale <= 38, "decimal scale must be 0...38")
        self.unscaled = unscaled
        self.scale = scale
    }

    /// Parses text such as `-12.50` (the scale is the number of digits written after the point).
    public init?(_ text: some StringProtocol) {
        var s = Substring(text)
        var negative = false
        if s.first == "-" || s.first == "+" {
            negative = s.first == "-"
            s = s.dropFirst()
        }
        let parts = s.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !(whole.isEmpty && parts.count == 1) else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard (whole + fraction).allSatisfy(\.isASCII), (whole + fraction).allSatisfy(\.isNumber),
            !(whole.isEmpty && fraction.isEmpty), fraction.count <= 38
        else { return nil }
        guard let digits = Int128(whole.isEmpty ? "0" + fraction : whole + fraction) else { return nil }
        self.init(unscaled: negative ? -digits : digits, scale: fraction.count)
    }

    /// The nearest binary double, for charts and statistics (never for money arithmetic).
    public var doubleValue: Double {
        // Double(Int128) takes the generic integer-conversion path, a tenth of an insight
        // run's CPU; sums of money nearly always fit in 64 bits.
        let digits =
            unscaled >= Int128(Int64.min) && unscaled <= Int128(Int64.max)
            ? Double(Int64(truncatingIfNeeded: unscaled)) : Double(unscaled)
        return digits / Self.powerOfTen(scale)
    }

    /// The same number at another scale; nil when digits would be lost or it overflows.
    public func rescaled(to newScale: Int) -> SQLDecimal? {
        if newScale == scale { return self }
        if newScale > scale {
            let (v, overflow) = unscaled.multipliedReportingOverflow(by: Self.int128PowerOfTen(newScale - scale))
            return overflow ? nil : SQLDecimal(unscaled: v, scale: newScale)
        }
        let divisor = Self.int128PowerOfTen(scale - newScale)
        guard unscaled % divisor == 0 else { return nil }
        return SQLDecimal(unscaled: unscaled / divisor, scale: newScale)
    }

    /// Numeric equality: 1.20 equals 1.2 (the scale is kept for display, not identity),
    /// consistent with `<`.
    public static func == (lhs: SQLDecimal, rhs: SQLDecimal) -> Bool {
        let scale = max(lhs.scale, rhs.scale)
        guard let l = lhs.rescaled(to: scale), let r = rhs.rescaled(to: scale) else { return false }
        return l.unscaled == r.unscaled
    }

    public func hash(into hasher: inout Hasher) {
        var digits = unscaled
        var scale = self.scale
        while scale > 0, digits % 10 == 0 {
            digits /= 10
            scale -= 1
        }
        hasher.combine(digits)
        hasher.combine(scale)
    }

    public static func < (lhs: SQLDecimal, rhs: SQLDecimal) -> Bool {
        let scale = max(lhs.scale, rhs.scale)
        if let l = lhs.rescaled(to: scale), let r = rhs.rescaled(to: scale) { return l.unscaled < r.unscaled }
        return lhs.doubleValue < rhs.doubleValue
    }

    static func int128PowerOfTen(_ n: Int) -> Int128 {
        var r: Int128 = 1
        for _ in 0..<n { r *= 10 }
        return r
    }

    private static let doublePowersOfTen: [Double] = (0...22).map { n in (0..<n).reduce(1.0) { r, _ in r * 10 } }

    static func powerOfTen(_ n: Int) -> Double {
        if n < doublePowersOfTen.count { return doublePowersOfTen[n] }
        var r = 1.0
        for _ in 0..<n { r *= 10 }
        return r
    }
}

extension SQLDecimal: CustomStringConvertible {
    /// The number with exactly `scale` digits after the point: `1.20`, `-0.05`, `42`.
    public var description: String {
        let negative = unscaled < 0
        let magnitude = unscaled.magnitude
        var digits = String(magnitude)
        guard scale > 0 else { return (negative ? "-" : "") + digits }
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -scale)
        return (negative ? "-" : "") + digits[..<point] + "." + digits[point...]
    }
}
