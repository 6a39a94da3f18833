public import Foundation

/// `convai bench ingest`: the same rows loaded through ``Database/bulkLoad(into:columns:rows:)``
/// (DuckDB's Appender) and through a CSV file and `COPY`, in one run, on one database.
public struct IngestBenchmark: Sendable {
    /// The figures of one run.
    public struct Result: Sendable {
        /// Rows loaded by each path.
        public var rows: Int
        /// Seconds for the Appender path.
        public var appenderSeconds: Double
        /// Seconds for writing the CSV file.
        public var csvWriteSeconds: Double
        /// Seconds for `COPY … FROM` the CSV file.
        public var copySeconds: Double

        /// Rows per second through the Appender.
        public var appenderRowsPerSecond: Double { Double(rows) / appenderSeconds }
        /// Rows per second through COPY alone.
        public var copyRowsPerSecond: Double { Double(rows) / copySeconds }
        /// Rows per second writing the CSV and COPYing it (the whole alternative path).
        public var csvAndCopyRowsPerSecond: Double { Double(rows) / (csvWriteSeconds + copySeconds) }
    }

    /// Rows per path.
    public var rows: Int
    /// Where the database and the CSV file go.
    public var directory: URL

    /// Makes a benchmark of `rows` rows working in `directory`.
    public init(rows: Int, directory: URL) {
        self.rows = rows
        self.directory = directory
    }

    static let columns = ["transaction_id", "transaction_date", "customer_id", "product_id", "quantity", "net_amount", "channel"]
    static let tableDefinition = """
        (transaction_id BIGINT, transaction_date DATE, customer_id INTEGER, product_id INTEGER,
         quantity INTEGER, net_amount DECIMAL(14,2), channel VARCHAR)
        """

    /// Deterministic sales-like rows: ids, dates over two years, quantities, rupee amounts, channels.
    public static func makeRows(_ count: Int) -> [[Value]] {
        let channels = ["General Trade", "Modern Trade", "Wholesale", "HoReCa", "E-commerce"]
        let start = SQLDate(year: 2024, month: 1, day: 1)!
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        return (0..<count).map { i in
            let quantity = Int64(next() % 48 + 1)
            let paise = Int128(quantity) * Int128(next() % 50_000 + 500)
            return [
                .int(Int64(i + 1)), .date(start.adding(days: Int(next() % 730))), .int(Int64(next() % 40_000)),
                .int(Int64(next() % 400)), .int(quantity), .decimal(SQLDecimal(unscaled: paise, scale: 2)),
                .string(channels[Int(next() % 5)]),
            ]
        }
    }

    /// Loads the rows both ways into fresh tables of `database`, checks both tables hold
    /// the same rows, and returns the timings. `progress` hears what is happening.
    public func run(on database: any Database, rows data: [[Value]], progress: (String) -> Void) async throws -> Result {
        try await database.execute("DROP TABLE IF EXISTS bench_appender; DROP TABLE IF EXISTS bench_copy")
        try await database.execute("CREATE TABLE bench_appender \(Self.tableDefinition)")
        try await database.execute("CREATE TABLE bench_copy \(Self.tableDefinition)")
        let clock = ContinuousClock()

        progress("appender: loading \(data.count) rows")
        let appenderTime = try await clock.measure {
            _ = try await database.bulkLoad(into: "bench_appender", columns: Self.columns, rows: data)
        }

        progress("csv: writing \(data.count) rows")
        let csv = directory.appendingPathComponent("bench_ingest.csv")
        let writeTime = try clock.measure { try Self.writeCSV(data, to: csv) }
        defer { try? FileManager.default.removeItem(at: csv) }

        progress("copy: loading the CSV file")
        let copyTime = try await clock.measure {
            _ = try await database.execute(
                "COPY bench_copy FROM '\(csv.path.replacing("'", with: "''"))' (FORMAT csv, HEADER true)")
        }

        let check = try await database.query(
            """
            SELECT (SELECT count(*) FROM bench_appender), (SELECT count(*) FROM bench_copy),
                   (SELECT sum(net_amount) FROM bench_appender) = (SELECT sum(net_amount) FROM bench_copy),
                   (SELECT count(*) FROM (SELECT * FROM bench_appender EXCEPT SELECT * FROM bench_copy))
            """)
        let row = check.rows[0]
        guard row[0].intValue == Int64(data.count), row[1].intValue == Int64(data.count), row[2] == .bool(true),
            row[3].intValue == 0
        else {
            throw WarehouseError(.bulkLoadFailed, "the two load paths disagree: \(row.map(\.description))")
        }
        try await database.execute("DROP TABLE bench_appender; DROP TABLE bench_copy")
        return Result(
            rows: data.count, appenderSeconds: appenderTime.seconds, csvWriteSeconds: writeTime.seconds,
            copySeconds: copyTime.seconds)
    }

    static func writeCSV(_ rows: [[Value]], to url: URL) throws {
        var buffer = columns.joined(separator: ",") + "\n"
        buffer.reserveCapacity(1 << 22)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw WarehouseError(.bulkLoadFailed, "cannot create \(url.path)")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        for row in rows {
            for (i, value) in row.enumerated() {
                if i > 0 { buffer.append(",") }
                buffer.append(value.description)
            }
            buffer.append("\n")
            if buffer.utf8.count > 1 << 22 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
    }
}

extension Duration {
    /// The duration in seconds as a double.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
