import CDuckDB

/// Turns a `duckdb_result` into a ``ResultSet``, chunk by chunk, reading vectors directly.
enum DuckDBResultReader {
    static func read(_ result: inout duckdb_result) throws -> ResultSet {
        let columnCount = Int(duckdb_column_count(&result))
        var columns: [Column] = []
        var decoders: [ColumnDecoder] = []
        columns.reserveCapacity(columnCount)
        for index in 0..<columnCount {
            let name = duckdb_column_name(&result, idx_t(index)).map { String(cString: $0) } ?? "column\(index)"
            var logical = duckdb_column_logical_type(&result, idx_t(index))
            defer { duckdb_destroy_logical_type(&logical) }
            let decoder = ColumnDecoder(logical)
            decoders.append(decoder)
            columns.append(Column(name: name, type: decoder.columnType))
        }
        var rows: [[Value]] = []
        while let chunk = duckdb_fetch_chunk(result) {
            var owned: duckdb_data_chunk? = chunk
            defer { duckdb_destroy_data_chunk(&owned) }
            let count = Int(duckdb_data_chunk_get_size(chunk))
            guard count > 0 else { continue }
            var chunkRows = [[Value]](repeating: [], count: count)
            for row in 0..<count { chunkRows[row].reserveCapacity(columnCount) }
            for (index, decoder) in decoders.enumerated() {
                let vector = duckdb_data_chunk_get_vector(chunk, idx_t(index))
                let data = duckdb_vector_get_data(vector)
                let validity = duckdb_vector_get_validity(vector)
                for row in 0..<count {
                    if let validity, validity[row >> 6] & (1 << UInt64(row & 63)) == 0 {
                        chunkRows[row].append(.null)
                    } else {
                        chunkRows[row].append(try decoder.decode(data, row, column: columns[index].name))
                    }
                }
            }
            rows.append(contentsOf: chunkRows)
        }
        return ResultSet(columns: columns, rows: rows)
    }
}

/// How to read one column's vectors, worked out once from its logical type.
enum ColumnDecoder {
    case bool
    case int8, int16, int32, int64, uint8, uint16, uint32, uint64, hugeint, uhugeint
    case float, double
    case decimal(storage: duckdb_type, precision: Int, scale: Int)
    case varchar, blob
    case date, time
    case timestamp(microsecondsPerUnit: Int64, divisor: Int64, name: String)
    case interval, uuid
    case enumeration(storage: duckdb_type, dictionary: [String])
    case unsupported(String)

    init(_ logical: duckdb_logical_type?) {
        let id = duckdb_get_type_id(logical)
        switch id {
        case DUCKDB_TYPE_BOOLEAN: self = .bool
        case DUCKDB_TYPE_TINYINT: self = .int8
        case DUCKDB_TYPE_SMALLINT: self = .int16
        case DUCKDB_TYPE_INTEGER: self = .int32
        case DUCKDB_TYPE_BIGINT: self = .int64
        case DUCKDB_TYPE_UTINYINT: self = .uint8
        case DUCKDB_TYPE_USMALLINT: self = .uint16
        case DUCKDB_TYPE_UINTEGER: self = .uint32
        case DUCKDB_TYPE_UBIGINT: self = .uint64
        case DUCKDB_TYPE_HUGEINT: self = .hugeint
        case DUCKDB_TYPE_UHUGEINT: self = .uhugeint
        case DUCKDB_TYPE_FLOAT: self = .float
        case DUCKDB_TYPE_DOUBLE: self = .double
        case DUCKDB_TYPE_DECIMAL:
            self = .decimal(
                storage: duckdb_decimal_internal_type(logical), precision: Int(duckdb_decimal_width(logical)),
                scale: Int(duckdb_decimal_scale(logical)))
        case DUCKDB_TYPE_VARCHAR: self = .varchar
        case DUCKDB_TYPE_BLOB: self = .blob
        case DUCKDB_TYPE_DATE: self = .date
        case DUCKDB_TYPE_TIME: self = .time
        case DUCKDB_TYPE_TIMESTAMP: self = .timestamp(microsecondsPerUnit: 1, divisor: 1, name: "TIMESTAMP")
        case DUCKDB_TYPE_TIMESTAMP_TZ:
            self = .timestamp(microsecondsPerUnit: 1, divisor: 1, name: "TIMESTAMP WITH TIME ZONE")
        case DUCKDB_TYPE_TIMESTAMP_S: self = .timestamp(microsecondsPerUnit: 1_000_000, divisor: 1, name: "TIMESTAMP_S")
        case DUCKDB_TYPE_TIMESTAMP_MS: self = .timestamp(microsecondsPerUnit: 1_000, divisor: 1, name: "TIMESTAMP_MS")
        case DUCKDB_TYPE_TIMESTAMP_NS: self = .timestamp(microsecondsPerUnit: 1, divisor: 1_000, name: "TIMESTAMP_NS")
        case DUCKDB_TYPE_INTERVAL: self = .interval
        case DUCKDB_TYPE_UUID: self = .uuid
        case DUCKDB_TYPE_ENUM:
            let size = Int(duckdb_enum_dictionary_size(logical))
            var dictionary: [String] = []
            dictionary.reserveCapacity(size)
            for i in 0..<size {
                let text = duckdb_enum_dictionary_value(logical, idx_t(i))
                dictionary.append(text.map { String(cString: $0) } ?? "")
                if let text { duckdb_free(text) }
            }
            self = .enumeration(storage: duckdb_enum_internal_type(logical), dictionary: dictionary)
        case DUCKDB_TYPE_SQLNULL: self = .int32
        default: self = .unsupported(Self.name(of: id))
        }
    }

