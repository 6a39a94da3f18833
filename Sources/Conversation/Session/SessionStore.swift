public import Foundation
public import Logging
public import Warehouse

/// One user's conversation with one tenant: what the last answer was about (so a follow-up
/// can amend it) and the question waiting for a clarification.
public struct ConversationSession: Sendable, Codable, Hashable {
    /// One exchange, kept for context and audit.
    public struct Turn: Sendable, Codable, Hashable {
        /// The question as asked (or as refined by a clarification).
        public var question: String
        /// `answered` or `needs_clarification`.
        public var status: String
        /// How it was understood.
        public var understood: String?
        /// When it was asked.
        public var at: Date

        /// Makes a turn.
        public init(question: String, status: String, understood: String?, at: Date) {
            self.question = question
            self.status = status
            self.understood = understood
            self.at = at
        }
    }

    /// The session id the client sends back.
    public var id: String
    /// The tenant (from the token).
    public var tenant: String
    /// The user (the token's `sub`).
    public var user: String
    /// The intent of the last answered question.
    public var lastIntent: QueryIntent?
    /// The question waiting for the user's choices, with the intent it follows up.
    public var pendingQuestion: String?
    /// The as-of date of the pending question, ISO.
    public var pendingAsOf: String?
    /// The most recent exchanges, oldest first.
    public var turns: [Turn]

    /// A new, empty session.
    public init(id: String = UUID().uuidString.lowercased(), tenant: String, user: String) {
        self.id = id
        self.tenant = tenant
        self.user = user
        self.lastIntent = nil
        self.turns = []
    }

    /// Adds a turn, keeping the last `limit`.
    public mutating func record(_ turn: Turn, limit: Int = 20) {
        turns.append(turn)
        if turns.count > limit { turns.removeFirst(turns.count - limit) }
    }
}

/// Sessions in SQLite, so that a conversation survives a server restart; each expires after
/// a period without use, and is only ever handed back to the tenant and user that made it.
public final class SessionStore: Sendable {
    /// How long an idle session lives.
    public let timeToLive: TimeInterval
    private let database: SQLiteDatabase
    private let logger: Logger

    /// Opens (creating if needed) the store at `path`; `nil` keeps sessions in memory.
    public init(path: String?, timeToLive: TimeInterval = 3600, logger: Logger = Logger(label: "convai.sessions"))
        async throws
    {
        if let path {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        }
        self.database = try SQLiteDatabase(
            configuration: .init(path: path, maxConnections: path == nil ? 1 : 4, pragmas: ["journal_mode": "WAL"]),
            logger: logger)
        self.timeToLive = timeToLive
        self.logger = logger
        _ = try await database.execute(
            """
            CREATE TABLE IF NOT EXISTS conversation_sessions (
                id TEXT PRIMARY KEY,
                tenant TEXT NOT NULL,
                user_id TEXT NOT NULL,
                state TEXT NOT NULL,
                updated_at REAL NOT NULL,
                expires_at REAL NOT NULL
            )
            """, [])
        _ = try await database.execute(
            "CREATE INDEX IF NOT EXISTS conversation_sessions_expiry ON conversation_sessions (expires_at)", [])
    }

    /// The live session `id` of `tenant`'s `user`, or `nil` when there is none, it expired,
    /// or it belongs to someone else.
    public func session(id: String, tenant: String, user: String, now: Date = Date()) async throws
        -> ConversationSession?
    {
        let rows = try await database.query(
            "SELECT state FROM conversation_sessions WHERE id = ? AND tenant = ? AND user_id = ? AND expires_at > ?",
            [.string(id), .string(tenant), .string(user), .double(now.timeIntervalSince1970)]
        ).rows
        guard let text = rows.first?[0].stringValue else { return nil }
        return try JSONDecoder().decode(ConversationSession.self, from: Data(text.utf8))
    }

    /// Stores `session`, extending its life. A session id already held by another tenant or
    /// user is left untouched and reported.
    public func save(_ session: ConversationSession, now: Date = Date()) async throws {
        let state = String(decoding: try JSONEncoder().encode(session), as: UTF8.self)
        let changed = try await database.execute(
            """
            INSERT INTO conversation_sessions (id, tenant, user_id, state, updated_at, expires_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at,
                expires_at = excluded.expires_at
            WHERE conversation_sessions.tenant = excluded.tenant AND conversation_sessions.user_id = excluded.user_id
            """,
            [
                .string(session.id), .string(session.tenant), .string(session.user), .string(state),
                .double(now.timeIntervalSince1970), .double(now.timeIntervalSince1970 + timeToLive),
            ])
        if changed == 0 {
            throw SessionError.belongsToSomeoneElse(session.id)
        }
    }

    /// Deletes expired sessions; returns how many.
    @discardableResult
    public func purgeExpired(now: Date = Date()) async throws -> Int {
        let removed = try await database.execute(
            "DELETE FROM conversation_sessions WHERE expires_at <= ?", [.double(now.timeIntervalSince1970)])
        if removed > 0 { logger.info("expired sessions removed", metadata: ["count": "\(removed)"]) }
        return removed
    }

    /// Closes the database.
    public func close() async throws { try await database.close() }
}

/// Why a session could not be used.
public enum SessionError: Error, CustomStringConvertible, Sendable {
    /// The id is taken by another tenant or user.
    case belongsToSomeoneElse(String)

    public var description: String {
        switch self {
        case .belongsToSomeoneElse(let id): "session \(id) belongs to another user"
        }
    }
}
