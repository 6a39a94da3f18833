import Foundation
import Logging
import SampleData
import Transform
import Warehouse

/// A database of its own on the test PostgreSQL (scripts/pg-test-server), holding a small
/// seeded and transformed sample tenant, with `log_statement = 'all'` set for that database
/// only; and what the server logged for it, read back from the server's log file, whose lines
/// name their database (`db=…`, the script's `log_line_prefix`).
actor StatementLog {
    /// One logged entry of this database: its level (`LOG`, `DETAIL`, `ERROR`, …) and text,
    /// continuation lines included.
    struct Entry: Sendable {
        var level: String
        var text: String

        /// The SQL of a `statement:` or `execute <name>:` entry; nil for other entries
        /// (`DETAIL:  parameters: …`, where bound values appear, among them).
        var statement: String? {
            guard level == "LOG" else { return nil }
            if text.hasPrefix("statement: ") { return String(text.dropFirst("statement: ".count)) }
            if text.hasPrefix("execute "), let colon = text.range(of: ": ") { return String(text[colon.upperBound...]) }
            return nil
        }
    }

    let database: String
    let settings: PostgresDatabase.Configuration
    /// The tenant's brands, read before logging was turned on.
    let brands: [String]
    private let logPath: String
    private let probe: PostgresDatabase
    private var offset: UInt64 = 0

    /// Creates `convai_injection_<random>`, seeds the Nestlé sample (small), transforms it and
    /// only then turns statement logging on, so the log carries the tests' statements alone.
    static func make(url: String, directory: String) async throws -> StatementLog {
        let name = "convai_injection_" + UUID().uuidString.lowercased().replacing("-", with: "")
        let admin = try PostgresDatabase(configuration: try PostgresDatabase.Configuration(url: url))
        _ = try await admin.execute("CREATE DATABASE \(SQLDialect.postgres.quoteIdentifier(name))")
        var settings = try PostgresDatabase.Configuration(url: url)
        settings.database = name
        settings.maxConnections = 2
        let seeding = try PostgresDatabase(configuration: settings)
        let brands: [String]
        do {
            let logger = Logger(label: "test")
            let root = SampleTenants.root
            _ = try await MigrationRunner(
                database: seeding,
                migrations: try Migration.load(from: root.appendingPathComponent("database"), dialect: .postgres),
                logger: logger
            ).run()
            _ = try await SampleDataGenerator(
                options: SeedOptions(tenant: .nestle, endDate: SQLDate(iso: SampleTenants.asOf)!, days: 120, scale: 0.02)
            ).seed(into: seeding)
            let report = try await TransformRunner(
                project: try DbtProject.load(from: root.appendingPathComponent("transform")), database: seeding,
                logger: logger
            ).run(.init(runTests: false))
            guard report.succeeded else { throw FixtureError("transform failed: \(report.summary)") }
            brands = try await seeding.query("SELECT DISTINCT brand FROM dim_product WHERE brand IS NOT NULL").rows.compactMap {
                if case .string(let brand) = $0.first { brand } else { nil }
            }
            try await seeding.close()
        } catch {
            try? await seeding.close()
            throw error
        }
        _ = try await admin.execute("ALTER DATABASE \(SQLDialect.postgres.quoteIdentifier(name)) SET log_statement = 'all'")
        // Bound values stay visible in the DETAIL lines, cut short so that 100 KB values do not
        // swell the log.
        _ = try await admin.execute(
            "ALTER DATABASE \(SQLDialect.postgres.quoteIdentifier(name)) SET log_parameter_max_length = 64")
        try await admin.close()
        var probeSettings = settings
        probeSettings.maxConnections = 1
        let log = StatementLog(
            database: name, settings: settings, brands: brands, logPath: directory + "/server.log",
            probe: try PostgresDatabase(configuration: probeSettings))
        _ = try await log.entries()
        return log
    }

    private init(
        database: String, settings: PostgresDatabase.Configuration, brands: [String], logPath: String, probe: PostgresDatabase
    ) {
        self.database = database
        self.settings = settings
        self.brands = brands
        self.logPath = logPath
        self.probe = probe
    }

    /// The entries of this database logged since the last call (the first call: since the
    /// start). The log is flushed by a marker statement that is waited for.
    func entries() async throws -> [Entry] {
        let marker = "marker-" + UUID().uuidString
        _ = try await probe.query("SELECT '\(marker)'")
        var text = ""
        var attempts = 0
        while true {
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: logPath))
            try handle.seek(toOffset: offset)
            let data = try handle.readToEnd() ?? Data()
            try handle.close()
            if let range = data.range(of: Data(marker.utf8)) {
                // Up to the end of the marker's line.
                let end = data[range.upperBound...].firstIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? data.endIndex
                offset += UInt64(end - data.startIndex)
                text = String(decoding: data[data.startIndex..<end], as: UTF8.self)
                break
            }
            attempts += 1
            if attempts > 1_000 {
                throw FixtureError(
                    "the marker statement never reached \(logPath); is the server started by scripts/pg-test-server "
                        + "(log_line_prefix with db=)?")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return Self.parse(text, database: database).filter { !$0.text.contains(marker) }
    }

    /// Splits log text into entries (continuation lines start with a tab) and keeps those of
    /// `database`.
    static func parse(_ text: String, database: String) -> [Entry] {
        var entries: [(database: String, entry: Entry)] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("\t"), !entries.isEmpty {
                entries[entries.count - 1].entry.text += "\n" + line.dropFirst()
                continue
            }
            // 2026-12-07 12:34:31.624 UTC [6257] db=name LEVEL:  text
            guard let dbRange = line.range(of: "] db=") else { continue }
            let rest = line[dbRange.upperBound...]
            guard let space = rest.firstIndex(of: " ") else { continue }
            let name = String(rest[..<space])
            let message = rest[rest.index(after: space)...]
            guard let colon = message.range(of: ":  ") else { continue }
            entries.append((name, Entry(level: String(message[..<colon.lowerBound]), text: String(message[colon.upperBound...]))))
        }
        return entries.filter { $0.database == database }.map(\.entry)
    }

    /// A statement's shape: its text with integer literals (a limit, an offset) written `N`;
    /// placeholders (`$1`) keep their numbers.
    static func shape(_ statement: String) -> String {
        let pattern = try! NSRegularExpression(pattern: #"(?<![$\w])\d+"#)
        let range = NSRange(statement.startIndex..., in: statement)
        return pattern.stringByReplacingMatches(in: statement, range: range, withTemplate: "N")
    }

    func close() async throws {
        try await probe.close()
    }
}
