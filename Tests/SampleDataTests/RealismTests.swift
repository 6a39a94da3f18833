import SampleData
import Testing
import Warehouse

@Suite("Realism")
struct RealismTests {
    var database: DuckDBDatabase {
        get async throws { try await Fixtures.itc.value.database }
    }

    /// Average daily SALE net value over the days matching `filter` (days without sales count as 0).
    func averageDailySales(where filter: String) async throws -> Double {
        let options = Fixtures.itcOptions
        return try await database.double(
            """
            WITH \(cleanLines),
            days AS (SELECT CAST(generate_series AS DATE) AS d FROM generate_series(CAST(? AS DATE), CAST(? AS DATE), INTERVAL 1 DAY)),
            daily AS (SELECT bill_date, sum(net) AS v FROM signed WHERE txn = 'SALE' GROUP BY 1)
            SELECT avg(coalesce(v, 0)) FROM days LEFT JOIN daily ON daily.bill_date = days.d WHERE \(filter)
            """, [.date(options.startDate), .date(options.endDate)])
    }

    @Test("October–November daily sales are above the period's average (the festive peak)")
    func festivePeak() async throws {
        let all = try await averageDailySales(where: "true")
        let festive = try await averageDailySales(where: "month(d) IN (10, 11)")
        #expect(festive > all * 1.05, "Oct–Nov \(festive) vs average \(all)")
    }

    @Test("Sunday sales are well below the weekday average")
    func quietSunday() async throws {
        let sunday = try await averageDailySales(where: "isodow(d) = 7")
        let weekdays = try await averageDailySales(where: "isodow(d) < 7")
        #expect(sunday < weekdays * 0.7, "Sunday \(sunday) vs Monday–Saturday \(weekdays)")
    }

    @Test("summer categories sell more in April–June than in November–January")
    func summerPeak() async throws {
        let ratio = try await database.double(
            """
            WITH \(cleanLines),
            juices AS (SELECT s.* FROM signed s JOIN products p USING (sku) WHERE p.brand = 'B Natural' AND s.txn = 'SALE')
            SELECT (SELECT sum(net) / count(DISTINCT bill_date) FROM juices WHERE month(bill_date) IN (4, 5, 6))
                 / (SELECT sum(net) / count(DISTINCT bill_date) FROM juices WHERE month(bill_date) IN (11, 12, 1))
            """)
        #expect(ratio > 1.3, "B Natural summer / winter daily sales = \(ratio)")
    }

    @Test("returns are 1–6 % of sales; free goods and damages exist")
    func returnsFreeGoodsDamages() async throws {
        let db = try await database
        let share = try await db.double(
            """
            WITH \(cleanLines)
            SELECT sum(CASE WHEN txn = 'RETURN' THEN -net END) / sum(CASE WHEN txn = 'SALE' THEN net END) FROM signed
            """)
        #expect(share > 0.01 && share < 0.06, "returns are \(share) of sales")
        let free = try await db.int("WITH \(cleanLines) SELECT count(*) FROM signed WHERE txn = 'FREE' AND net = 0")
        let freeWithValue = try await db.int("WITH \(cleanLines) SELECT count(*) FROM signed WHERE txn = 'FREE' AND net <> 0")
        let damages = try await db.int("WITH \(cleanLines) SELECT count(*) FROM signed WHERE txn = 'DAMAGE'")
        #expect(free > 0 && freeWithValue == 0 && damages > 0)
        let negatives = try await db.int(
            "SELECT count(*) FROM raw_secondary_sales WHERE qty <= 0 OR net_value < 0 OR gross_value < net_value")
        #expect(negatives == 0, "qty and values must be positive, net at most gross")
        let badArithmetic = try await db.int(
            "SELECT count(*) FROM raw_secondary_sales WHERE gross_value <> qty * rate OR net_value <> gross_value - discount_value")
        #expect(badArithmetic == 0)
    }

