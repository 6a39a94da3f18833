/// SQL Server ↔ ``Value`` conversions that need no connection: type codes as FreeTDS
/// db-lib reports them, the byte layouts db-lib hands out and accepts, and the
/// `sp_executesql` parameter declaration. Kept apart from the connection so that every
/// rule here is unit-tested without a server.
enum SQLServerTypes {
    /// FreeTDS server type codes (tds.h; sybdb.h only exports some of them).
    enum Code {
        static let image: Int32 = 34, text: Int32 = 35, uniqueIdentifier: Int32 = 36, varBinary: Int32 = 37
        static let intN: Int32 = 38, varChar: Int32 = 39
        static let msDate: Int32 = 40, msTime: Int32 = 41, msDateTime2: Int32 = 42, msDateTimeOffset: Int32 = 43
        static let binary: Int32 = 45, char: Int32 = 47
        static let int1: Int32 = 48, bit: Int32 = 50, int2: Int32 = 52, int4: Int32 = 56
        static let dateTime4: Int32 = 58, real: Int32 = 59, money: Int32 = 60, dateTime: Int32 = 61, float8: Int32 = 62
        static let nText: Int32 = 99, sybNVarChar: Int32 = 103, bitN: Int32 = 104
        static let decimal: Int32 = 106, numeric: Int32 = 108, floatN: Int32 = 109, moneyN: Int32 = 110
        static let dateTimeN: Int32 = 111, money4: Int32 = 122, int8: Int32 = 127
        static let xVarBinary: Int32 = 165, xVarChar: Int32 = 167, xBinary: Int32 = 173, xChar: Int32 = 175
        static let xNVarChar: Int32 = 231, xNChar: Int32 = 239, msXML: Int32 = 241
    }

    // MARK: Result columns

    /// The column type for a db-lib type code. `size` is the column's byte length (it
    /// tells the nullable `intN`/`floatN`/`dateTimeN` codes apart); `declaration` is the
    /// server's own T-SQL spelling when db-lib knows it (`nvarchar(50)`), used as the
    /// name. Nil for types ConvAI does not read (binary, image).
    static func columnType(code: Int32, size: Int, precision: Int, scale: Int, declaration: String? = nil)
        -> ColumnType?
    {
        func named(_ kind: ColumnType.Kind, _ name: String) -> ColumnType {
            let declared = declaration.map { $0.trimmingSpaces() }.flatMap { $0.isEmpty ? nil : $0 }
            return ColumnType(kind: kind, sqlName: declared ?? name)
        }
        switch code {
        case Code.bit, Code.bitN: return named(.bool, "bit")
        case Code.int1: return named(.int, "tinyint")
        case Code.int2: return named(.int, "smallint")
        case Code.int4: return named(.int, "int")
        case Code.int8: return named(.int, "bigint")
        case Code.intN:
            switch size {
            case 1: return named(.int, "tinyint")
            case 2: return named(.int, "smallint")
            case 4: return named(.int, "int")
            default: return named(.int, "bigint")
            }
        case Code.real: return named(.double, "real")
        case Code.float8: return named(.double, "float")
        case Code.floatN: return named(.double, size == 4 ? "real" : "float")
        case Code.decimal, Code.numeric:
            let name = code == Code.numeric ? "numeric" : "decimal"
            return named(.decimal(precision: precision, scale: scale), "\(name)(\(precision),\(scale))")
        case Code.money: return named(.decimal(precision: 19, scale: 4), "money")
        case Code.money4: return named(.decimal(precision: 10, scale: 4), "smallmoney")
        case Code.moneyN:
            return size == 4
                ? named(.decimal(precision: 10, scale: 4), "smallmoney") : named(.decimal(precision: 19, scale: 4), "money")
        case Code.char, Code.xChar: return named(.string, "char")
        case Code.varChar, Code.xVarChar: return named(.string, "varchar")
        case Code.xNChar: return named(.string, "nchar")
        case Code.xNVarChar, Code.sybNVarChar: return named(.string, "nvarchar")
        case Code.text: return named(.string, "text")
        case Code.nText: return named(.string, "ntext")
        case Code.msXML: return named(.string, "xml")
        case Code.msDate: return named(.date, "date")
        case Code.msDateTime2: return named(.timestamp, "datetime2")
        case Code.dateTime: return named(.timestamp, "datetime")
        case Code.dateTime4: return named(.timestamp, "smalldatetime")
        case Code.dateTimeN: return named(.timestamp, size == 4 ? "smalldatetime" : "datetime")
        case Code.msTime: return named(.text, "time")
        case Code.msDateTimeOffset: return named(.text, "datetimeoffset")
        case Code.uniqueIdentifier: return named(.text, "uniqueidentifier")
        default: return nil
        }
    }

