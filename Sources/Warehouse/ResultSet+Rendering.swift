extension ResultSet {
    /// An aligned text table (numbers right-aligned) with a row count, for terminals.
    public func renderTable() -> String {
        let header = columns.map(\.name)
        let cells = rows.map { $0.map(\.description) }
        var widths = header.map(\.count)
        for row in cells {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        let numeric = columns.map { column -> Bool in
            switch column.type.kind {
            case .int, .double, .decimal: return true
            default: return false
            }
        }
        func line(_ values: [String]) -> String {
            values.enumerated().map { i, value in
                let padding = String(repeating: " ", count: widths[i] - value.count)
                return numeric[i] ? padding + value : value + padding
            }.joined(separator: " | ")
        }
        var out = line(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "-+-") + "\n"
        for row in cells { out += line(row) + "\n" }
        out += "(\(rows.count) row\(rows.count == 1 ? "" : "s"))\n"
        return out
    }

    /// JSON with the column types and one object per row. Decimals are written as JSON
    /// numbers with their exact digits and scale (`1.20`), dates as `"YYYY-MM-DD"`.
    public func renderJSON() -> String {
        var out = "{\"columns\":["
        out += columns.map { "{\"name\":\(jsonString($0.name)),\"type\":\(jsonString($0.type.sqlName))}" }
            .joined(separator: ",")
        out += "],\"rows\":["
        out += rows.map { row in
            "{" + zip(columns, row).map { column, value in "\(jsonString(column.name)):\(value.jsonLiteral)" }
                .joined(separator: ",") + "}"
        }.joined(separator: ",")
        out += "]}"
        return out
    }
}

extension Value {
    /// The value as a JSON literal; non-finite doubles become strings (JSON has no NaN).
    public var jsonLiteral: String {
        switch self {
        case .null: return "null"
        case .bool(let v): return v ? "true" : "false"
        case .int(let v): return String(v)
        case .double(let v): return v.isFinite ? Value.format(v) : jsonString("\(v)")
        case .decimal(let v): return v.description
        case .string(let v): return jsonString(v)
        case .date(let v): return jsonString(v.description)
        case .timestamp(let v): return jsonString(v.description)
        }
    }
}

/// A JSON string literal with RFC 8259 escaping.
public func jsonString(_ text: String) -> String {
    var out = "\""
    out.reserveCapacity(text.utf8.count + 2)
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case let s where s.value < 0x20:
            out += "\\u" + String(s.value, radix: 16).leftPadded(4)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