    @Test("re-exported duplicates, late lines, padded and mixed-case codes are all present")
    func messiness() async throws {
        let db = try await database
        for (table, key) in [
            ("raw_secondary_sales", "line_id"), ("raw_primary_invoices", "upper(trim(invoice_no)), line_no"),
            ("raw_outlets", "outlet_id"), ("raw_products", "product_id"), ("raw_distributors", "dist_id"),
            ("raw_employees", "emp_id"),
        ] {
            let rows = try await db.int("SELECT count(*) FROM \(table)")
            let keys = try await db.int("SELECT count(*) FROM (SELECT DISTINCT \(key) FROM \(table))")
            #expect(rows > keys, "\(table) has no re-exported rows")
            if table == "raw_secondary_sales" {
                #expect(Double(rows - keys) / Double(keys) < 0.015, "too many duplicates: \(rows - keys) of \(keys)")
            }
        }
        let laterCopies = try await db.int(
            """
            SELECT count(*) FROM (SELECT line_id, count(*) AS n, count(DISTINCT exported_at) AS e
            FROM raw_secondary_sales GROUP BY line_id) WHERE n > 1 AND e = n
            """)
        #expect(laterCopies > 0, "duplicates must carry a later exported_at")
        let late = try await db.int(
            "SELECT count(*) FROM raw_secondary_sales WHERE exported_at > CAST(bill_date AS TIMESTAMP) + INTERVAL 3 DAY")
        #expect(late > 0, "no late-arriving lines")
        for column in ["sku", "outlet_code", "dist_code", "salesman_code"] {
            let padded = try await db.int("SELECT count(*) FROM raw_secondary_sales WHERE \(column) <> trim(\(column))")
            let lower = try await db.int(
                "SELECT count(*) FROM raw_secondary_sales WHERE \(column) <> upper(\(column)) AND \(column) = trim(\(column))")
            #expect(padded > 0 && lower > 0, "\(column): \(padded) padded, \(lower) lower-case")
        }
        let spellings = try await db.int("SELECT count(DISTINCT txn_type) FROM raw_secondary_sales")
        let codes = try await db.int("SELECT count(DISTINCT upper(trim(txn_type))) FROM raw_secondary_sales")
        #expect(spellings > 4 && codes == 4)
        let channels = try await db.int("SELECT count(DISTINCT channel) FROM raw_outlets")
        let cleanChannels = try await db.query("SELECT DISTINCT lower(trim(channel)) AS c FROM raw_outlets ORDER BY c")
        #expect(channels > 5)
        #expect(
            cleanChannels.rows.map { $0[0].description }
                == ["e-commerce", "general trade", "horeca", "modern trade", "wholesale"])
        let statuses = try await db.query("SELECT DISTINCT lower(trim(status)) AS s FROM raw_products ORDER BY s")
        #expect(statuses.rows.map { $0[0].description } == ["active", "inactive"])
    }

    @Test("every cleaned code on a line resolves to its master data")
    func codesResolve() async throws {
        let unresolved = try await database.int(
            """
            WITH \(cleanLines),
            dists AS (SELECT DISTINCT upper(trim(dist_code)) AS code FROM raw_distributors),
            emps AS (SELECT DISTINCT upper(trim(emp_code)) AS code FROM raw_employees)
            SELECT count(*) FROM lines l
            WHERE upper(trim(l.sku)) NOT IN (SELECT sku FROM products)
               OR upper(trim(l.outlet_code)) NOT IN (SELECT code FROM outlets)
               OR upper(trim(l.dist_code)) NOT IN (SELECT code FROM dists)
               OR upper(trim(l.salesman_code)) NOT IN (SELECT code FROM emps)
            """)
        #expect(unresolved == 0)
        let primaryUnresolved = try await database.int(
            """
            WITH \(cleanLines)
            SELECT count(*) FROM raw_primary_invoices
            WHERE upper(trim(sku)) NOT IN (SELECT sku FROM products)
               OR upper(trim(dist_code)) NOT IN (SELECT upper(trim(dist_code)) FROM raw_distributors)
            """)
        #expect(primaryUnresolved == 0)
        let servedElsewhere = try await database.int(
            """
            WITH o AS (SELECT DISTINCT upper(trim(outlet_code)) AS code, trim(state) AS state, upper(trim(dist_code)) AS dist,
                              lower(trim(channel)) AS channel FROM raw_outlets),
                 d AS (SELECT DISTINCT upper(trim(dist_code)) AS code, trim(state) AS state, lower(trim(dist_type)) AS type
                       FROM raw_distributors)
            SELECT count(*) FROM o JOIN d ON o.dist = d.code
            WHERE o.state <> d.state OR (o.channel = 'wholesale') <> (d.type = 'super stockist')
            """)
        #expect(servedElsewhere == 0, "outlets must be served by a distributor of their own state")
    }

    @Test("the sales hierarchy: one NSM, a ZSM per zone, an ASM per state, SOs per city, managers resolve")
    func hierarchy() async throws {
        let result = try await database.query(
            """
            WITH e AS (SELECT DISTINCT emp_id, upper(trim(emp_code)) AS code, upper(trim(designation)) AS role,
                              territory_level AS level, territory_name AS territory, upper(trim(manager_code)) AS manager
                       FROM raw_employees)
            SELECT e.role, e.level, count(*), count(DISTINCT e.territory), count(DISTINCT m.role), min(m.role), count(e.manager)
            FROM e LEFT JOIN e AS m ON e.manager = m.code GROUP BY 1, 2 ORDER BY 1
            """)
        let rows = Dictionary(uniqueKeysWithValues: result.rows.map { ($0[0].description, $0) })
        #expect(rows.count == 4)
        #expect(rows["NSM"]?[1] == "National" && rows["NSM"]?[2] == 1 && rows["NSM"]?[6] == 0)
        #expect(rows["ZSM"]?[1] == "Zone" && rows["ZSM"]?[3] == 5 && rows["ZSM"]?[5] == "NSM")
        #expect(rows["ASM"]?[1] == "State" && rows["ASM"]?[3] == 20 && rows["ASM"]?[5] == "ZSM")
        #expect(rows["SO"]?[1] == "City" && rows["SO"]?[5] == "ASM" && rows["SO"]?[4] == 1)
        let cities = try await database.int("SELECT count(DISTINCT city) FROM raw_outlets")
        #expect(rows["SO"]?[3] == .int(Int64(cities)), "one SO territory per city")
    }

    @Test("liquids carry a volume, solids none; a price increase shows in the rates")
    func catalogue() async throws {
        let db = try await database
        let liquids = try await db.int("SELECT count(DISTINCT product_id) FROM raw_products WHERE unit_volume_l IS NOT NULL")
        let mislabelled = try await db.int(
            "SELECT count(*) FROM raw_products WHERE unit_volume_l IS NULL AND (product_name LIKE '% ml%' OR product_name LIKE '% L')")
        #expect(liquids > 5 && mislabelled == 0)
        let bad = try await db.int("SELECT count(*) FROM raw_products WHERE mrp <= 0 OR unit_weight_kg <= 0")
        #expect(bad == 0)
        let planted = try await Fixtures.itc.value.planted
        let change = try #require(planted.priceChanges.first)
        let rates = try await db.query(
            """
            WITH \(cleanLines)
            SELECT bill_date >= CAST(? AS DATE) AS after, max(l.rate) FROM lines l JOIN products p ON upper(trim(l.sku)) = p.sku
            WHERE p.brand = ? GROUP BY 1 ORDER BY 1
            """, [.string(change.effectiveDate), .string(change.scope.value)])
        #expect(rates.rows.count == 2)
        if rates.rows.count == 2 {
            #expect((rates.rows[0][1].doubleValue ?? 0) < (rates.rows[1][1].doubleValue ?? 0))
        }
    }

    @Test("outlets join over time and never buy before joining")
    func newOutlets() async throws {
        let options = Fixtures.itcOptions
        let onboardedInPeriod = try await database.int(
            "SELECT count(DISTINCT outlet_id) FROM raw_outlets WHERE onboarded_on >= ?", [.date(options.startDate)])
        let buyingBeforeOnboarding = try await database.int(
            """
            WITH \(cleanLines), o AS (SELECT DISTINCT upper(trim(outlet_code)) AS code, onboarded_on FROM raw_outlets)
            SELECT count(*) FROM signed JOIN o ON signed.outlet = o.code WHERE signed.bill_date < o.onboarded_on
            """)
        #expect(onboardedInPeriod > 5)
        #expect(buyingBeforeOnboarding == 0)
    }

    @Test("volumes grow with the scale")
    func volumesFollowScale() async throws {
        let small = SeedOptions(tenant: .unilever, endDate: Fixtures.endDate, days: 120, scale: 0.1, seed: 3)
        var large = small
        large.scale = 0.2
        let a = try await Seeded.make(small)
        let b = try await Seeded.make(large)
        let lines = Double(b.report.rows(in: "raw_secondary_sales")) / Double(a.report.rows(in: "raw_secondary_sales"))
        let outlets = Double(b.report.rows(in: "raw_outlets")) / Double(a.report.rows(in: "raw_outlets"))
        let primary = Double(b.report.rows(in: "raw_primary_invoices")) / Double(a.report.rows(in: "raw_primary_invoices"))
        #expect(lines > 1.7 && lines < 2.3, "secondary lines grew \(lines)x")
        #expect(outlets > 1.8 && outlets < 2.2, "outlets grew \(outlets)x")
        #expect(primary > 1.2, "primary lines grew \(primary)x")
        try await a.database.close()
        try await b.database.close()
    }

    @Test("each tenant sells its own brands", arguments: SampleTenant.allCases)
    func ownCatalogue(_ tenant: SampleTenant) async throws {
        let expected: [SampleTenant: [String]] = [
            .itc: ["Aashirvaad", "Sunfeast", "Bingo!", "Yippee!", "Classmate", "Fiama", "Savlon", "B Natural"],
            .nestle: ["Maggi", "Nescafé", "KitKat", "Munch", "Milkybar", "Everyday", "a+", "Cerelac"],
            .unilever: ["Surf Excel", "Rin", "Lux", "Dove", "Lifebuoy", "Brooke Bond", "Kissan", "Knorr", "Horlicks"],
        ]
        let seeded = try await Seeded.make(
            SeedOptions(tenant: tenant, endDate: Fixtures.endDate, days: 90, scale: 0.02, seed: 1))
        let sold = try await seeded.database.query(
            "WITH \(cleanLines) SELECT DISTINCT p.brand FROM signed JOIN products p USING (sku) ORDER BY 1")
        let brands = Set(sold.rows.map { $0[0].description })
        for brand in expected[tenant] ?? [] { #expect(brands.contains(brand), "\(tenant) does not sell \(brand)") }
        let others = expected.filter { $0.key != tenant }.values.flatMap { $0 }
        #expect(brands.isDisjoint(with: others))
        try await seeded.database.close()
    }
}
