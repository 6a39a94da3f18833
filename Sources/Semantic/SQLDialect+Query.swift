import Warehouse

/// The dialect-specific pieces of query SQL.
extension SQLDialect {
    /// String concatenation of SQL expressions.
    func concat(_ parts: [String]) -> String {
        parts.joined(separator: self == .sqlserver ? " + " : " || ")
    }

    /// `text` with LIKE's wildcards escaped by a backslash, for a pattern written with
    /// ``likeEscapeClause``: Cube's `contains`, `startsWith` and `endsWith` match literal text,
    /// so a `%` or `_` in a filter value matches only itself. SQL Server's LIKE also reads `[`
    /// as the start of a character class.
    /// Scalars, not characters: a `%` followed by a combining mark is one Character to Swift
    /// but still a wildcard to the database.
    func escapingLikeWildcards(_ text: String) -> String {
        let special: Set<Unicode.Scalar> = self == .sqlserver ? ["\\", "%", "_", "["] : ["\\", "%", "_"]
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if special.contains(scalar) { escaped.append("\\") }
            escaped.append(scalar)
        }
        return String(escaped)
    }

    /// The ESCAPE clause that goes with ``escapingLikeWildcards(_:)``.
    var likeEscapeClause: String { #"ESCAPE '\'"# }

    /// `expression` truncated to the start of its `granularity`.
    func truncate(_ expression: String, to granularity: CubeQuery.Granularity) -> String {
        let x = expression
        switch self {
        case .duckdb, .postgres:
            return "date_trunc('\(granularity.rawValue)', \(x))"
        case .sqlserver:
            // SQL Server 2017 has no DATETRUNC: count whole units since day 0 (1900-01-01,
            // a Monday, so weeks start on Monday) and add them back. Seconds since 1900
            // overflow INT, so seconds count from 2000-01-01.
            switch granularity {
            case .second: return "DATEADD(second, DATEDIFF(second, '2000-01-01', \(x)), CAST('2000-01-01' AS DATETIME2))"
            case .week: return "DATEADD(day, (DATEDIFF(day, 0, \(x)) / 7) * 7, CAST(0 AS DATETIME))"
            default:
                let unit = granularity.rawValue
                return "DATEADD(\(unit), DATEDIFF(\(unit), 0, \(x)), CAST(0 AS DATETIME))"
            }
        case .sqlite:
            switch granularity {
            case .second: return "strftime('%Y-%m-%d %H:%M:%S', \(x))"
            case .minute: return "strftime('%Y-%m-%d %H:%M:00', \(x))"
            case .hour: return "strftime('%Y-%m-%d %H:00:00', \(x))"
            case .day: return "datetime(\(x), 'start of day')"
            case .week:
                return "datetime(\(x), 'start of day', '-' || ((CAST(strftime('%w', \(x)) AS INTEGER) + 6) % 7) || ' days')"
            case .month: return "datetime(\(x), 'start of month')"
            case .quarter:
                return "datetime(\(x), 'start of month', '-' || ((CAST(strftime('%m', \(x)) AS INTEGER) - 1) % 3) || ' months')"
            case .year: return "datetime(\(x), 'start of year')"
            }
        }
    }

    /// A join condition that holds when `left` and `right` are equal or both NULL, written
    /// with equalities only: PostgreSQL runs a FULL JOIN only on hashable or mergeable
    /// conditions, which `a = b OR (a IS NULL AND b IS NULL)` is not. The stand-in value
    /// for NULL can equal a real value, so the second equality tells the two apart.
    func nullSafeEquals(_ left: String, _ right: String, type: Dimension.DimensionType) -> String {
        let standIn: String
        switch type {
        case .string: standIn = "''"
        case .number: standIn = "0"
        case .boolean: standIn = self == .sqlserver ? "0" : "FALSE"
        case .time:
            switch self {
            case .sqlserver: standIn = "CAST('1970-01-01' AS DATETIME2)"
            case .sqlite: standIn = "'1970-01-01'"
            case .duckdb, .postgres: standIn = "CAST('1970-01-01' AS TIMESTAMP)"
            }
        }
        return "COALESCE(\(left), \(standIn)) = COALESCE(\(right), \(standIn))"
            + " AND CASE WHEN \(left) IS NULL THEN 1 ELSE 0 END = CASE WHEN \(right) IS NULL THEN 1 ELSE 0 END"
    }

    /// LIMIT / OFFSET (SQL Server's form needs an ORDER BY, which `hasOrder` says exists).
    func limitClause(limit: Int, offset: Int, hasOrder: Bool) -> String {
        switch self {
        case .sqlserver:
            return (hasOrder ? "" : "\nORDER BY (SELECT NULL)") + "\nOFFSET \(offset) ROWS FETCH NEXT \(limit) ROWS ONLY"
        default:
            return "\nLIMIT \(limit)" + (offset > 0 ? " OFFSET \(offset)" : "")
        }
    }
}
