import Testing
import Visualization

@Suite("NumberFormat")
struct NumberFormatTests {
    @Test(arguments: [
        (0.0, "₹0"), (999.0, "₹999"), (99_999.0, "₹99,999"), (99_999.4, "₹99,999"), (99_999.6, "₹1.00 L"),
        (1_00_000.0, "₹1.00 L"), (5_60_000.0, "₹5.60 L"), (12_34_567.0, "₹12.35 L"), (99_99_999.0, "₹1.00 Cr"),
        (1_00_00_000.0, "₹1.00 Cr"), (12_34_00_000.0, "₹12.34 Cr"), (1_234_00_00_000.0, "₹1,234.00 Cr"),
        (-5_60_000.0, "−₹5.60 L"), (-42.0, "−₹42"), (-0.4, "₹0"),
    ])
    func indianMoney(value: Double, expected: String) {
        #expect(NumberFormat.india.money(value) == expected)
        #expect(NumberFormat.india.format(value, unit: .currency) == expected)
    }

    @Test(arguments: [
        (0.0, "₹0"), (999.0, "₹999"), (999.6, "₹1.00K"), (1_500.0, "₹1.50K"), (99_999.0, "₹100.00K"),
        (1_00_000.0, "₹100.00K"), (999_999.0, "₹1.00M"), (1_234_567.0, "₹1.23M"), (2_500_000_000.0, "₹2.50B"),
        (-1_234_567.0, "−₹1.23M"),
    ])
    func internationalMoney(value: Double, expected: String) {
        #expect(NumberFormat.international.money(value) == expected)
    }

    @Test func numbersAreGroupedByStyle() {
        #expect(NumberFormat.india.number(1_234_567) == "12,34,567")
        #expect(NumberFormat.international.number(1_234_567) == "1,234,567")
        #expect(NumberFormat.india.number(99_999) == "99,999")
        #expect(NumberFormat.india.number(1_00_000) == "1,00,000")
        #expect(NumberFormat.international.number(1_00_000) == "100,000")
        #expect(NumberFormat.india.number(12_34_56_789) == "12,34,56,789")
        #expect(NumberFormat.india.number(0) == "0")
        #expect(NumberFormat.india.number(-1_234_567) == "−12,34,567")
        #expect(NumberFormat.india.number(1234.5) == "1,234.50")
        #expect(NumberFormat.india.number(1234.004) == "1,234")
        #expect(NumberFormat.international.number(-0.001) == "0")
        #expect(NumberFormat.india.format(42, unit: .number) == "42")
    }

    @Test func percentagesAndChanges() {
        #expect(NumberFormat.india.percent(12.345) == "12.3%")
        #expect(NumberFormat.india.format(71.04, unit: .percent) == "71.0%")
        #expect(NumberFormat.india.percent(-3.25) == "−3.3%")
        #expect(NumberFormat.india.signedPercent(12.34) == "+12.3%")
        #expect(NumberFormat.india.signedPercent(-4) == "−4.0%")
        #expect(NumberFormat.india.signedPercent(-0.01) == "+0.0%")
        #expect(NumberFormat.india.signedPercent(0) == "+0.0%")
    }

    @Test func anotherCurrencySymbol() {
        let dollars = NumberFormat(style: .international, currencySymbol: "$")
        #expect(dollars.money(12_345_678) == "$12.35M")
        #expect(dollars.money(-950) == "−$950")
    }

    @Test func nonFiniteNumbersAreADash() {
        #expect(NumberFormat.india.money(.nan) == "–")
        #expect(NumberFormat.india.number(.infinity) == "–")
        #expect(NumberFormat.decimal(-0.0001, places: 2) == "0.00")
    }

    @Test func styleNamesAreTheConfigurationValues() {
        #expect(NumberFormat.Style(rawValue: "en-IN") == .india)
        #expect(NumberFormat.Style(rawValue: "international") == .international)
        #expect(NumberFormat.Unit(format: "currency") == .currency)
        #expect(NumberFormat.Unit(format: "percent") == .percent)
        #expect(NumberFormat.Unit(format: nil) == .number)
        #expect(NumberFormat.Unit(format: "id") == .number)
    }
}
