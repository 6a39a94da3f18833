import Foundation
import Logging
import Server
import Synchronization
import Testing

/// Keeps every event it is given: the inner handler under test.
private final class EventLog: Sendable {
    private let events = Mutex<[LogEvent]>([])

    var all: [LogEvent] { events.withLock { $0 } }
    func append(_ event: LogEvent) { events.withLock { $0.append(event) } }

    /// Each event as one line: the message, then the metadata flattened in key order.
    var lines: [String] {
        all.map { event in
            let metadata = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
            return ([event.message.description] + metadata).joined(separator: " ")
        }
    }
}

private struct CapturingLogHandler: LogHandler {
    let log: EventLog
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        // Like StreamLogHandler: the handler's own metadata and provider, then the call's.
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        event.metadata = merged
        log.append(event)
    }
}

private func makeLogger(_ log: EventLog, provider: Logger.MetadataProvider? = nil) -> Logger {
    Logger(label: "test") { _ in
        RedactingLogHandler(wrapping: CapturingLogHandler(log: log, metadataProvider: provider))
    }
}

private struct ConnectionFailure: Error, CustomStringConvertible {
    var description: String { "cannot connect to postgres://convai:S3cretPass@127.0.0.1:5432/db" }
}

@Suite("Log redaction")
struct RedactingLogHandlerTests {
    static let jwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0ZW5hbnQiOiJpdGMiLCJzdWIiOiJ1MSJ9.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

    /// (input, the secret that must go, the text that must remain)
    static let cases: [(String, String, String)] = [
        (
            "connection refused: postgres://convai:S3cretPass@127.0.0.1:5432/db (is it running?)", "S3cretPass",
            "connection refused: postgres://convai:***@127.0.0.1:5432/db (is it running?)"
        ),
        ("sqlserver://sa:p%40ss%2Fw0rd@db:1433/unilever failed", "p%40ss", "sqlserver://sa:***@db:1433/unilever failed"),
        ("Authorization: \(jwt) rejected", "eyJ", "Authorization: *** rejected"),
        ("token \(jwt) expired", "dBjftJeZ", "token *** expired"),
        ("authorization: Bearer opaque-abcdef123456", "opaque-abcdef123456", "authorization: Bearer ***"),
        ("headers: [\"authorization\": \"Bearer abc.def.ghi12345\"]", "abc.def", "headers: [\"authorization\": \"Bearer ***\"]"),
        ("sent Bearer 0123456789abcdef to the proxy", "0123456789abcdef", "sent Bearer *** to the proxy"),
        (
            "GET /load?user=a&password=hunter2&sslmode=require", "hunter2",
            "GET /load?user=a&password=***&sslmode=require"
        ),
        (
            "Driver={ODBC Driver 18};Server=db;UID=sa;PWD=Tr0ub4dor;Database=x", "Tr0ub4dor",
            "Driver={ODBC Driver 18};Server=db;UID=sa;PWD=***;Database=x"
        ),
        ("UID=sa;PWD={p;w}x;Encrypt=yes", "p;w", "UID=sa;PWD=***x;Encrypt=yes"),
        ("{\"user\": \"a\", \"password\": \"p a s s\"}", "p a s s", "{\"user\": \"a\", \"password\": \"***\"}"),
        ("{'secret': 'xyzzy-1'}", "xyzzy-1", "{'secret': '***'}"),
        ("database:\n  password: hunter2\n  host: db", "hunter2", "database:\n  password: ***\n  host: db"),
        ("secret=abc123 next", "abc123", "secret=*** next"),
        ("api_key=KEY-123-XYZ&x=1", "KEY-123-XYZ", "api_key=***&x=1"),
        ("apikey: KEY-456", "KEY-456", "apikey: ***"),
        ("client_secret=shh-9 ok", "shh-9", "client_secret=*** ok"),
        ("callback?token=tok_9f8e7d&state=1", "tok_9f8e7d", "callback?token=***&state=1"),
        ("OpenAI said: invalid key sk-proj-abcdEFGH1234567890", "abcdEFGH", "OpenAI said: invalid key ***"),
        ("anthropic key sk-ant-api03-abcdefghijklmnop is revoked", "abcdefghijklmnop", "anthropic key *** is revoked"),
    ]

    @Test("each secret form is replaced and the text around it survives", arguments: cases)
    func redactsEachForm(_ input: String, _ secret: String, _ expected: String) {
        let redacted = RedactingLogHandler.redact(input)
        #expect(!redacted.contains(secret))
        #expect(redacted == expected)
    }

