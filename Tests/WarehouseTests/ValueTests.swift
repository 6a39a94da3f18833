import Testing
import Warehouse

@Suite("Values")
struct ValueTests {
    @Test("decimal text keeps its scale", arguments: ["0.00", "1.20", "-0.05", "42", "123456789012345678.90", "-7.000"])
    func decimalText(_ text: String) throws {
        let value = try #require(SQLDecimal(text))
        #expect(value.description == text)
    }

    @Test("decimals become the nearest double, within and beyond 64-bit digits")
    func decimalDoubles() {
        #expect(SQLDecimal("1234.56")!.doubleValue == 1234.56)
        #expect(SQLDecimal("-0.05")!.doubleValue == -0.05)
        #expect(SQLDecimal("42")!.doubleValue == 42)
        #expect(SQLDecimal(unscaled: Int128(Int64.max), scale: 2).doubleValue == Double(Int64.max) / 100)
        #expect(SQLDecimal(unscaled: Int128(Int64.min), scale: 0).doubleValue == Double(Int64.min))
        // Beyond 64 bits: 10^30 written to two places (10^32 unscaled).
        let large = SQLDecimal("1000000000000000000000000000000.00")!
        #expect(abs(large.doubleValue - 1e30) <= 1e30 * 1e-15)
        #expect(abs(SQLDecimal("-99999999999999999999999.9")!.doubleValue + 1e23) <= 1e23 * 1e-15)
        #expect(abs(SQLDecimal(unscaled: 5, scale: 30).doubleValue - 5e-30) <= 5e-30 * 1e-15)
    }

    @Test("malformed decimals are rejected", arguments: ["", "-", "1.2.3", "abc", "1e5", ".", "١٢"])
    func decimalRejects(_ text: String) {
        #expect(SQLDecimal(text) == nil)
    }

    @Test("dates and timestamps refuse signs and other non-digits")
    func strictParsing() {
        #expect(SQLDate(iso: "2024-+1-+5") == nil)
        #expect(SQLTimestamp(iso: "2025-01-01 00:00:00.-5") == nil)
        #expect(SQLTimestamp(iso: "2025-01-01 +1:00:00") == nil)
        #expect(SQLTimestamp(microsecondsSinceEpoch: -Int64.max).date.daysSinceEpoch < 0)
    }

    @Test("decimals compare numerically and hash alike whatever their scale")
    func decimalEquality() throws {
        let a = try #require(SQLDecimal("1.20"))
        let b = try #require(SQLDecimal("1.2"))
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(!(a < b) && !(b < a))
        #expect(a.description == "1.20")
    }

    @Test("rescaling never loses digits silently")
    func rescale() throws {
        let d = try #require(SQLDecimal("1.50"))
        #expect(d.rescaled(to: 4)?.description == "1.5000")
        #expect(d.rescaled(to: 1)?.description == "1.5")
        #expect(SQLDecimal("1.55")?.rescaled(to: 1) == nil)
    }

    @Test("calendar dates convert both ways over four centuries")
    func dates() throws {
        for days in stride(from: -146_097, through: 146_097, by: 37) {
            let date = SQLDate(daysSinceEpoch: Int32(days))
            let (y, m, d) = date.components
            #expect(SQLDate(year: y, month: m, day: d) == date)
            #expect(SQLDate(iso: date.description) == date)
        }
        #expect(SQLDate(year: 2025, month: 2, day: 29) == nil)
        #expect(SQLDate(iso: "2025-13-01") == nil)
        #expect(SQLDate(iso: "2025-06-30")?.isoWeekday == 1)
        #expect(SQLDate(iso: "1970-01-01")?.daysSinceEpoch == 0)
    }

    @Test("timestamps print and parse with microseconds")
    func timestamps() throws {
        let t = try #require(SQLTimestamp(iso: "1969-12-31 23:59:59.5"))
        #expect(t.microsecondsSinceEpoch == -500_000)
        #expect(t.description == "1969-12-31 23:59:59.500000")
        #expect(SQLTimestamp(iso: "2025-01-31T08:00:00")?.description == "2025-01-31 08:00:00")
        #expect(SQLTimestamp(iso: "2025-01-31 25:00:00") == nil)
    }

    @Test("results render as an aligned table and as typed JSON")
    func rendering() {
        let result = ResultSet(
            columns: [
                Column(name: "brand", type: ColumnType(kind: .string, sqlName: "VARCHAR")),
                Column(name: "net", type: ColumnType(kind: .decimal(precision: 14, scale: 2), sqlName: "DECIMAL(14,2)")),
            ],
            rows: [[.string("Bingo!"), .decimal(SQLDecimal("1200.50")!)], [.string("Say \"hi\"\n"), .null]])
        let plain = ResultSet(columns: result.columns, rows: [[.string("Bingo!"), .decimal(SQLDecimal("1200.50")!)], [.string("Brooke Bond"), .null]])
        #expect(
            plain.renderTable() == """
                brand       |     net
                ------------+--------
                Bingo!      | 1200.50
                Brooke Bond |    NULL
                (2 rows)

                """)
        #expect(
            result.renderJSON()
                == #"{"columns":[{"name":"brand","type":"VARCHAR"},{"name":"net","type":"DECIMAL(14,2)"}],"rows":[{"brand":"Bingo!","net":1200.50},{"brand":"Say \"hi\"\n","net":null}]}"#)
    }
}
