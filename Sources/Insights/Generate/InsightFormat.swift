import Visualization
import Warehouse

/// Numbers in insight sentences, in the tenant's style (``NumberFormat/india`` by default:
/// rupees in lakh and crore), units with grouping, signed percentages; short dates.
struct InsightFormat: Sendable {
    let numbers: NumberFormat

    func money(_ value: Double) -> String { numbers.money(value) }

    func units(_ value: Double) -> String { "\(value < 0 ? "−" : "")\(grouped(abs(value).rounded())) units" }

    func count(_ value: Double) -> String { grouped(value.rounded()) }

    /// `+12.3%`, `−4.0%`.
    func percent(_ value: Double) -> String { numbers.signedPercent(value) }

    /// `12.3%` without a sign.
    func share(_ fraction: Double) -> String { "\(Self.decimal(fraction * 100, places: 1))%" }

    func ratio(_ value: Double) -> String { "\(Self.decimal(value, places: 1))×" }

    /// `6 Dec`.
    static func day(_ date: SQLDate) -> String {
        let c = date.components
        return "\(c.day) \(monthAbbreviations[c.month - 1])"
    }

    static func monthName(_ month: Int) -> String { monthNames[month - 1] }

    static func decimal(_ value: Double, places: Int) -> String { NumberFormat.decimal(value, places: places) }

    /// Whole numbers grouped in lakh and crore, or in thousands.
    func grouped(_ value: Double) -> String { numbers.group(String(Int64(value))) }

    private static let monthAbbreviations = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
}
