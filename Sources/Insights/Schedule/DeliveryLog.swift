public import Foundation
public import Logging
public import Warehouse

/// Which digests and alerts went out, over any ``Database``: SQLite by default (one server
/// instance), PostgreSQL when several instances share one log.
///
/// Tables:
/// - `insight_deliveries (tenant, kind, recipient_id, period_key)`: one row per digest
///   (period = tenant-local date), alert (period = insight id) or tenant digest run
///   (recipient ''), with its status (`claimed`, `delivered`, `failed`), the claiming
///   instance (`owner`) and its lease, the failed attempts and the last error.
/// - `insight_delivery_channels (tenant, kind, recipient_id, period_key, channel)`: the
///   channels (`email`, `webhook:<name>`) of a digest or alert that went out, so that a retry
///   after a partial failure sends only the others. A table of its own rather than a column,
///   so that logs written before it need only a `CREATE TABLE IF NOT EXISTS`.
/// - `insight_watermarks (tenant)`: the data watermark whose alerts were all pushed, and
///   when it was last read.
///
/// ``claim(_:owner:lease:now:)`` is the only guard against double delivery: it is one
/// `INSERT … ON CONFLICT … DO UPDATE … WHERE … RETURNING` statement, which both engines
/// run atomically per row, so across instances exactly one claimer wins while a lease is
/// live, and a delivered row is never claimed again. Times are stored as UTC timestamps;
/// every value is bound as a parameter.
public final class DeliveryLog: Sendable {
    let database: any Database
    /// Failed attempts after which a delivery stays failed for good.
    public let maxAttempts: Int
    let logger: Logger
    var dialect: SQLDialect { database.dialect }

    init(database: any Database, maxAttempts: Int, logger: Logger) {
        self.database = database
        self.maxAttempts = max(1, maxAttempts)
        self.logger = logger
    }

    /// Opens (creating when missing) an SQLite log in WAL mode; `path: nil` is in memory.
    public static func sqlite(path: String?, maxAttempts: Int = 5, logger: Logger) async throws -> DeliveryLog {
        let database = try SQLiteDatabase(
            configuration: .init(path: path, maxConnections: 4, pragmas: ["synchronous": "NORMAL"]), logger: logger)
        let log = DeliveryLog(database: database, maxAttempts: maxAttempts, logger: logger)
        do {
            try await log.createSchema()
        } catch {
            try? await database.close()
            throw error
        }
        return log
    }

    /// A log in an open PostgreSQL database (its current schema); the tables are created
    /// when missing. ``close()`` closes `database`.
    public static func postgres(_ database: any Database, maxAttempts: Int = 5, logger: Logger) async throws
        -> DeliveryLog
    {
        let log = DeliveryLog(database: database, maxAttempts: maxAttempts, logger: logger)
        do {
            try await log.createSchema()
        } catch {
            // Instances starting together race on CREATE TABLE IF NOT EXISTS (PostgreSQL
            // checks the catalog before it locks it); the loser finds the tables on a retry.
            try await Task.sleep(for: .milliseconds(100))
            try await log.createSchema()
        }
        return log
    }

    /// Closes the database.
    public func close() async throws {
        try await database.close()
    }

    // MARK: - Schema

    func createSchema() async throws {
        let statements = [
            """
            CREATE TABLE IF NOT EXISTS insight_deliveries (
                tenant TEXT NOT NULL, kind TEXT NOT NULL, recipient_id TEXT NOT NULL, period_key TEXT NOT NULL,
                status TEXT NOT NULL, owner TEXT, lease_until TIMESTAMP, attempts INTEGER NOT NULL DEFAULT 0,
                last_error TEXT, delivered_at TIMESTAMP, created_at TIMESTAMP NOT NULL,
                PRIMARY KEY (tenant, kind, recipient_id, period_key))
            """,
            "CREATE INDEX IF NOT EXISTS insight_deliveries_created ON insight_deliveries (tenant, created_at)",
            """
            CREATE TABLE IF NOT EXISTS insight_delivery_channels (
                tenant TEXT NOT NULL, kind TEXT NOT NULL, recipient_id TEXT NOT NULL, period_key TEXT NOT NULL,
                channel TEXT NOT NULL, delivered_at TIMESTAMP NOT NULL,
                PRIMARY KEY (tenant, kind, recipient_id, period_key, channel))
            """,
            """
            CREATE TABLE IF NOT EXISTS insight_watermarks (
                tenant TEXT NOT NULL PRIMARY KEY, watermark TEXT, checked_at TIMESTAMP NOT NULL)
            """,
        ]
        for statement in statements { try await database.execute(statement) }
    }

