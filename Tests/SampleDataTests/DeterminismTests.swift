import Foundation
import SampleData
import Testing
import Warehouse

@Suite("Determinism")
struct DeterminismTests {
    static let options = SeedOptions(
        tenant: .nestle, endDate: SQLDate(year: 2024, month: 12, day: 31)!, days: 200, scale: 0.03, seed: 7)

    func checksums(_ database: any Database) async throws -> [String: String] {
        var sums: [String: String] = [:]
        for table in RawSchema.tableNames { sums[table] = try await database.checksum(table) }
        return sums
    }

    @Test("the same arguments give identical tables and planted.json, whatever the batch size")
    func sameArgumentsSameBytes() async throws {
        let first = try await Seeded.make(Self.options)
        var smallBatches = Self.options
        smallBatches.batchSize = 1_000
        let second = try await Seeded.make(smallBatches)
        let a = try await checksums(first.database)
        let b = try await checksums(second.database)
        #expect(a.count == 7)
        for table in RawSchema.tableNames {
            #expect(a[table] == b[table], "\(table) differs between two runs")
            #expect(a[table]?.hasPrefix("0:") == false, "\(table) is empty")
        }
        #expect(try first.planted.jsonString() == second.planted.jsonString())
        #expect(first.report.tables == second.report.tables)
        try await first.database.close()
        try await second.database.close()
    }

    @Test("a different seed gives different data and different planted signals")
    func differentSeedDifferentData() async throws {
        var other = Self.options
        other.seed = 8
        let first = try await Seeded.make(Self.options)
        let second = try await Seeded.make(other)
        let a = try await checksums(first.database)
        let b = try await checksums(second.database)
        for table in ["raw_secondary_sales", "raw_primary_invoices", "raw_outlets", "raw_employees"] {
            #expect(a[table] != b[table], "\(table) is the same under seeds 7 and 8")
        }
        // The catalogue is the tenant's, not the seed's.
        #expect(
            try await first.database.int("SELECT count(DISTINCT upper(trim(sku))) FROM raw_products")
                == second.database.int("SELECT count(DISTINCT upper(trim(sku))) FROM raw_products"))
        #expect(try first.planted.jsonString() != second.planted.jsonString())
        try await first.database.close()
        try await second.database.close()
    }

    @Test("planted.json is pretty-printed with sorted keys, round-trips, and is written byte for byte")
    func plantedJSON() async throws {
        let seeded = try await Fixtures.itc.value
        let json = try seeded.planted.jsonString()
        #expect(json.hasPrefix("{\n  \"anomalies\" : ["))
        #expect(json.hasSuffix("}\n"))
        let keys = ["\"anomalies\"", "\"days\"", "\"endDate\"", "\"lapsedOutlets\"", "\"measure\"", "\"priceChanges\"",
            "\"promotions\"", "\"scale\"", "\"seed\"", "\"startDate\"", "\"stockBuildUps\"", "\"tenant\"", "\"trends\""]
        let positions = keys.map { key in json.range(of: "\n  \(key) :")?.lowerBound }
        #expect(positions.allSatisfy { $0 != nil }, "a top-level key is missing")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "top-level keys are not sorted")
        #expect(try PlantedSignals(json: json) == seeded.planted)
        try await withTemporaryDirectory { folder in
            let path = folder.appendingPathComponent("sub/itc.planted.json").path
            try seeded.planted.write(toFile: path)
            #expect(try String(contentsOfFile: path, encoding: .utf8) == json)
        }
    }

    @Test("planted.json goes beside the database file")
    func plantedPath() {
        #expect(PlantedSignals.defaultPath(besideDatabaseFile: "/srv/convai/data/itc.duckdb") == "/srv/convai/data/itc.planted.json")
        #expect(PlantedSignals.defaultPath(besideDatabaseFile: "/tmp/warehouse") == "/tmp/warehouse.planted.json")
    }
}