    var columnType: ColumnType {
        switch self {
        case .bool: return ColumnType(kind: .bool, sqlName: "BOOLEAN")
        case .int8: return ColumnType(kind: .int, sqlName: "TINYINT")
        case .int16: return ColumnType(kind: .int, sqlName: "SMALLINT")
        case .int32: return ColumnType(kind: .int, sqlName: "INTEGER")
        case .int64: return ColumnType(kind: .int, sqlName: "BIGINT")
        case .uint8: return ColumnType(kind: .int, sqlName: "UTINYINT")
        case .uint16: return ColumnType(kind: .int, sqlName: "USMALLINT")
        case .uint32: return ColumnType(kind: .int, sqlName: "UINTEGER")
        case .uint64: return ColumnType(kind: .int, sqlName: "UBIGINT")
        case .hugeint: return ColumnType(kind: .int, sqlName: "HUGEINT")
        case .uhugeint: return ColumnType(kind: .int, sqlName: "UHUGEINT")
        case .float: return ColumnType(kind: .double, sqlName: "FLOAT")
        case .double: return ColumnType(kind: .double, sqlName: "DOUBLE")
        case .decimal(_, let p, let s): return ColumnType(kind: .decimal(precision: p, scale: s), sqlName: "DECIMAL(\(p),\(s))")
        case .varchar: return ColumnType(kind: .string, sqlName: "VARCHAR")
        case .blob: return ColumnType(kind: .text, sqlName: "BLOB")
        case .date: return ColumnType(kind: .date, sqlName: "DATE")
        case .time: return ColumnType(kind: .text, sqlName: "TIME")
        case .timestamp(_, _, let name): return ColumnType(kind: .timestamp, sqlName: name)
        case .interval: return ColumnType(kind: .text, sqlName: "INTERVAL")
        case .uuid: return ColumnType(kind: .text, sqlName: "UUID")
        case .enumeration: return ColumnType(kind: .string, sqlName: "ENUM")
        case .unsupported(let name): return ColumnType(kind: .text, sqlName: name)
        }
    }

    // Integers wider than Int64 become a scale-0 decimal only when they do not fit,
    // so that SUM(BIGINT), which DuckDB types as HUGEINT, still reads as an int.
    private static func integer(_ v: Int128) -> Value {
        if let narrow = Int64(exactly: v) { return .int(narrow) }
        return .decimal(SQLDecimal(unscaled: v, scale: 0))
    }