    // MARK: - Claims

    /// Claims `key` for `owner` until `now + lease`; true when this caller won.
    ///
    /// Wins when the row is new, or is neither delivered nor failed for good and its lease
    /// (or, after a failure, its back-off) ended before `now`. Concurrent claimers of one
    /// key, in this or another instance, see exactly one `true` while the lease is live.
    public func claim(_ key: DeliveryKey, owner: String, lease: Duration, now: Date) async throws -> Bool {
        let until = now.addingTimeInterval(Self.seconds(lease))
        let m = dialect.parameterMarker
        // The WHERE of DO UPDATE is what makes the claim exclusive: a conflicting row that
        // is delivered, exhausted or still leased is left alone and RETURNING yields nothing.
        let sql = """
            INSERT INTO insight_deliveries
                (tenant, kind, recipient_id, period_key, status, owner, lease_until, attempts, created_at)
            VALUES (\(m(1)), \(m(2)), \(m(3)), \(m(4)), 'claimed', \(m(5)), \(m(6)), 0, \(m(7)))
            ON CONFLICT (tenant, kind, recipient_id, period_key) DO UPDATE
            SET status = 'claimed', owner = excluded.owner, lease_until = excluded.lease_until
            WHERE insight_deliveries.status <> 'delivered' AND insight_deliveries.attempts < \(m(8))
                AND (insight_deliveries.lease_until IS NULL OR insight_deliveries.lease_until < \(m(9)))
            RETURNING owner
            """
        let result = try await database.query(
            sql,
            Self.keyBinds(key) + [
                .string(owner), .timestamp(Self.timestamp(until)), .timestamp(Self.timestamp(now)),
                .int(Int64(maxAttempts)), .timestamp(Self.timestamp(now)),
            ])
        return result.rows.first?.first?.stringValue == owner
    }

    /// Records `key` as delivered; false when `owner` no longer held the claim (its lease
    /// ran out and another instance claimed it, so the delivery may have gone out twice).
    @discardableResult
    public func markDelivered(_ key: DeliveryKey, owner: String, now: Date) async throws -> Bool {
        let m = dialect.parameterMarker
        let changed = try await database.execute(
            """
            UPDATE insight_deliveries SET status = 'delivered', delivered_at = \(m(1)), lease_until = NULL
            WHERE \(Self.keyPredicate(from: 2, dialect)) AND owner = \(m(6)) AND status = 'claimed'
            """,
            [.timestamp(Self.timestamp(now))] + Self.keyBinds(key) + [.string(owner)])
        return changed > 0
    }

    /// Records a failed attempt and releases the claim until `retryAt`, when a later tick
    /// may claim it again; after ``maxAttempts`` failures no claim succeeds any more.
    /// Returns the failed attempts so far, or nil when `owner` no longer held the claim.
    @discardableResult
    public func markFailed(_ key: DeliveryKey, owner: String, error: String, retryAt: Date) async throws -> Int? {
        let m = dialect.parameterMarker
        let result = try await database.query(
            """
            UPDATE insight_deliveries SET status = 'failed', attempts = attempts + 1, last_error = \(m(1)),
                lease_until = \(m(2))
            WHERE \(Self.keyPredicate(from: 3, dialect)) AND owner = \(m(7)) AND status = 'claimed'
            RETURNING attempts
            """,
            [.string(String(error.prefix(500))), .timestamp(Self.timestamp(retryAt))] + Self.keyBinds(key)
                + [.string(owner)])
        return result.rows.first?.first?.intValue.map { Int($0) }
    }

