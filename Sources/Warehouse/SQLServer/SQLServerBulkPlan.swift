import CFreeTDS

/// How each column of a bulk load travels through db-lib's bcp API: one host type per
/// column (bcp binds a column once), chosen from its first non-NULL value.
struct SQLServerBulkPlan {
    enum HostType: Equatable {
        case bit, bigint, float, decimal, text, date, datetime2

        var code: Int32 {
            switch self {
            case .bit: return Int32(SYBBIT)
            case .bigint: return Int32(SYBINT8)
            case .float: return Int32(SYBFLT8)
            case .decimal: return Int32(SYBDECIMAL)
            case .text: return Int32(SYBCHAR)
            case .date: return Int32(SYBMSDATE)
            case .datetime2: return Int32(SYBMSDATETIME2)
            }
        }
    }

    let columns: [String]
    let hostTypes: [HostType]

    init(columns: [String], rows: [[Value]]) throws {
        self.columns = columns
        var types: [HostType?] = Array(repeating: nil, count: columns.count)
        for row in rows {
            for (i, value) in row.enumerated() where types[i] == nil {
                types[i] = Self.hostType(of: value)
            }
            if !types.contains(where: { $0 == nil }) { break }
        }
        hostTypes = types.map { $0 ?? .text }
    }

    static func hostType(of value: Value) -> HostType? {
        switch value {
        case .null: return nil
        case .bool: return .bit
        case .int: return .bigint
        case .double: return .float
        case .decimal: return .decimal
        case .string: return .text
        case .date: return .date
        case .timestamp: return .datetime2
        }
    }

    /// The bytes bcp reads for `value` in a column of `host` type; nil for NULL. An
    /// integer widens to a decimal or float column and a date to a timestamp column;
    /// other mixes are an error rather than a silent conversion.
    static func bytes(of value: Value, as host: HostType) throws -> [UInt8]? {
        func raw<T>(_ v: T) -> [UInt8] { withUnsafeBytes(of: v) { Array($0) } }
        func dateTimeAll(_ t: SQLTimestamp, hasTime: Bool) -> [UInt8] {
            let fields = SQLServerTypes.dateTimeAllFields(t)
            return raw(convai_datetimeall(fields.daysSince1900, hasTime ? fields.ticks100ns : 0, hasTime ? 1 : 0))
        }
        switch (value, host) {
        case (.null, _): return nil
        case (.bool(let v), .bit): return [v ? 1 : 0]
        case (.int(let v), .bigint): return raw(v)
        case (.int(let v), .float): return raw(Double(v))
        case (.double(let v), .float): return raw(v)
        case (.int(let v), .decimal): return try SQLServerTypes.encodeNumeric(SQLDecimal(unscaled: Int128(v), scale: 0))
        case (.decimal(let v), .decimal): return try SQLServerTypes.encodeNumeric(v)
        case (.string(let v), .text):
            // A zero length means NULL to bcp; refusing beats silently storing NULL.
            guard !v.isEmpty else {
                throw WarehouseError(.bulkLoadFailed, "db-lib bulk copy cannot send an empty string (it reads as NULL)")
            }
            return Array(v.utf8)
        case (.date(let v), .date): return dateTimeAll(SQLTimestamp(date: v), hasTime: false)
        case (.date(let v), .datetime2): return dateTimeAll(SQLTimestamp(date: v), hasTime: true)
        case (.timestamp(let v), .datetime2): return dateTimeAll(v, hasTime: true)
        default:
            throw WarehouseError(.bulkLoadFailed, "a \(value) value cannot go into a column loaded as \(host)")
        }
    }

    /// bcp_init, one bcp_bind per column, bcp_colptr/bcp_collen + bcp_sendrow per row,
    /// bcp_done. Returns the rows the server acknowledged.
    func send(process: OpaquePointer, table: String, ordinals: [Int32], rows: [[Value]]) throws -> Int {
        guard bcp_init(process, table, nil, nil, DB_IN) == SUCCEED else {
            throw WarehouseError(.bulkLoadFailed, "bcp_init refused \(table)")
        }
        var placeholder: UInt8 = 0
        for (i, host) in hostTypes.enumerated() {
            guard bcp_bind(process, &placeholder, 0, 0, nil, 0, host.code, ordinals[i]) == SUCCEED else {
                throw WarehouseError(.bulkLoadFailed, "bcp_bind refused column '\(columns[i])' of \(table)")
            }
        }
        for (number, row) in rows.enumerated() {
            var arena = Arena()
            defer { arena.free() }
            for (i, value) in row.enumerated() {
                let bytes: [UInt8]?
                do { bytes = try Self.bytes(of: value, as: hostTypes[i]) } catch let error as WarehouseError {
                    _ = bcp_done(process)
                    throw WarehouseError(.bulkLoadFailed, "row \(number + 1), column '\(columns[i])': \(error.message)")
                }
                if let bytes {
                    _ = bcp_colptr(process, arena.bytes(bytes), ordinals[i])
                    _ = bcp_collen(process, DBINT(bytes.count), ordinals[i])
                } else {
                    _ = bcp_collen(process, 0, ordinals[i])
                }
            }
            guard bcp_sendrow(process) == SUCCEED else {
                _ = bcp_done(process)
                throw WarehouseError(.bulkLoadFailed, "bcp_sendrow failed at row \(number + 1)")
            }
        }
        let sent = bcp_done(process)
        guard sent >= 0 else { throw WarehouseError(.bulkLoadFailed, "bcp_done reported a failure") }
        return Int(sent)
    }
}
