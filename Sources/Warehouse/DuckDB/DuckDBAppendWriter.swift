import CDuckDB

/// Bulk loads through DuckDB's Appender, a whole data chunk (2,048 rows) at a time:
/// values are written straight into the chunk's column vectors, so the per-value cost is
/// a store, not a C call.
enum DuckDBAppendWriter {
    static func append(connection: duckdb_connection, table: String, columns: [String], rows: [[Value]]) throws {
        let parts = table.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let schema = parts.count > 1 ? parts[parts.count - 2] : nil
        let tableName = parts[parts.count - 1]
        var appender: duckdb_appender?
        let created = duckdb_appender_create_ext(connection, nil, schema, tableName, &appender)
        defer { duckdb_appender_destroy(&appender) }
        guard created == DuckDBSuccess, let appender else {
            throw WarehouseError(.bulkLoadFailed, "cannot append to \(table): \(errorMessage(appender))")
        }
        for column in columns {
            guard duckdb_appender_add_column(appender, column) == DuckDBSuccess else {
                throw WarehouseError(.bulkLoadFailed, "cannot append to \(table).\(column): \(errorMessage(appender))")
            }
        }
        let columnCount = Int(duckdb_appender_column_count(appender))
        guard columns.isEmpty || columnCount == columns.count else {
            throw WarehouseError(.bulkLoadFailed, "the appender for \(table) has \(columnCount) columns, not \(columns.count)")
        }
        var types: [duckdb_logical_type?] = (0..<columnCount).map { duckdb_appender_column_type(appender, idx_t($0)) }
        defer { for i in types.indices { duckdb_destroy_logical_type(&types[i]) } }
        let names = columns.isEmpty ? (0..<columnCount).map { "column \($0 + 1)" } : columns
        let encoders = try types.enumerated().map { index, type in
            try ColumnEncoder(type, column: "\(table).\(names[index])")
        }

        let chunkCapacity = Int(duckdb_vector_size())
        var start = 0
        while start < rows.count {
            let end = min(start + chunkCapacity, rows.count)
            var chunk: duckdb_data_chunk? = types.withUnsafeMutableBufferPointer {
                duckdb_create_data_chunk($0.baseAddress, idx_t(columnCount))
            }
            defer { duckdb_destroy_data_chunk(&chunk) }
            guard let chunk else { throw WarehouseError(.bulkLoadFailed, "DuckDB could not allocate a data chunk") }
            // Row by row, writing each row's values into every column vector: each row's
            // array is read once, while the vectors stay hot in cache.
            var vectors: [duckdb_vector?] = []
            var pointers: [UnsafeMutableRawPointer?] = []
            for columnIndex in 0..<columnCount {
                let vector = duckdb_data_chunk_get_vector(chunk, idx_t(columnIndex))
                vectors.append(vector)
                pointers.append(duckdb_vector_get_data(vector))
            }
            var validity = [UnsafeMutablePointer<UInt64>?](repeating: nil, count: columnCount)
            for rowIndex in start..<end {
                let row = rows[rowIndex]
                guard row.count == columnCount else {
                    throw WarehouseError(
                        .bulkLoadFailed, "row \(rowIndex + 1) has \(row.count) values; \(table) takes \(columnCount)")
                }
                let slot = rowIndex - start
                for columnIndex in 0..<columnCount {
                    let value = row[columnIndex]
                    if value.isNull {
                        if validity[columnIndex] == nil {
                            duckdb_vector_ensure_validity_writable(vectors[columnIndex])
                            validity[columnIndex] = duckdb_vector_get_validity(vectors[columnIndex])
                        }
                        duckdb_validity_set_row_invalid(validity[columnIndex], idx_t(slot))
                        continue
                    }
                    guard let data = pointers[columnIndex] else { continue }
                    do {
                        try encoders[columnIndex].write(value, into: data, vector: vectors[columnIndex], at: slot)
                    } catch let error as WarehouseError {
                        throw WarehouseError(
                            .bulkLoadFailed, "row \(rowIndex + 1), column \(names[columnIndex]): \(error.message)")
                    }
                }
            }
            duckdb_data_chunk_set_size(chunk, idx_t(end - start))
            guard duckdb_append_data_chunk(appender, chunk) == DuckDBSuccess else {
                throw WarehouseError(.bulkLoadFailed, "appending to \(table) failed: \(errorMessage(appender))")
            }
            start = end
        }
        guard duckdb_appender_close(appender) == DuckDBSuccess else {
            throw WarehouseError(.bulkLoadFailed, "appending to \(table) failed: \(errorMessage(appender))")
        }
    }