    /// Decodes one non-NULL cell: `bytes` as db-lib's `dbdata` returns them for `code`.
    /// Text-kind types (time, datetimeoffset, uniqueidentifier) are converted to text by
    /// the caller with `dbconvert`, so they never reach here.
    static func decode(_ bytes: UnsafeRawBufferPointer, code: Int32, type: ColumnType) throws -> Value {
        func load<T: FixedWidthInteger>(_: T.Type) -> T {
            var v: T = 0
            withUnsafeMutableBytes(of: &v) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes.prefix(MemoryLayout<T>.size))) }
            return T(littleEndian: v)
        }
        func need(_ n: Int) throws {
            guard bytes.count >= n else {
                throw WarehouseError(.unsupportedType, "SQL Server sent \(bytes.count) byte(s) for a \(type.sqlName) value")
            }
        }
        switch type.kind {
        case .bool:
            try need(1)
            return .bool(bytes[0] != 0)
        case .int:
            switch bytes.count {
            case 1: return .int(Int64(bytes[0]))  // tinyint is unsigned
            case 2: return .int(Int64(load(Int16.self)))
            case 4: return .int(Int64(load(Int32.self)))
            default:
                try need(8)
                return .int(load(Int64.self))
            }
        case .double:
            if bytes.count == 4 { return .double(Double(Float(bitPattern: load(UInt32.self)))) }
            try need(8)
            return .double(Double(bitPattern: load(UInt64.self)))
        case .decimal:
            if code == Code.money || code == Code.money4 || code == Code.moneyN {
                return .decimal(try money(bytes))
            }
            return .decimal(try decodeNumeric(bytes))
        case .string, .text:
            return .string(String(decoding: bytes, as: UTF8.self))
        case .date:
            if bytes.count >= 16 { return .date(dateTimeAll(bytes).date) }
            return .date(try legacyDateTime(bytes).date)
        case .timestamp:
            if code == Code.msDateTime2 || code == Code.msDate { return .timestamp(dateTimeAll(bytes)) }
            return .timestamp(try legacyDateTime(bytes))
        }
    }

    // MARK: Decimals (DBNUMERIC: precision, scale, sign byte, big-endian magnitude)

    /// Bytes of the sign + magnitude array that FreeTDS uses for each precision
    /// (`tds_numeric_bytes_per_prec`).
    static let numericBytesPerPrecision: [Int] = [
        1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 7, 7, 8, 8, 9, 9, 9, 10, 10, 11, 11, 11, 12, 12, 13, 13, 14, 14, 14, 15,
        15, 16, 16, 16, 17, 17,
    ]

    /// The 35-byte DBNUMERIC for `value` at precision 38 and the value's own scale.
    static func encodeNumeric(_ value: SQLDecimal) throws -> [UInt8] {
        let magnitude = value.unscaled.magnitude
        guard magnitude < UInt128(SQLDecimal.int128PowerOfTen(38)) else {
            throw WarehouseError(.bindFailed, "\(value) has more than 38 digits, beyond SQL Server's decimal(38,s)")
        }
        var bytes = [UInt8](repeating: 0, count: 35)
        bytes[0] = 38
        bytes[1] = UInt8(value.scale)
        bytes[2] = value.unscaled < 0 ? 1 : 0
        let width = numericBytesPerPrecision[38] - 1
        for i in 0..<width {
            bytes[3 + i] = UInt8(truncatingIfNeeded: magnitude >> (8 * (width - 1 - i)))
        }
        return bytes
    }

    static func decodeNumeric(_ bytes: UnsafeRawBufferPointer) throws -> SQLDecimal {
        guard bytes.count >= 3 else { throw WarehouseError(.unsupportedType, "SQL Server sent a truncated decimal") }
        let precision = Int(bytes[0])
        let scale = Int(bytes[1])
        guard (1...38).contains(precision), scale <= precision else {
            throw WarehouseError(.unsupportedType, "SQL Server sent a decimal of precision \(precision), scale \(scale)")
        }
        let width = numericBytesPerPrecision[precision] - 1
        guard bytes.count >= 3 + width else { throw WarehouseError(.unsupportedType, "SQL Server sent a truncated decimal") }
        var magnitude: UInt128 = 0
        for i in 0..<width { magnitude = magnitude << 8 | UInt128(bytes[3 + i]) }
        let unscaled = Int128(magnitude)
        return SQLDecimal(unscaled: bytes[2] == 1 ? -unscaled : unscaled, scale: scale)
    }

    /// money/smallmoney: a count of 1/10000 units (money as high and low 32-bit words).
    static func money(_ bytes: UnsafeRawBufferPointer) throws -> SQLDecimal {
        func word(_ offset: Int) -> UInt32 {
            UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                | UInt32(bytes[offset + 3]) << 24
        }
        if bytes.count == 4 { return SQLDecimal(unscaled: Int128(Int32(bitPattern: word(0))), scale: 4) }
        guard bytes.count >= 8 else { throw WarehouseError(.unsupportedType, "SQL Server sent a truncated money value") }
        let high = Int64(Int32(bitPattern: word(0)))
        return SQLDecimal(unscaled: Int128(high << 32 | Int64(word(4))), scale: 4)
    }

    // MARK: Dates

    /// Days from 1900-01-01 (SQL Server's day zero) to 1970-01-01.
    static let daysFrom1900To1970: Int64 = 25_567

    /// DBDATETIMEALL (date, datetime2): 100 ns ticks since midnight, days since 1900-01-01.
    static func dateTimeAll(_ bytes: UnsafeRawBufferPointer) -> SQLTimestamp {
        var ticks: UInt64 = 0
        var days: Int32 = 0
        withUnsafeMutableBytes(of: &ticks) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[0..<8])) }
        withUnsafeMutableBytes(of: &days) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[8..<12])) }
        return timestamp(daysSince1900: Int64(days), ticks100ns: ticks)
    }

    static func timestamp(daysSince1900: Int64, ticks100ns: UInt64) -> SQLTimestamp {
        let micros = (daysSince1900 - daysFrom1900To1970) * 86_400_000_000 + Int64(ticks100ns / 10)
        return SQLTimestamp(microsecondsSinceEpoch: micros)
    }

    /// Days since 1900-01-01 and 100 ns ticks since midnight, DBDATETIMEALL's fields.
    static func dateTimeAllFields(_ timestamp: SQLTimestamp) -> (daysSince1900: Int32, ticks100ns: UInt64) {
        let (days, micros) = timestamp.microsecondsSinceEpoch.quotientAndRemainder(dividingBy: 86_400_000_000)
        let (day, micro) = micros < 0 ? (days - 1, micros + 86_400_000_000) : (days, micros)
        return (Int32(truncatingIfNeeded: day + daysFrom1900To1970), UInt64(micro) * 10)
    }

    /// datetime (days since 1900 and 1/300 s ticks) and smalldatetime (unsigned days and
    /// minutes).
    static func legacyDateTime(_ bytes: UnsafeRawBufferPointer) throws -> SQLTimestamp {
        func int32(_ offset: Int) -> Int32 {
            Int32(bitPattern: UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
                | UInt32(bytes[offset + 3]) << 24)
        }
        if bytes.count == 4 {
            let days = Int64(UInt16(bytes[0]) | UInt16(bytes[1]) << 8)
            let minutes = UInt64(UInt16(bytes[2]) | UInt16(bytes[3]) << 8)
            return timestamp(daysSince1900: days, ticks100ns: minutes * 600_000_000)
        }
        guard bytes.count >= 8 else { throw WarehouseError(.unsupportedType, "SQL Server sent a truncated datetime") }
        // 1/300 s ticks, rounded to the nearest microsecond as SQL Server displays them.
        let ticks = UInt64(UInt32(bitPattern: int32(4)))
        return timestamp(daysSince1900: Int64(int32(0)), ticks100ns: (ticks * 100_000 + 1) / 3)
    }

    /// Parses a date or datetime2 that db-lib delivered as text (`2025-06-30 12:00:00.1234567`):
    /// fractions beyond microseconds are cut, as ``SQLTimestamp`` holds microseconds.
    static func parseTimestamp(_ text: String) -> SQLTimestamp? {
        let trimmed = text.trimmingSpaces()
        if trimmed.count == 10, let date = SQLDate(iso: trimmed) { return SQLTimestamp(date: date) }
        guard let dot = trimmed.firstIndex(of: ".") else { return SQLTimestamp(iso: trimmed) }
        let fraction = trimmed[trimmed.index(after: dot)...].prefix(6)
        return SQLTimestamp(iso: trimmed[..<dot] + (fraction.isEmpty ? "" : "." + fraction))
    }

    // MARK: Parameters

    /// The T-SQL type a bound value is declared as in `sp_executesql`'s parameter list.
    static func declaredType(of value: Value) -> String {
        switch value {
        case .bool: return "bit"
        case .int: return "bigint"
        case .double: return "float"
        case .decimal(let d): return "decimal(38,\(d.scale))"
        case .string: return "nvarchar(max)"
        case .date: return "date"
        case .timestamp: return "datetime2(7)"
        // An untyped NULL: nvarchar converts implicitly to every column type it meets.
        case .null: return "nvarchar(1)"
        }
    }

    /// `@P1 bigint, @P2 nvarchar(max), …` for `sp_executesql`'s `@params` argument.
    static func parameterDeclaration(for binds: [Value]) -> String {
        binds.enumerated().map { "@P\($0.offset + 1) \(declaredType(of: $0.element))" }.joined(separator: ", ")
    }

    /// The statement text actually sent. db-lib cannot send an empty string through
    /// `dbrpcparam` (a zero length means NULL), so an empty string parameter is bound as
    /// NULL and set back to `N''` inside the batch before the statement runs. The literal
    /// is a constant, never user data.
    static func statementText(_ sql: String, binds: [Value]) -> String {
        let empties = binds.enumerated().filter { $0.element == .string("") }.map { "SET @P\($0.offset + 1) = N'';" }
        return empties.isEmpty ? sql : empties.joined(separator: " ") + "\n" + sql
    }
}

extension StringProtocol {
    func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
