import Foundation
import Warehouse

/// Numbers as an Indian sales team reads them: rupees in lakh and crore, units with
/// grouping, signed percentages, short dates.
enum InsightFormat {
    static func money(_ value: Double) -> String {
        let sign = value < 0 ? "−" : ""
        let amount = abs(value)
        if amount >= 1e7 { return "\(sign)₹\(decimal(amount / 1e7, places: 2)) Cr" }
        if amount >= 1e5 { return "\(sign)₹\(decimal(amount / 1e5, places: 1)) L" }
        return "\(sign)₹\(grouped(amount.rounded()))"
    }

    static func units(_ value: Double) -> String { "\(value < 0 ? "−" : "")\(grouped(abs(value).rounded())) units" }

    static func count(_ value: Double) -> String { grouped(value.rounded()) }

    /// `+12.3%`, `−4.0%`.
    static func percent(_ value: Double) -> String {
        "\(value < 0 ? "−" : "+")\(decimal(abs(value), places: 1))%"
    }

    /// `12.3%` without a sign.
    static func share(_ fraction: Double) -> String { "\(decimal(fraction * 100, places: 1))%" }

    static func ratio(_ value: Double) -> String { "\(decimal(value, places: 1))×" }

    /// `6 Dec`.
    static func day(_ date: SQLDate) -> String {
        let c = date.components
        return "\(c.day) \(monthAbbreviations[c.month - 1])"
    }

    static func monthName(_ month: Int) -> String { monthNames[month - 1] }

    static func decimal(_ value: Double, places: Int) -> String {
        String(format: "%.\(places)f", value)
    }

    /// Whole numbers with thousands separators.
    static func grouped(_ value: Double) -> String {
        let digits = String(Int64(value))
        var out = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0, index % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return String(out.reversed())
    }

    private static let monthAbbreviations = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
}