    private static func errorMessage(_ appender: duckdb_appender?) -> String {
        guard let appender else { return "no such table" }
        var error = duckdb_appender_error_data(appender)
        defer { duckdb_destroy_error_data(&error) }
        return duckdb_error_data_message(error).map { String(cString: $0) } ?? "unknown error"
    }
}

/// How to store a ``Value`` in one column vector of an appender chunk.
enum ColumnEncoder {
    case bool, int8, int16, int32, int64, uint8, uint16, uint32, hugeint
    case float, double
    case decimal(storage: duckdb_type, precision: Int, scale: Int)
    case varchar, date, timestamp

    /// Derived from the reader's view of the type, so the DuckDB type mapping lives in one place.
    init(_ logical: duckdb_logical_type?, column: String) throws {
        switch ColumnDecoder(logical) {
        case .bool: self = .bool
        case .int8: self = .int8
        case .int16: self = .int16
        case .int32 where duckdb_get_type_id(logical) == DUCKDB_TYPE_INTEGER: self = .int32
        case .int64: self = .int64
        case .uint8: self = .uint8
        case .uint16: self = .uint16
        case .uint32: self = .uint32
        case .hugeint: self = .hugeint
        case .float: self = .float
        case .double: self = .double
        case .decimal(let storage, let precision, let scale): self = .decimal(storage: storage, precision: precision, scale: scale)
        case .varchar: self = .varchar
        case .date: self = .date
        // Only microsecond timestamps: TIMESTAMP_S/MS/NS would need their own unit.
        case .timestamp(1, 1, _): self = .timestamp
        case let other:
            throw WarehouseError(
                .bulkLoadFailed, "column \(column) has type \(other.columnType.sqlName), which bulk loads do not fill")
        }
    }

    static let powersOfTen: [Int128] = (0...38).map { SQLDecimal.int128PowerOfTen($0) }

    private var typeName: String {
        switch self {
        case .bool: return "BOOLEAN"
        case .int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .hugeint: return "an integer"
        case .float, .double: return "a floating-point number"
        case .decimal(_, let p, let s): return "DECIMAL(\(p),\(s))"
        case .varchar: return "VARCHAR"
        case .date: return "DATE"
        case .timestamp: return "TIMESTAMP"
        }
    }

    private func mismatch(_ value: Value) -> WarehouseError {
        WarehouseError(.bulkLoadFailed, "expected \(typeName), got '\(value)'")
    }

    private func integer(_ value: Value) throws -> Int64 {
        switch value {
        case .int(let v): return v
        case .bool(let v): return v ? 1 : 0
        case .decimal(let d): if let v = d.rescaled(to: 0).flatMap({ Int64(exactly: $0.unscaled) }) { return v }
        case .double(let d): if let v = Int64(exactly: d) { return v }
        case .string(let s): if let v = Int64(s) { return v }
        default: break
        }
        throw mismatch(value)
    }

    private func store<T: FixedWidthInteger>(_ v: Int64, as: T.Type, _ data: UnsafeMutableRawPointer, _ slot: Int) throws {
        guard let narrow = T(exactly: v) else {
            throw WarehouseError(.bulkLoadFailed, "\(v) is out of range for \(typeName)")
        }
        data.storeBytes(of: narrow, toByteOffset: slot * MemoryLayout<T>.stride, as: T.self)
    }