    @Test(
        "ordinary text is left alone",
        arguments: [
            "gen_ai.usage.input_tokens=1200 output_tokens=80",
            "the task-abcdefghijk finished in 12 ms",
            "GET http://127.0.0.1:8080/cubejs-api/v1/load?query=%7B%7D",
            "cannot connect to PostgreSQL at convai@127.0.0.1:5432/db: wrong password for user \"convai\"",
            "top 5 brands by net sales in Maharashtra last month",
            "key itc: opened tenant database",
        ])
    func ordinaryTextSurvives(_ text: String) {
        #expect(RedactingLogHandler.redact(text) == text)
    }

    @Test("a postgres connection error logged with its URL leaves no password anywhere")
    func realisticPostgresLine() throws {
        let log = EventLog()
        let logger = makeLogger(log)
        logger.error(
            "tenant database cannot open: connection to postgres://convai:S3cretPass@127.0.0.1:5432/db refused",
            metadata: ["tenant.id": "nestle", "error": "\(ConnectionFailure())"])
        logger.error("usage store failed", error: ConnectionFailure())
        let lines = log.lines
        #expect(lines.count == 2)
        for line in lines {
            #expect(!line.contains("S3cretPass"), "\(line)")
            #expect(line.contains("postgres://convai:***@127.0.0.1:5432/db"), "\(line)")
        }
        #expect(lines[0].contains("tenant.id=nestle"))
        #expect(log.all[1].error == nil)
        #expect(lines[1].contains("error.type="))
    }

    @Test("a request line with an Authorization JWT leaves no token")
    func realisticAuthorizationLine() {
        let log = EventLog()
        let logger = makeLogger(log)
        logger.info("POST /cubejs-api/v1/load Authorization: \(Self.jwt) tenant=itc")
        logger.info("request", metadata: ["http.request.header": "Authorization: Bearer \(Self.jwt)"])
        let lines = log.lines
        for line in lines { #expect(!line.contains("eyJ"), "\(line)") }
        #expect(lines[0] == "POST /cubejs-api/v1/load Authorization: *** tenant=itc")
        #expect(lines[1] == "request http.request.header=Authorization: Bearer ***")
    }

    @Test("metadata whose key looks secret is masked whole, nested values are scrubbed, token counts stay")
    func metadataKeysAndNesting() throws {
        let log = EventLog()
        var logger = makeLogger(log)
        logger[metadataKey: "db.password"] = "plain-but-secret"
        logger.info(
            "configured",
            metadata: [
                "llm.api_key": "whatever",
                "X-Api-Key": "abc",
                "authorization": "Basic Zm9vOmJhcg==",
                "jwt_token": "t",
                "session.cookie": "c=1",
                "gen_ai.usage.input_tokens": "1200",
                "db": [
                    "url": "postgres://u:NestedPass@db/x",
                    "hosts": ["mysql://root:ArrPass@h1/db", .stringConvertible(42)],
                    "client_secret": ["a", "b"],
                ],
                "count": .stringConvertible(7),
            ])
        let metadata = try #require(log.all.first?.metadata)
        for key in ["db.password", "llm.api_key", "X-Api-Key", "authorization", "jwt_token", "session.cookie"] {
            #expect(metadata[key] == "***", "\(key)")
        }
        #expect(metadata["gen_ai.usage.input_tokens"] == "1200")
        #expect(metadata["count"]?.description == "7")
        guard case .dictionary(let db)? = metadata["db"] else { Issue.record("db is not a dictionary"); return }
        #expect(db["url"] == "postgres://u:***@db/x")
        #expect(db["hosts"]?.description.contains("ArrPass") == false)
        #expect(db["hosts"]?.description.contains("mysql://root:***@h1/db") == true)
        #expect(db["client_secret"] == "***")
    }

    @Test("the metadata provider's output is scrubbed too, and the handler's level is the inner one's")
    func providerOutput() throws {
        let log = EventLog()
        let provider = Logger.MetadataProvider { ["trace.url": "https://svc:ProvPass@api.example.com/x", "trace.id": "t-1"] }
        var logger = makeLogger(log, provider: provider)
        logger.logLevel = .info
        logger.debug("hidden")
        logger.info("visible")
        #expect(log.all.count == 1)
        let metadata = try #require(log.all.first?.metadata)
        #expect(metadata["trace.url"] == "https://svc:***@api.example.com/x")
        #expect(metadata["trace.id"] == "t-1")
    }
}