    /// Keeps `owner`'s claim but moves its lease to `until` (earlier to let others in
    /// sooner, later to hold off retries), without counting an attempt.
    @discardableResult
    public func release(_ key: DeliveryKey, owner: String, until: Date) async throws -> Bool {
        let m = dialect.parameterMarker
        let changed = try await database.execute(
            """
            UPDATE insight_deliveries SET lease_until = \(m(1))
            WHERE \(Self.keyPredicate(from: 2, dialect)) AND owner = \(m(6)) AND status = 'claimed'
            """,
            [.timestamp(Self.timestamp(until))] + Self.keyBinds(key) + [.string(owner)])
        return changed > 0
    }

    /// Records that `channels` of `key` went out. Not tied to the claim: it states what
    /// reached the wire, so even a holder whose lease ran out records it, and a later attempt
    /// does not send those channels again.
    public func markChannelsDelivered(_ key: DeliveryKey, channels: [String], now: Date) async throws {
        let m = dialect.parameterMarker
        for channel in Set(channels) {
            try await database.execute(
                """
                INSERT INTO insight_delivery_channels (tenant, kind, recipient_id, period_key, channel, delivered_at)
                VALUES (\(m(1)), \(m(2)), \(m(3)), \(m(4)), \(m(5)), \(m(6)))
                ON CONFLICT (tenant, kind, recipient_id, period_key, channel) DO NOTHING
                """,
                Self.keyBinds(key) + [.string(channel), .timestamp(Self.timestamp(now))])
        }
    }

    // MARK: - Reading

    /// The channels of `key` that went out in earlier attempts.
    public func deliveredChannels(_ key: DeliveryKey) async throws -> Set<String> {
        let result = try await database.query(
            "SELECT channel FROM insight_delivery_channels WHERE \(Self.keyPredicate(from: 1, dialect))",
            Self.keyBinds(key))
        return Set(result.rows.compactMap { $0.first?.stringValue })
    }

    /// Whether `key` was delivered.
    public func isDelivered(_ key: DeliveryKey) async throws -> Bool {
        try await record(key)?.status == .delivered
    }

    /// The row of `key`, if it was ever claimed.
    public func record(_ key: DeliveryKey) async throws -> DeliveryRecord? {
        let result = try await database.query(
            "SELECT \(Self.columns) FROM insight_deliveries WHERE \(Self.keyPredicate(from: 1, dialect))",
            Self.keyBinds(key))
        return result.rows.first.flatMap(Self.record)
    }

    /// Whether a record needs no more attempts: delivered, or failed ``maxAttempts`` times.
    public func isSettled(_ record: DeliveryRecord) -> Bool {
        record.status == .delivered || (record.status == .failed && record.attempts >= maxAttempts)
    }

    /// The tenant's rows of one kind and period, e.g. every recipient's digest of one day.
    func records(tenant: String, kind: DeliveryKind, periodKey: String) async throws -> [DeliveryRecord] {
        let m = dialect.parameterMarker
        let result = try await database.query(
            """
            SELECT \(Self.columns) FROM insight_deliveries
            WHERE tenant = \(m(1)) AND kind = \(m(2)) AND period_key = \(m(3))
            """,
            [.string(tenant), .string(kind.rawValue), .string(periodKey)])
        return result.rows.compactMap(Self.record)
    }

    /// The tenant's rows first claimed at or after `since`, oldest first (for inspection).
    public func deliveries(tenant: String, since: Date) async throws -> [DeliveryRecord] {
        let m = dialect.parameterMarker
        let result = try await database.query(
            """
            SELECT \(Self.columns) FROM insight_deliveries WHERE tenant = \(m(1)) AND created_at >= \(m(2))
            ORDER BY created_at, kind, recipient_id, period_key
            """,
            [.string(tenant), .timestamp(Self.timestamp(since))])
        return result.rows.compactMap(Self.record)
    }

    /// The first and the latest local date of a tenant's digest runs, if any ran.
    func runDates(tenant: String) async throws -> (first: SQLDate, last: SQLDate)? {
        let m = dialect.parameterMarker
        let result = try await database.query(
            "SELECT MIN(period_key), MAX(period_key) FROM insight_deliveries WHERE tenant = \(m(1)) AND kind = \(m(2))",
            [.string(tenant), .string(DeliveryKind.run.rawValue)])
        guard let row = result.rows.first, row.count == 2, let first = row[0].stringValue.flatMap({ SQLDate(iso: $0) }),
            let last = row[1].stringValue.flatMap({ SQLDate(iso: $0) })
        else { return nil }
        return (first, last)
    }

