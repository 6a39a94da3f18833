import PostgresNIO

/// Turns postgres-nio errors into ``WarehouseError``s with the server's own words.
///
/// `PSQLError.description` is deliberately vague, so the SQLSTATE, message, detail and
/// hint are read from `serverInfo`. Connection failures name the host, port, database
/// and user; the password is never part of any message.
enum PostgresErrorMapping {
    static func statementError(_ error: any Error, sql: String?, endpoint: PostgresDatabase.Endpoint) -> any Error {
        if error is WarehouseError || error is CancellationError { return error }
        guard let psql = error as? PSQLError else {
            return WarehouseError(.statementFailed, "PostgreSQL: \(error)", statement: sql)
        }
        if psql.code == .server, let info = psql.serverInfo {
            let state = info[.sqlState] ?? "XX000"
            // Class 08 (connection exception) and 57P0x (server shutting down) mean the server
            // went away, not that the statement was wrong. 57014 is query_canceled: a timeout
            // when statement_timeout fired (not when someone cancelled the statement).
            let code: WarehouseError.Code =
                if state.hasPrefix("08") || state.hasPrefix("57P") {
                    .connectionFailed
                } else if state == "57014", info[.message]?.contains("statement timeout") == true {
                    .timeout
                } else {
                    .statementFailed
                }
            return WarehouseError(code, serverMessage(info, state: state), statement: sql, sqlState: state)
        }
        return connectionError(psql, endpoint: endpoint, sql: sql)
    }

    static func serverMessage(_ info: PSQLError.ServerInfo, state: String) -> String {
        var text = "PostgreSQL error \(state): \(info[.message] ?? "unknown error")"
        if let detail = info[.detail] { text += " (detail: \(detail))" }
        if let hint = info[.hint] { text += " (hint: \(hint))" }
        return text
    }

    static func connectionError(_ error: any Error, endpoint: PostgresDatabase.Endpoint, sql: String? = nil)
        -> WarehouseError
    {
        let prefix = "cannot connect to PostgreSQL at \(endpoint)"
        guard let psql = error as? PSQLError else {
            return WarehouseError(.connectionFailed, "\(prefix): \(error)", statement: sql)
        }
        if psql.code == .server, let info = psql.serverInfo {
            let state = info[.sqlState] ?? "XX000"
            let reason: String
            switch state {
            case "28P01": reason = "wrong password for user \"\(endpoint.username)\""
            case "3D000": reason = "the database \"\(endpoint.database)\" does not exist"
            case "28000": reason = "the server refused user \"\(endpoint.username)\" (pg_hba.conf or role)"
            default: reason = info[.message] ?? "the server refused the connection"
            }
            return WarehouseError(
                .connectionFailed, "\(prefix): \(reason) (PostgreSQL error \(state): \(info[.message] ?? ""))",
                statement: sql, sqlState: state)
        }
        let reason: String
        switch psql.code {
        case .sslUnsupported: reason = "TLS is required (tls: require) but the server does not offer it"
        case .authMechanismRequiresPassword: reason = "the server asks for a password and none is configured"
        case .unsupportedAuthMechanism: reason = "the server asks for an authentication method postgres-nio lacks"
        case .poolClosed, .clientClosedConnection: reason = "the connection pool is closed"
        case .serverClosedConnection: reason = "the server closed the connection"
        case .connectionError:
            reason = psql.underlying.map { describeNetworkError($0) } ?? "the connection failed"
        default:
            reason = psql.underlying.map { "\($0)" } ?? "\(psql.code)"
        }
        return WarehouseError(.connectionFailed, "\(prefix): \(reason)", statement: sql)
    }

    /// NIO reports a refused connection as a nested error per resolved address; the first
    /// underlying reason is what a person needs ("connection refused", "timed out").
    static func describeNetworkError(_ error: any Error) -> String {
        if let nio = error as? NIOConnectionError {
            if let first = nio.connectionErrors.first { return describeNetworkError(first.error) }
            if let dns = nio.dnsAAAAError ?? nio.dnsAError { return "cannot resolve the host name (\(dns))" }
            return "cannot connect to the host"
        }
        if let io = error as? IOError {
            if io.errnoCode == 111 { return "connection refused (is the server running and listening there?)" }
            return "\(io)"
        }
        if case ChannelError.connectTimeout = error { return "the connection timed out" }
        return "\(error)"
    }
}
