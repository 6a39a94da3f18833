import CFreeTDS

/// Reads the current result set's columns and rows from a DBPROCESS into ``Value``s,
/// using ``SQLServerTypes`` for the mapping.
struct SQLServerResultReader {
    private struct Reading {
        var code: Int32
        var type: ColumnType
        /// db-lib hands this column over as text (time, datetimeoffset, uniqueidentifier),
        /// or as text it must parse (a date it did not send natively).
        var textual: Bool
    }

    let columns: [Column]
    private let readings: [Reading]

    init(process: OpaquePointer, columnCount: Int) throws {
        var columns: [Column] = []
        var readings: [Reading] = []
        for index in 1...columnCount {
            let c = Int32(index)
            let name = dbcolname(process, c).map { String(cString: $0) } ?? "column\(index)"
            let code = Int32(dbcoltype(process, c))
            let size = Int(dbcollen(process, c))
            let info = dbcoltypeinfo(process, c)?.pointee
            var described = DBCOL2()
            described.SizeOfStruct = DBINT(MemoryLayout<DBCOL2>.size)
            let declaration: String?
            let serverType: Int32?
            if withUnsafeMutablePointer(to: &described, {
                $0.withMemoryRebound(to: DBCOL.self, capacity: 1) { dbcolinfo(process, CI_REGULAR, c, 0, $0) }
            }) == SUCCEED {
                declaration = withUnsafeBytes(of: &described.ServerTypeDeclaration) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                serverType = Int32(described.ServerType)
            } else {
                declaration = nil
                serverType = nil
            }
            guard
                var type = SQLServerTypes.columnType(
                    code: code, size: size, precision: Int(info?.precision ?? 0), scale: Int(info?.scale ?? 0),
                    declaration: declaration)
            else {
                throw WarehouseError(
                    .unsupportedType,
                    "column '\(name)' has SQL Server type \(declaration ?? String(cString: dbprtype(code))), which ConvAI does not read")
            }
            var textual = type.kind == .text
            // A date db-lib chose to pass as text still reads as a date.
            if type.kind == .string, let serverType,
                serverType == SQLServerTypes.Code.msDate || serverType == SQLServerTypes.Code.msDateTime2,
                let dated = SQLServerTypes.columnType(code: serverType, size: size, precision: 0, scale: 0, declaration: declaration)
            {
                type = dated
                textual = true
            }
            columns.append(Column(name: name, type: type))
            readings.append(Reading(code: code, type: type, textual: textual))
        }
        self.columns = columns
        self.readings = readings
    }

    func row(_ process: OpaquePointer) throws -> [Value] {
        var values: [Value] = []
        values.reserveCapacity(readings.count)
        for (offset, reading) in readings.enumerated() {
            let c = Int32(offset + 1)
            guard let data = dbdata(process, c) else {
                values.append(.null)
                continue
            }
            let length = Int(dbdatlen(process, c))
            let bytes = UnsafeRawBufferPointer(start: data, count: length)
            if reading.textual {
                let text = Self.text(process, reading.code, bytes)
                switch reading.type.kind {
                case .date, .timestamp:
                    guard let timestamp = SQLServerTypes.parseTimestamp(text) else {
                        throw WarehouseError(.unsupportedType, "column '\(columns[offset].name)': cannot read '\(text)' as a date")
                    }
                    values.append(reading.type.kind == .date ? .date(timestamp.date) : .timestamp(timestamp))
                default:
                    values.append(.string(text))
                }
                continue
            }
            values.append(try SQLServerTypes.decode(bytes, code: reading.code, type: reading.type))
        }
        return values
    }

    private static func text(_ process: OpaquePointer, _ code: Int32, _ bytes: UnsafeRawBufferPointer) -> String {
        if code == SQLServerTypes.Code.char || code == SQLServerTypes.Code.varChar || code == SQLServerTypes.Code.xChar
            || code == SQLServerTypes.Code.xVarChar || code == SQLServerTypes.Code.text
        {
            return String(decoding: bytes, as: UTF8.self)
        }
        var buffer = [UInt8](repeating: 0, count: 256)
        let written = buffer.withUnsafeMutableBufferPointer { out in
            dbconvert(
                process, code, bytes.baseAddress?.assumingMemoryBound(to: BYTE.self), DBINT(bytes.count), Int32(SYBCHAR),
                out.baseAddress, DBINT(out.count))
        }
        guard written > 0 else { return "" }
        return String(decoding: buffer.prefix(Int(written)), as: UTF8.self).trimmingSpaces()
    }
}