    // MARK: - Watermarks

    /// The tenant's stored watermark, if its data was ever checked.
    public func watermark(tenant: String) async throws -> DataWatermark? {
        let result = try await database.query(
            "SELECT watermark, checked_at FROM insight_watermarks WHERE tenant = \(dialect.parameterMarker(1))",
            [.string(tenant)])
        guard let row = result.rows.first, row.count == 2, let checkedAt = Self.date(row[1]) else { return nil }
        return DataWatermark(value: row[0].stringValue, checkedAt: checkedAt)
    }

    /// Stores the watermark whose alerts were all pushed.
    public func setWatermark(_ watermark: String, tenant: String, checkedAt: Date) async throws {
        let m = dialect.parameterMarker
        try await database.execute(
            """
            INSERT INTO insight_watermarks (tenant, watermark, checked_at) VALUES (\(m(1)), \(m(2)), \(m(3)))
            ON CONFLICT (tenant) DO UPDATE SET watermark = excluded.watermark, checked_at = excluded.checked_at
            """,
            [.string(tenant), .string(watermark), .timestamp(Self.timestamp(checkedAt))])
    }

    /// Records that the tenant's watermark was read at `at`, keeping the stored watermark
    /// (so that the next alert check waits a full interval).
    public func markWatermarkChecked(tenant: String, at: Date) async throws {
        let m = dialect.parameterMarker
        try await database.execute(
            """
            INSERT INTO insight_watermarks (tenant, watermark, checked_at) VALUES (\(m(1)), NULL, \(m(2)))
            ON CONFLICT (tenant) DO UPDATE SET checked_at = excluded.checked_at
            """,
            [.string(tenant), .timestamp(Self.timestamp(at))])
    }

    // MARK: - Values

    static let columns =
        "tenant, kind, recipient_id, period_key, status, owner, lease_until, attempts, last_error, delivered_at, created_at"

    static func keyPredicate(from first: Int, _ dialect: SQLDialect) -> String {
        let m = dialect.parameterMarker
        return "tenant = \(m(first)) AND kind = \(m(first + 1)) AND recipient_id = \(m(first + 2)) "
            + "AND period_key = \(m(first + 3))"
    }

    static func keyBinds(_ key: DeliveryKey) -> [Value] {
        [.string(key.tenant), .string(key.kind.rawValue), .string(key.recipientID), .string(key.periodKey)]
    }

    static func record(_ row: [Value]) -> DeliveryRecord? {
        guard row.count == 11, let tenant = row[0].stringValue, let kind = row[1].stringValue,
            let recipient = row[2].stringValue, let period = row[3].stringValue, let status = row[4].stringValue,
            let createdAt = date(row[10])
        else { return nil }
        return DeliveryRecord(
            key: DeliveryKey(tenant: tenant, kind: DeliveryKind(rawValue: kind), recipientID: recipient, periodKey: period),
            status: DeliveryStatus(rawValue: status), owner: row[5].stringValue, leaseUntil: date(row[6]),
            attempts: Int(row[7].intValue ?? 0), lastError: row[8].stringValue, deliveredAt: date(row[9]),
            createdAt: createdAt)
    }

    /// A UTC timestamp, whole microseconds.
    static func timestamp(_ date: Date) -> SQLTimestamp {
        SQLTimestamp(microsecondsSinceEpoch: Int64((date.timeIntervalSince1970 * 1_000_000).rounded(.down)))
    }

    /// A timestamp read back: typed, or text where SQLite could not tell the column's type.
    static func date(_ value: Value) -> Date? {
        let timestamp: SQLTimestamp?
        switch value {
        case .timestamp(let t): timestamp = t
        case .string(let s): timestamp = SQLTimestamp(iso: s)
        default: timestamp = nil
        }
        return timestamp.map { Date(timeIntervalSince1970: Double($0.microsecondsSinceEpoch) / 1_000_000) }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