    func decode(_ data: UnsafeMutableRawPointer?, _ row: Int, column: String) throws -> Value {
        guard let data else { return .null }
        switch self {
        case .bool: return .bool(data.load(fromByteOffset: row, as: Bool.self))
        case .int8: return .int(Int64(data.load(fromByteOffset: row, as: Int8.self)))
        case .int16: return .int(Int64(data.load(fromByteOffset: row * 2, as: Int16.self)))
        case .int32: return .int(Int64(data.load(fromByteOffset: row * 4, as: Int32.self)))
        case .int64: return .int(data.load(fromByteOffset: row * 8, as: Int64.self))
        case .uint8: return .int(Int64(data.load(fromByteOffset: row, as: UInt8.self)))
        case .uint16: return .int(Int64(data.load(fromByteOffset: row * 2, as: UInt16.self)))
        case .uint32: return .int(Int64(data.load(fromByteOffset: row * 4, as: UInt32.self)))
        case .uint64: return Self.integer(Int128(data.load(fromByteOffset: row * 8, as: UInt64.self)))
        case .hugeint:
            return Self.integer(int128(data.assumingMemoryBound(to: duckdb_hugeint.self)[row]))
        case .uhugeint:
            let h = data.assumingMemoryBound(to: duckdb_uhugeint.self)[row]
            guard h.upper <= UInt64(Int64.max) else {
                throw WarehouseError(.unsupportedType, "column \(column): UHUGEINT value exceeds 127 bits")
            }
            return Self.integer((Int128(h.upper) << 64) | Int128(h.lower))
        case .float: return .double(Double(data.load(fromByteOffset: row * 4, as: Float.self)))
        case .double: return .double(data.load(fromByteOffset: row * 8, as: Double.self))
        case .decimal(let storage, _, let scale):
            let unscaled: Int128
            switch storage {
            case DUCKDB_TYPE_SMALLINT: unscaled = Int128(data.load(fromByteOffset: row * 2, as: Int16.self))
            case DUCKDB_TYPE_INTEGER: unscaled = Int128(data.load(fromByteOffset: row * 4, as: Int32.self))
            case DUCKDB_TYPE_BIGINT: unscaled = Int128(data.load(fromByteOffset: row * 8, as: Int64.self))
            default: unscaled = int128(data.assumingMemoryBound(to: duckdb_hugeint.self)[row])
            }
            return .decimal(SQLDecimal(unscaled: unscaled, scale: scale))
        case .varchar: return .string(Self.string(data, row))
        case .blob:
            return .string(Self.withBytes(data, row) { $0.map { "\\x" + String($0, radix: 16, uppercase: true).leftPadded(2) }.joined() })
        case .date:
            let days = data.load(fromByteOffset: row * 4, as: Int32.self)
            // DuckDB stores 'infinity' and '-infinity' as the extreme values.
            if days == Int32.max || days == -Int32.max { throw Self.infinite("DATE", column) }
            return .date(SQLDate(daysSinceEpoch: days))
        case .time:
            let micros = Int(data.load(fromByteOffset: row * 8, as: Int64.self))
            let seconds = micros / 1_000_000
            var text = "\(pad(seconds / 3600, 2)):\(pad(seconds / 60 % 60, 2)):\(pad(seconds % 60, 2))"
            if micros % 1_000_000 != 0 { text += "." + pad(micros % 1_000_000, 6) }
            return .string(text)
        case .timestamp(let perUnit, let divisor, let name):
            let raw = data.load(fromByteOffset: row * 8, as: Int64.self)
            if raw == Int64.max || raw == -Int64.max { throw Self.infinite(name, column) }
            let (scaled, overflow) = raw.multipliedReportingOverflow(by: perUnit)
            guard !overflow else {
                throw WarehouseError(.unsupportedType, "column \(column): a \(name) value is outside the range ConvAI reads")
            }
            let (quotient, remainder) = scaled.quotientAndRemainder(dividingBy: divisor)
            return .timestamp(SQLTimestamp(microsecondsSinceEpoch: remainder < 0 ? quotient - 1 : quotient))
        case .interval:
            let v = data.assumingMemoryBound(to: duckdb_interval.self)[row]
            return .string("\(v.months) months \(v.days) days \(v.micros) microseconds")
        case .uuid:
            let h = data.assumingMemoryBound(to: duckdb_hugeint.self)[row]
            // DuckDB stores a UUID with its top bit flipped so that it sorts as signed.
            let upper = UInt64(bitPattern: h.upper) ^ (1 << 63)
            let hex = String(upper, radix: 16).leftPadded(16) + String(h.lower, radix: 16).leftPadded(16)
            let c = Array(hex)
            return .string(
                String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-"
                    + String(c[20..<32]))
        case .enumeration(let storage, let dictionary):
            let index: Int
            switch storage {
            case DUCKDB_TYPE_UTINYINT: index = Int(data.load(fromByteOffset: row, as: UInt8.self))
            case DUCKDB_TYPE_USMALLINT: index = Int(data.load(fromByteOffset: row * 2, as: UInt16.self))
            default: index = Int(data.load(fromByteOffset: row * 4, as: UInt32.self))
            }
            return .string(index < dictionary.count ? dictionary[index] : "")
        case .unsupported(let name):
            throw WarehouseError(
                .unsupportedType, "column \(column) has type \(name), which ConvAI does not read; cast it in the query")
        }
    }

    private static func infinite(_ type: String, _ column: String) -> WarehouseError {
        WarehouseError(.unsupportedType, "column \(column) holds an infinite \(type), which ConvAI does not read; filter or cast it in the query")
    }

    private static func withBytes<T>(_ data: UnsafeMutableRawPointer, _ row: Int, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        let slot = data.assumingMemoryBound(to: duckdb_string_t.self).advanced(by: row)
        let length = Int(duckdb_string_t_length(slot.pointee))
        guard let start = duckdb_string_t_data(slot) else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return start.withMemoryRebound(to: UInt8.self, capacity: length) {
            body(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    private static func string(_ data: UnsafeMutableRawPointer, _ row: Int) -> String {
        withBytes(data, row) { String(decoding: $0, as: UTF8.self) }
    }

    static func name(of id: duckdb_type) -> String {
        switch id {
        case DUCKDB_TYPE_LIST: return "LIST"
        case DUCKDB_TYPE_STRUCT: return "STRUCT"
        case DUCKDB_TYPE_MAP: return "MAP"
        case DUCKDB_TYPE_ARRAY: return "ARRAY"
        case DUCKDB_TYPE_UNION: return "UNION"
        case DUCKDB_TYPE_BIT: return "BIT"
        case DUCKDB_TYPE_TIME_TZ: return "TIME WITH TIME ZONE"
        default: return "type #\(id.rawValue)"
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
