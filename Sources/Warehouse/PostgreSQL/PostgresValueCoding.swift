import NIOCore
import PostgresNIO

/// One bound parameter with its type and wire bytes decided by ConvAI, not by
/// postgres-nio's Swift-type mapping: a ``Value`` case maps to exactly one PostgreSQL type.
struct PostgresBind: PostgresDynamicTypeEncodable {
    let psqlType: PostgresDataType
    let psqlFormat: PostgresFormat
    let bytes: ByteBuffer

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        var copy = bytes
        byteBuffer.writeBuffer(&copy)
    }
}

/// PostgreSQL counts dates and timestamps from 2000-01-01; ``SQLDate`` and
/// ``SQLTimestamp`` from 1970-01-01.
enum PostgresEpoch {
    static let dayOffset: Int32 = 10_957
    static let microsecondOffset: Int64 = 946_684_800_000_000
}

enum PostgresValueCoding {
    /// Builds typed bindings. Integers go as int8, doubles as float8, decimals as
    /// text-format numeric (exact, scale kept), strings as text.
    static func bindings(_ binds: [Value], sql: String) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: binds.count)
        for (offset, value) in binds.enumerated() {
            var buffer = ByteBuffer()
            let type: PostgresDataType
            var format = PostgresFormat.binary
            switch value {
            case .null:
                bindings.appendNull()
                continue
            case .bool(let v):
                type = .bool
                buffer.writeInteger(v ? 1 : 0, as: UInt8.self)
            case .int(let v):
                type = .int8
                buffer.writeInteger(v)
            case .double(let v):
                type = .float8
                buffer.writeInteger(v.bitPattern)
            case .decimal(let v):
                type = .numeric
                format = .text
                buffer.writeString(v.description)
            case .string(let v):
                type = .text
                buffer.writeString(v)
            case .date(let v):
                type = .date
                let (days, overflow) = v.daysSinceEpoch.subtractingReportingOverflow(PostgresEpoch.dayOffset)
                guard !overflow else {
                    throw WarehouseError(.bindFailed, "parameter \(offset + 1): the date is out of range", statement: sql)
                }
                buffer.writeInteger(days)
            case .timestamp(let v):
                type = .timestamp
                let (micros, overflow) = v.microsecondsSinceEpoch.subtractingReportingOverflow(
                    PostgresEpoch.microsecondOffset)
                guard !overflow else {
                    throw WarehouseError(
                        .bindFailed, "parameter \(offset + 1): the timestamp is out of range", statement: sql)
                }
                buffer.writeInteger(micros)
            }
            bindings.append(PostgresBind(psqlType: type, psqlFormat: format, bytes: buffer))
        }
        return bindings
    }

    /// The ConvAI type of a result column, named as PostgreSQL names it.
    static func columnType(_ type: PostgresDataType, modifier: Int32, name: String) throws -> ColumnType {
        switch type {
        case .bool: return ColumnType(kind: .bool, sqlName: "boolean")
        case .int2: return ColumnType(kind: .int, sqlName: "smallint")
        case .int4: return ColumnType(kind: .int, sqlName: "integer")
        case .int8: return ColumnType(kind: .int, sqlName: "bigint")
        case .oid: return ColumnType(kind: .int, sqlName: "oid")
        case .float4: return ColumnType(kind: .double, sqlName: "real")
        case .float8: return ColumnType(kind: .double, sqlName: "double precision")
        case .numeric:
            // typmod is ((precision << 16) | scale) + 4; -1 means unconstrained, where each
            // value carries its own scale (the reader widens the column's scale to the largest).
            guard modifier >= 4 else { return ColumnType(kind: .decimal(precision: 38, scale: 0), sqlName: "numeric") }
            let precision = Int((modifier - 4) >> 16)
            let scale = Int((modifier - 4) & 0xFFFF)
            return ColumnType(kind: .decimal(precision: precision, scale: scale), sqlName: "numeric(\(precision),\(scale))")
        case .text: return ColumnType(kind: .string, sqlName: "text")
        case .varchar:
            return ColumnType(kind: .string, sqlName: modifier >= 4 ? "varchar(\(modifier - 4))" : "varchar")
        case .bpchar: return ColumnType(kind: .string, sqlName: modifier >= 4 ? "char(\(modifier - 4))" : "char")
        case .name: return ColumnType(kind: .string, sqlName: "name")
        case .char: return ColumnType(kind: .string, sqlName: "\"char\"")
        case .unknown: return ColumnType(kind: .string, sqlName: "unknown")
        case .date: return ColumnType(kind: .date, sqlName: "date")
        case .timestamp: return ColumnType(kind: .timestamp, sqlName: "timestamp")
        case .timestamptz: return ColumnType(kind: .timestamp, sqlName: "timestamptz")
        case .time: return ColumnType(kind: .text, sqlName: "time")
        case .uuid: return ColumnType(kind: .text, sqlName: "uuid")
        case .json: return ColumnType(kind: .text, sqlName: "json")
        case .jsonb: return ColumnType(kind: .text, sqlName: "jsonb")
        case .void: return ColumnType(kind: .text, sqlName: "void")
        default:
            throw WarehouseError(
                .unsupportedType,
                "column \(name) has PostgreSQL type oid \(type.rawValue), which ConvAI does not read; "
                    + "cast it in the query (e.g. ::text)")
        }
    }

    /// Decodes one binary-format cell (postgres-nio asks for binary results).
    static func decode(_ bytes: ByteBuffer?, type: PostgresDataType, format: PostgresFormat, column: String) throws
        -> Value
    {
        guard var buffer = bytes else { return .null }
        func malformed() -> WarehouseError {
            WarehouseError(.unsupportedType, "column \(column): malformed PostgreSQL value of type oid \(type.rawValue)")
        }
        if format == .text {
            // Only reachable for servers or types that answer in text; keep the text as is.
            return .string(buffer.readString(length: buffer.readableBytes) ?? "")
        }
        switch type {
        case .bool:
            guard let b = buffer.readInteger(as: UInt8.self) else { throw malformed() }
            return .bool(b != 0)
        case .int2:
            guard let v = buffer.readInteger(as: Int16.self) else { throw malformed() }
            return .int(Int64(v))
        case .int4:
            guard let v = buffer.readInteger(as: Int32.self) else { throw malformed() }
            return .int(Int64(v))
        case .int8:
            guard let v = buffer.readInteger(as: Int64.self) else { throw malformed() }
            return .int(v)
        case .oid:
            guard let v = buffer.readInteger(as: UInt32.self) else { throw malformed() }
            return .int(Int64(v))
        case .float4:
            guard let v = buffer.readInteger(as: UInt32.self) else { throw malformed() }
            return .double(Double(Float(bitPattern: v)))
        case .float8:
            guard let v = buffer.readInteger(as: UInt64.self) else { throw malformed() }
            return .double(Double(bitPattern: v))
        case .numeric:
            return try decodeNumeric(&buffer, column: column)
        case .text, .varchar, .bpchar, .name, .char, .unknown, .json:
            return .string(buffer.readString(length: buffer.readableBytes) ?? "")
        case .jsonb:
            // A version byte (1) precedes the JSON text.
            guard buffer.readInteger(as: UInt8.self) != nil else { throw malformed() }
            return .string(buffer.readString(length: buffer.readableBytes) ?? "")
        case .date:
            guard let days = buffer.readInteger(as: Int32.self) else { throw malformed() }
            // ±infinity are Int32.max/min; saturate instead of trapping.
            let (shifted, overflow) = days.addingReportingOverflow(PostgresEpoch.dayOffset)
            return .date(SQLDate(daysSinceEpoch: overflow ? days : shifted))
        case .timestamp, .timestamptz:
            // timestamptz travels as UTC microseconds: the instant, shown in UTC.
            guard let micros = buffer.readInteger(as: Int64.self) else { throw malformed() }
            let (shifted, overflow) = micros.addingReportingOverflow(PostgresEpoch.microsecondOffset)
            return .timestamp(SQLTimestamp(microsecondsSinceEpoch: overflow ? micros : shifted))
        case .time:
            guard let micros = buffer.readInteger(as: Int64.self) else { throw malformed() }
            let seconds = Int(micros / 1_000_000)
            var text = "\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
            if micros % 1_000_000 != 0 { text += "." + pad(Int(micros % 1_000_000), 6) }
            return .string(text)
        case .uuid:
            guard let bytes = buffer.readBytes(length: 16) else { throw malformed() }
            let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }
            let groups = [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }
            return .string(groups.joined(separator: "-"))
        case .void:
            return .null
        default:
            throw WarehouseError(
                .unsupportedType, "column \(column) has PostgreSQL type oid \(type.rawValue), which ConvAI does not read")
        }
    }

    /// Binary NUMERIC: ndigits, weight, sign, dscale, then base-10000 groups, most
    /// significant first; the value is Σ group[i] · 10000^(weight − i), shown with dscale
    /// fractional digits.
    static func decodeNumeric(_ buffer: inout ByteBuffer, column: String) throws -> Value {
        guard let ndigits = buffer.readInteger(as: Int16.self), let weight = buffer.readInteger(as: Int16.self),
            let sign = buffer.readInteger(as: UInt16.self), let dscale = buffer.readInteger(as: Int16.self)
        else {
            throw WarehouseError(.unsupportedType, "column \(column): malformed PostgreSQL numeric")
        }
        switch sign {
        case 0xC000: return .double(.nan)
        case 0xD000: return .double(.infinity)
        case 0xF000: return .double(-.infinity)
        default: break
        }
        let tooLarge = WarehouseError(
            .unsupportedType,
            "column \(column): a numeric value has more than 38 digits or a scale above 38; round or cast it in the query")
        guard dscale <= 38 else { throw tooLarge }
        var groups: [Int16] = []
        groups.reserveCapacity(max(0, Int(ndigits)))
        for _ in 0..<max(0, Int(ndigits)) {
            guard let group = buffer.readInteger(as: Int16.self) else {
                throw WarehouseError(.unsupportedType, "column \(column): malformed PostgreSQL numeric")
            }
            groups.append(group)
        }
        // Walk the decimal digits from the highest (exponent 4·weight+3) down to the last
        // one shown (−dscale); digits past dscale are never read, so they cannot overflow.
        let scale = Int(dscale)
        var unscaled: Int128 = 0
        if !groups.isEmpty {
            var exponent = 4 * Int(weight) + 3
            while exponent >= -scale {
                let power = exponent >= 0 ? exponent / 4 : -((-exponent + 3) / 4)
                let index = Int(weight) - power
                var digit: Int128 = 0
                if index >= 0 && index < groups.count {
                    var group = Int(groups[index])
                    for _ in 0..<(exponent - 4 * power) { group /= 10 }
                    digit = Int128(group % 10)
                }
                let (shifted, o1) = unscaled.multipliedReportingOverflow(by: 10)
                let (sum, o2) = shifted.addingReportingOverflow(digit)
                guard !o1, !o2 else { throw tooLarge }
                unscaled = sum
                exponent -= 1
            }
        }
        guard String(unscaled.magnitude).count <= 38 else { throw tooLarge }
        return .decimal(SQLDecimal(unscaled: sign == 0x4000 ? -unscaled : unscaled, scale: scale))
    }
}