    func write(_ value: Value, into data: UnsafeMutableRawPointer, vector: duckdb_vector?, at slot: Int) throws {
        switch self {
        case .bool:
            guard case .bool(let v) = value else { throw mismatch(value) }
            data.storeBytes(of: v, toByteOffset: slot, as: Bool.self)
        case .int8: try store(integer(value), as: Int8.self, data, slot)
        case .int16: try store(integer(value), as: Int16.self, data, slot)
        case .int32: try store(integer(value), as: Int32.self, data, slot)
        case .int64: try store(integer(value), as: Int64.self, data, slot)
        case .uint8: try store(integer(value), as: UInt8.self, data, slot)
        case .uint16: try store(integer(value), as: UInt16.self, data, slot)
        case .uint32: try store(integer(value), as: UInt32.self, data, slot)
        case .hugeint:
            let v = try integer(value)
            data.assumingMemoryBound(to: duckdb_hugeint.self)[slot] = makeHugeint(Int128(v))
        case .float:
            guard let v = value.doubleValue else { throw mismatch(value) }
            data.storeBytes(of: Float(v), toByteOffset: slot * 4, as: Float.self)
        case .double:
            guard let v = value.doubleValue else { throw mismatch(value) }
            data.storeBytes(of: v, toByteOffset: slot * 8, as: Double.self)
        case .decimal(let storage, let precision, let scale):
            let unscaled = try decimal(value, precision: precision, scale: scale)
            switch storage {
            case DUCKDB_TYPE_SMALLINT: data.storeBytes(of: Int16(unscaled), toByteOffset: slot * 2, as: Int16.self)
            case DUCKDB_TYPE_INTEGER: data.storeBytes(of: Int32(unscaled), toByteOffset: slot * 4, as: Int32.self)
            case DUCKDB_TYPE_BIGINT: data.storeBytes(of: Int64(unscaled), toByteOffset: slot * 8, as: Int64.self)
            default: data.assumingMemoryBound(to: duckdb_hugeint.self)[slot] = makeHugeint(unscaled)
            }
        case .varchar:
            let text: String
            if case .string(let s) = value { text = s } else { text = value.description }
            withUTF8CString(text) { duckdb_vector_assign_string_element_len(vector, idx_t(slot), $0, idx_t($1)) }
        case .date:
            let date: SQLDate
            switch value {
            case .date(let d): date = d
            case .timestamp(let t): date = t.date
            case .string(let s): guard let d = SQLDate(iso: s) else { throw mismatch(value) }; date = d
            default: throw mismatch(value)
            }
            data.storeBytes(of: date.daysSinceEpoch, toByteOffset: slot * 4, as: Int32.self)
        case .timestamp:
            let timestamp: SQLTimestamp
            switch value {
            case .timestamp(let t): timestamp = t
            case .date(let d): timestamp = SQLTimestamp(date: d)
            case .string(let s): guard let t = SQLTimestamp(iso: s) else { throw mismatch(value) }; timestamp = t
            default: throw mismatch(value)
            }
            data.storeBytes(of: timestamp.microsecondsSinceEpoch, toByteOffset: slot * 8, as: Int64.self)
        }
    }

    private func decimal(_ value: Value, precision: Int, scale: Int) throws -> Int128 {
        // The common case, a decimal already at the column's scale, skips rescaling.
        if case .decimal(let d) = value, d.scale == scale,
            d.unscaled.magnitude < ColumnEncoder.powersOfTen[precision].magnitude
        {
            return d.unscaled
        }
        let source: SQLDecimal?
        switch value {
        case .decimal(let d): source = d
        case .int(let v): source = SQLDecimal(unscaled: Int128(v), scale: 0)
        case .double(let d):
            let scaled = (d * SQLDecimal.powerOfTen(scale)).rounded()
            source = scaled.isFinite && abs(scaled) < 1e38 ? SQLDecimal(unscaled: Int128(scaled), scale: scale) : nil
        case .string(let s): source = SQLDecimal(s)
        default: source = nil
        }
        guard let source else { throw mismatch(value) }
        guard let rescaled = source.rescaled(to: scale) else {
            throw WarehouseError(.bulkLoadFailed, "\(source) has more than \(scale) decimal places")
        }
        guard rescaled.unscaled.magnitude < ColumnEncoder.powersOfTen[precision].magnitude else {
            throw WarehouseError(.bulkLoadFailed, "\(source) does not fit DECIMAL(\(precision),\(scale))")
        }
        return rescaled.unscaled
    }
}
