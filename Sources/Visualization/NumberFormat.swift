import Foundation

/// Numbers as the tenant's readers write them: Indian style (₹ in lakh and crore, digits
/// grouped 12,34,567) or international style (K/M/B, digits grouped 1,234,567).
///
/// A measure's Cube `format` decides the shape: `currency` is compact money, `percent` a
/// percentage, anything else a grouped number with two decimals when it has a fraction.
/// Negative numbers carry a minus sign (−, U+2212) before the currency symbol.
public struct NumberFormat: Sendable, Hashable {
    /// The digit grouping and units.
    public enum Style: String, Sendable, Hashable, Codable, CaseIterable {
        /// Lakh (1,00,000) and crore (1,00,00,000); `en-IN` in the configuration.
        case india = "en-IN"
        /// Thousand, million, billion; `international` in the configuration.
        case international
    }

    /// What a number stands for, from a measure's Cube `format`.
    public enum Unit: String, Sendable, Hashable, Codable {
        /// Money in ``NumberFormat/currencySymbol``.
        case currency
        /// A percentage (the value 12.5 means 12.5 %).
        case percent
        /// A plain quantity or count.
        case number

        /// The unit of a measure's Cube `format` (`currency`, `percent`, anything else a number).
        public init(format: String?) {
            self = format.flatMap(Unit.init(rawValue:)) ?? .number
        }
    }

    /// The grouping and units.
    public var style: Style
    /// Written before money amounts.
    public var currencySymbol: String

    /// Makes a format; money is in rupees unless another symbol is given.
    public init(style: Style, currencySymbol: String = "₹") {
        self.style = style
        self.currencySymbol = currencySymbol
    }

    /// Indian style in rupees.
    public static let india = NumberFormat(style: .india)
    /// International style in rupees (the sample tenants' data is in rupees).
    public static let international = NumberFormat(style: .international)

    /// `value` written for its unit: `₹12.34 Cr`, `12.5%`, `12,34,567`.
    public func format(_ value: Double, unit: Unit) -> String {
        switch unit {
        case .currency: money(value)
        case .percent: percent(value)
        case .number: number(value)
        }
    }

    /// Compact money: `₹12.34 Cr`, `₹5.60 L`, `₹99,999` (India); `₹12.35M`, `₹5.60K`,
    /// `₹999` (international). Amounts that round up to the next unit take it (99,999.6 is
    /// `₹1.00 L`).
    public func money(_ value: Double, places: Int = 2) -> String {
        guard value.isFinite else { return "–" }
        let magnitude = abs(value)
        let sign = Self.sign(of: value, rounded: magnitude.rounded())
        let whole = magnitude.rounded()
        if let position = units.firstIndex(where: { whole >= $0.size }) {
            var (size, suffix) = units[position]
            var scaled = Self.decimal(magnitude / size, places: places)
            // 99,99,999 is 100.00 L written to two places: the next unit says it better.
            if position > 0, Double(scaled)! >= units[position - 1].size / size {
                (size, suffix) = units[position - 1]
                scaled = Self.decimal(magnitude / size, places: places)
            }
            return "\(sign)\(currencySymbol)\(group(scaled))\(suffix)"
        }
        return "\(sign)\(currencySymbol)\(group(Self.decimal(magnitude, places: 0)))"
    }

    /// A grouped number, two decimals when it has a fraction: `12,34,567`, `1,234.50`.
    public func number(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let magnitude = abs(value)
        let places = (magnitude * 100).rounded() == (magnitude.rounded() * 100) ? 0 : 2
        let text = Self.decimal(magnitude, places: places)
        return Self.sign(of: value, rounded: Double(text)!) + group(text)
    }

    /// `12.5%`: one decimal.
    public func percent(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let text = Self.decimal(abs(value), places: 1)
        return Self.sign(of: value, rounded: Double(text)!) + text + "%"
    }

    /// A change in percent with its sign: `+12.3%`, `−4.0%`.
    public func signedPercent(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        return (value < 0 && Self.decimal(abs(value), places: 1) != "0.0" ? "−" : "+") + Self.decimal(abs(value), places: 1) + "%"
    }

    /// The digits of `text` (`1234567.5`) grouped in this style: `12,34,567.5` or `1,234,567.5`.
    public func group(_ text: String) -> String {
        let parts = text.split(separator: ".", maxSplits: 1)
        var digits = Array(parts.first ?? "")
        let fraction = parts.count > 1 ? ".\(parts[1])" : ""
        guard digits.count > 3 else { return String(digits) + fraction }
        var groups = [String(digits.suffix(3))]
        digits.removeLast(3)
        let size = style == .india ? 2 : 3
        while !digits.isEmpty {
            groups.insert(String(digits.suffix(size)), at: 0)
            digits.removeLast(min(size, digits.count))
        }
        return groups.joined(separator: ",") + fraction
    }

    /// Fixed decimals without Foundation's locale-dependent formatting; never `-0`.
    public static func decimal(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return "0" }
        let scale = pow(10.0, Double(places))
        var text = String(format: "%.\(places)f", (value * scale).rounded() / scale)
        if text.hasPrefix("-"), Double(text) == 0 { text.removeFirst() }
        return text
    }

    /// The units of compact money, largest first.
    private var units: [(size: Double, suffix: String)] {
        switch style {
        case .india: [(1e7, " Cr"), (1e5, " L")]
        case .international: [(1e9, "B"), (1e6, "M"), (1e3, "K")]
        }
    }

    /// A minus sign unless the number shows as zero.
    private static func sign(of value: Double, rounded: Double) -> String {
        value < 0 && rounded != 0 ? "−" : ""
    }
}
