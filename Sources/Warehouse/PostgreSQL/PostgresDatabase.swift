public import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// A PostgreSQL database behind the ``Database`` protocol, through postgres-nio's
/// `PostgresClient` connection pool.
///
/// Binds are typed (``Value`` → int8, float8, numeric, text, bool, date, timestamp) and
/// travel apart from the SQL; results are read in binary and keep NUMERIC scales. Each
/// connection starts with the tenant's `statement_timeout`, `TimeZone` (UTC unless
/// configured) and `search_path` (when a schema is set) as startup parameters, so no
/// statement can run without them.
public final class PostgresDatabase: Database {
    /// How TLS is used on each connection.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default);
        /// plain TCP otherwise.
        case prefer
        /// TLS or no connection; the certificate and host name are verified against the
        /// system trust store.
        case require
    }

    /// Where the server is and how to talk to it.
    public struct Configuration: Sendable, Hashable {
        /// The server's host name or address.
        public var host: String
        /// The server's TCP port.
        public var port: Int
        /// The role to log in as.
        public var username: String
        /// The role's password; nil for trust or peer authentication.
        public var password: SecretString?
        /// The database name.
        public var database: String
        /// TLS use.
        public var tls: TLSMode
        /// `statement_timeout` for every statement, in milliseconds; nil keeps the server's.
        public var statementTimeoutMilliseconds: Int?
        /// The most connections the pool opens at once.
        public var maxConnections: Int
        /// The schema unqualified names resolve to (`search_path`); nil keeps the server's.
        public var schema: String?
        /// How long to wait for a connection to open.
        public var connectTimeout: Duration
        /// The session `TimeZone`; nil keeps the server's. UTC by default because ``Value``
        /// timestamps carry no zone: `date_trunc('month', a_date)` returns a timestamptz,
        /// and only in UTC does it read back as midnight of the first.
        public var timeZone: String?

        /// Makes a configuration.
        public init(
            host: String, port: Int = 5432, username: String, password: SecretString? = nil, database: String,
            tls: TLSMode = .prefer, statementTimeoutMilliseconds: Int? = nil, maxConnections: Int = 4,
            schema: String? = nil, connectTimeout: Duration = .seconds(10), timeZone: String? = "UTC"
        ) {
            self.host = host
            self.port = port
            self.username = username
            self.password = password
            self.database = database
            self.tls = tls
            self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
            self.maxConnections = maxConnections
            self.schema = schema
            self.connectTimeout = connectTimeout
            self.timeZone = timeZone
        }
    }

    /// Host, port, database and user of a connection, for messages (never the password).
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        /// The host.
        public var host: String
        /// The port.
        public var port: Int
        /// The database name.
        public var database: String
        /// The role.
        public var username: String

        /// `host:port, database "db", user "role"`.
        public var description: String { "\(host):\(port), database \"\(database)\", user \"\(username)\"" }
    }

    public var dialect: SQLDialect { .postgres }

    /// Where this database connects to.
    public let endpoint: Endpoint

    private let client: PostgresClient
    private let connectionConfiguration: PostgresConnection.Configuration
    private let runTask: Task<Void, Never>
    private let closed = Atomic<Bool>(false)
    private let reachable = Atomic<Bool>(false)
    private let logger: Logger

    /// Makes the connection pool and starts it; nothing connects until the first statement,
    /// which reports a bad host, password or database name clearly.
    public init(configuration: Configuration, logger: Logger = Logger(label: "convai.warehouse.postgres")) throws {
        self.endpoint = Endpoint(
            host: configuration.host, port: configuration.port, database: configuration.database,
            username: configuration.username)
        self.logger = logger

        var parameters: [(String, String)] = [("application_name", "convai")]
        if let timeout = configuration.statementTimeoutMilliseconds {
            parameters.append(("statement_timeout", String(timeout)))
        }
        if let timeZone = configuration.timeZone {
            parameters.append(("TimeZone", timeZone))
        }
        if let schema = configuration.schema {
            parameters.append(("search_path", SQLDialect.postgres.quoteIdentifier(schema)))
        }

        let clientTLS: PostgresClient.Configuration.TLS
        let connectionTLS: PostgresConnection.Configuration.TLS
        switch configuration.tls {
        case .disable:
            clientTLS = .disable
            connectionTLS = .disable
        case .prefer:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            clientTLS = .prefer(tls)
            connectionTLS = .prefer(try Self.sslContext(tls, endpoint: endpoint))
        case .require:
            let tls = TLSConfiguration.makeClientConfiguration()
            clientTLS = .require(tls)
            connectionTLS = .require(try Self.sslContext(tls, endpoint: endpoint))
        }

        var clientConfiguration = PostgresClient.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password?.value, database: configuration.database, tls: clientTLS)
        clientConfiguration.options.maximumConnections = max(1, configuration.maxConnections)
        clientConfiguration.options.additionalStartupParameters = parameters
        clientConfiguration.options.connectTimeout = configuration.connectTimeout

        var connectionConfiguration = PostgresConnection.Configuration(
            host: configuration.host, port: configuration.port, username: configuration.username,
            password: configuration.password?.value, database: configuration.database, tls: connectionTLS)
        connectionConfiguration.options.additionalStartupParameters = parameters
        let (seconds, attoseconds) = configuration.connectTimeout.components
        connectionConfiguration.options.connectTimeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        self.connectionConfiguration = connectionConfiguration

        let client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
        self.client = client
        // The pool works only while run() runs. The database owns that task for its whole
        // life and cancels it in close(); TenantRouter opens databases synchronously, so
        // there is no enclosing task group to put it in.
        self.runTask = Task { await client.run() }
        logger.debug("opened PostgreSQL database", metadata: ["db.endpoint": "\(endpoint)"])
    }

    /// Reads a `postgres://user:password@host:port/database?sslmode=…` URL and opens it.
    public convenience init(url: String, logger: Logger = Logger(label: "convai.warehouse.postgres")) throws {
        try self.init(configuration: Configuration(url: url), logger: logger)
    }

    private static func sslContext(_ tls: TLSConfiguration, endpoint: Endpoint) throws -> NIOSSLContext {
        do { return try NIOSSLContext(configuration: tls) } catch {
            throw WarehouseError(.connectionFailed, "cannot set up TLS for PostgreSQL at \(endpoint): \(error)")
        }
    }

    // MARK: Database

    public func query(_ sql: String, _ binds: [Value]) async throws -> ResultSet {
        let bindings = try PostgresValueCoding.bindings(binds, sql: sql)
        return try await withConnection { connection in
            try await self.read(sql, bindings, on: connection)
        }
    }

    @discardableResult
    public func execute(_ sql: String, _ binds: [Value]) async throws -> Int {
        let bindings = try PostgresValueCoding.bindings(binds, sql: sql)
        return try await withConnection { connection in
            try await self.run(sql, bindings, on: connection)
        }
    }

    @discardableResult
    public func bulkLoad(into table: String, columns: [String], rows: [[Value]]) async throws -> Int {
        if let bad = rows.firstIndex(where: { $0.count != columns.count }) {
            throw WarehouseError(
                .bulkLoadFailed,
                "row \(bad + 1) has \(rows[bad].count) value(s) for \(columns.count) column(s) of \(table)")
        }
        guard !rows.isEmpty else { return 0 }
        // copyFrom wraps the table and each column in double quotes itself; giving it the
        // inside of our own quoting keeps schema-qualified names and embedded quotes right.
        func inner(_ quoted: String) -> String { String(quoted.dropFirst().dropLast()) }
        let dialect = SQLDialect.postgres
        let quotedTable = inner(dialect.quoteQualifiedName(table))
        let quotedColumns = columns.map { inner(dialect.quoteIdentifier($0)) }
        let description = "COPY \(dialect.quoteQualifiedName(table)) (\(columns.map(dialect.quoteIdentifier).joined(separator: ", "))) FROM STDIN"
        let logger = self.logger
        try await withConnection { connection in
            do {
                try await connection.copyFrom(table: quotedTable, columns: quotedColumns, logger: logger) { writer in
                    let chunkSize = 1 << 20
                    var buffer = ByteBuffer()
                    buffer.reserveCapacity(chunkSize + 4096)
                    for row in rows {
                        PostgresCopyText.append(row, to: &buffer)
                        if buffer.readableBytes >= chunkSize {
                            try await writer.write(buffer)
                            buffer.clear()
                        }
                    }
                    if buffer.readableBytes > 0 { try await writer.write(buffer) }
                }
            } catch {
                var mapped = PostgresErrorMapping.statementError(error, sql: description, endpoint: self.endpoint)
                if var warehouse = mapped as? WarehouseError, warehouse.code == .statementFailed {
                    warehouse.code = .bulkLoadFailed
                    mapped = warehouse
                }
                throw mapped
            }
        }
        return rows.count
    }

    public func transaction(_ statements: [Statement]) async throws {
        let prepared = try statements.map { ($0.sql, try PostgresValueCoding.bindings($0.binds, sql: $0.sql)) }
        try await withConnection { connection in
            _ = try await self.run("BEGIN", PostgresBindings(), on: connection)
            do {
                for (sql, bindings) in prepared { _ = try await self.run(sql, bindings, on: connection) }
                _ = try await self.run("COMMIT", PostgresBindings(), on: connection)
            } catch {
                // A connection whose ROLLBACK failed is in an unknown state: closing it makes
                // the pool replace it instead of lending it out mid-transaction.
                do { _ = try await self.run("ROLLBACK", PostgresBindings(), on: connection) } catch {
                    try? await connection.close()
                }
                throw error
            }
        }
    }

    /// Stops the pool: running statements end, connections close; later calls fail.
    public func close() async throws {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        runTask.cancel()
        await runTask.value
        logger.debug("closed PostgreSQL database", metadata: ["db.endpoint": "\(endpoint)"])
    }

    deinit {
        if !closed.load(ordering: .relaxed) { runTask.cancel() }
    }

    // MARK: Connections and statements

    private func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        guard !closed.load(ordering: .acquiring) else {
            throw WarehouseError(.closed, "the PostgreSQL database at \(endpoint) is closed")
        }
        if !reachable.load(ordering: .acquiring) { try await checkReachable() }
        do {
            return try await leaseWatchingReachability(body)
        } catch let error as WarehouseError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            if closed.load(ordering: .relaxed) {
                throw WarehouseError(.closed, "the PostgreSQL database at \(endpoint) is closed")
            }
            // The server may be gone: check again before the next lease, so that callers get
            // the reason at once instead of waiting on the pool's backoff.
            reachable.store(false, ordering: .releasing)
            throw PostgresErrorMapping.connectionError(error, endpoint: endpoint)
        }
    }

    /// Leases a pooled connection for `body` while a watcher checks, once a lease has waited
    /// a moment, that the server still answers. When a server that was up goes away, the
    /// pool keeps the request waiting through its reconnect backoff for about a minute; the
    /// watcher fails it as soon as a direct connection is refused, so other callers (and
    /// `/health`) learn it within a second and the database recovers as soon as it is back.
    private func leaseWatchingReachability<T: Sendable>(
        _ work: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        let flag = LeaseFlag()
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await self.client.withConnection { connection in
                    flag.leased.store(true, ordering: .releasing)
                    return try await work(connection)
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(300))
                while !flag.leased.load(ordering: .acquiring) {
                    try await self.checkReachable()
                    try await Task.sleep(for: .seconds(1))
                }
                return nil
            }
            while let outcome = try await group.next() {
                if let value = outcome {
                    group.cancelAll()
                    return value
                }
            }
            throw CancellationError()
        }
    }

    /// Opens one connection outside the pool until one has succeeded. The pool retries
    /// failed connections with backoff and only fails waiting requests after a minute,
    /// without the reason; this check fails at once with the server's reason (wrong
    /// password, unknown database, refused).
    private func checkReachable() async throws {
        do {
            let connection = try await PostgresConnection.connect(
                configuration: connectionConfiguration, id: 0, logger: logger)
            try? await connection.close()
            reachable.store(true, ordering: .releasing)
        } catch {
            throw PostgresErrorMapping.connectionError(error, endpoint: endpoint)
        }
    }

    /// Runs DDL/DML and returns the rows the last statement changed. Without binds the
    /// text may hold several statements, sent one by one (postgres-nio has no simple
    /// query protocol).
    private func run(_ sql: String, _ bindings: PostgresBindings, on connection: PostgresConnection) async throws
        -> Int
    {
        let pieces = bindings.count == 0 ? SQLScriptSplitter.split(sql) : [sql]
        var changed = 0
        for piece in pieces {
            do {
                let future: EventLoopFuture<PostgresQueryResult> = connection.query(
                    PostgresQuery(unsafeSQL: piece, binds: bindings), logger: logger)
                changed = try await future.get().metadata.rows ?? 0
            } catch {
                throw PostgresErrorMapping.statementError(error, sql: piece, endpoint: endpoint)
            }
        }
        return changed
    }

    private func read(_ sql: String, _ bindings: PostgresBindings, on connection: PostgresConnection) async throws
        -> ResultSet
    {
        do {
            let stream = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            var columns = try stream.columns.map { column in
                Column(
                    name: column.name,
                    type: try PostgresValueCoding.columnType(
                        column.dataType, modifier: column.dataTypeModifier, name: column.name))
            }
            var rows: [[Value]] = []
            for try await row in stream {
                var values: [Value] = []
                values.reserveCapacity(columns.count)
                for cell in row {
                    values.append(
                        try PostgresValueCoding.decode(
                            cell.bytes, type: cell.dataType, format: cell.format, column: cell.columnName))
                }
                rows.append(values)
            }
            // An unconstrained NUMERIC column (sum(), avg()) reports the largest scale among its values.
            for (index, column) in columns.enumerated() where column.type.sqlName == "numeric" {
                let scale = rows.reduce(0) { scale, row in
                    if case .decimal(let d) = row[index] { return max(scale, d.scale) }
                    return scale
                }
                columns[index].type.kind = .decimal(precision: 38, scale: scale)
            }
            return ResultSet(columns: columns, rows: rows)
        } catch {
            throw PostgresErrorMapping.statementError(error, sql: sql, endpoint: endpoint)
        }
    }
}

/// Whether a lease has been granted, shared by the lease and its watcher.
private final class LeaseFlag: Sendable {
    let leased = Atomic<Bool>(false)
}
