import Visualization

/// Numbers in a digest's charts: grouped in the tenant's style (`12,34,567` in lakh and
/// crore, or `1,234,567`), whole numbers from 100 up, at most two decimals below. One
/// function, so the e-mail and its plain-text twin agree.
enum NumberFormatting {
    static func format(_ value: Double?, style: NumberFormat.Style) -> String {
        guard let value, value.isFinite else { return "–" }
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        if magnitude >= 100 {
            return sign + grouped(UInt64(magnitude.rounded()), style: style)
        }
        let hundredths = UInt64((magnitude * 100).rounded())
        let whole = hundredths / 100
        let fraction = hundredths % 100
        if hundredths == 0 { return "0" }
        var text = grouped(whole, style: style)
        if fraction != 0 {
            var digits = fraction < 10 ? "0\(fraction)" : "\(fraction)"
            if digits.hasSuffix("0") { digits.removeLast() }
            text += "." + digits
        }
        return sign + text
    }

    /// `1234567` → `12,34,567` (or `1,234,567`).
    static func grouped(_ value: UInt64, style: NumberFormat.Style) -> String { NumberFormat(style: style).group(String(value)) }
}
