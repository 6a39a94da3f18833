import Foundation
@testable import Insights
import Semantic
import Testing
import Visualization
import Warehouse

/// The generator on the seeded itc tenant: digests shaped as promised, evidence that
/// reproduces its numbers, territories kept apart, settings honoured.
@Suite("InsightGenerator on itc")
struct InsightGeneratorTests {
    static let territoryMembers: Set<String> = [
        "Customers.city", "Customers.state", "Customers.zone", "Accounts.city", "Accounts.state", "Accounts.zone",
    ]

    @Test("every recipient gets at most top N ranked, well-formed insights; the NSM gets exactly five")
    func digestShape() async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let settings = InsightSettings()
        #expect(tenant.recipients.count >= 4)
        #expect(Set(tenant.recipients.compactMap(\.hierarchyRole)) == ["NSM", "ZSM", "ASM", "SO"])
        for recipient in tenant.recipients {
            let insights = try #require(tenant.insights[recipient.id], "no digest for \(recipient.id)")
            #expect(insights.count <= settings.topN, "\(recipient.id)")
            #expect(insights.map(\.priority) == insights.map(\.priority).sorted(by: >), "\(recipient.id)")
            #expect(Set(insights.map(\.id)).count == insights.count, "\(recipient.id): duplicate ids")
            for (type, ofType) in Dictionary(grouping: insights, by: \.type) {
                #expect(ofType.count <= settings.maximumPerType, "\(recipient.id): \(ofType.count) × \(type)")
            }
            for insight in insights {
                #expect(!insight.title.isEmpty && !insight.text.isEmpty && !insight.followUpQuestion.isEmpty, "\(insight.id)")
                #expect((0...100).contains(insight.priority), "\(insight.id)")
                #expect(!insight.chart.data.labels.isEmpty, "\(insight.id)")
                #expect(!insight.chart.data.datasets.isEmpty, "\(insight.id)")
                for dataset in insight.chart.data.datasets {
                    #expect(dataset.data.count == insight.chart.data.labels.count, "\(insight.id): \(dataset.label)")
                }
                #expect(insight.periodStart <= insight.periodEnd, "\(insight.id)")
                #expect(insight.periodEnd <= InsightTenant.asOf.description, "\(insight.id)")
                #expect(!insight.evidence.values.isEmpty, "\(insight.id)")
            }
        }
        let nsm = try tenant.recipient("NSM")
        #expect(nsm.territory == nil)
        #expect(tenant.insights[nsm.id]?.count == settings.topN)
    }

    // MARK: Evidence

    /// The totals the evidence query returns for each of `ranges`: the rows whose days lie in
    /// the range, summed (for a distinct count, whose rows do not add up, the query's measure
    /// and filters run once per range).
    static func totals(
        of measure: String, in query: CubeQuery, ranges: [(from: SQLDate, to: SQLDate)], in tenant: InsightTenant.Loaded
    ) async throws -> [Double] {
        try await groupedTotals(of: measure, by: nil, in: query, ranges: ranges, in: tenant)[""]
            ?? [Double](repeating: 0, count: ranges.count)
    }

    /// ``totals(of:in:ranges:in:)`` per value of the dimension `member` (`""` without one).
    static func groupedTotals(
        of measure: String, by member: String?, in query: CubeQuery, ranges: [(from: SQLDate, to: SQLDate)],
        in tenant: InsightTenant.Loaded
    ) async throws -> [String: [Double]] {
        /// The row's name, with `#id` when the query also reads the outlet's or distributor's
        /// id (names repeat: the values quoted carry the id as their key).
        func key(_ row: [Value], _ compiled: CompiledQuery) throws -> String {
            guard let member else { return "" }
            let column = try #require(compiled.columns.firstIndex { $0.member == member })
            let name = row[column].stringValue ?? row[column].description
            guard let id = compiled.columns.firstIndex(where: { ["Customers.customerId", "Accounts.accountId"].contains($0.member) })
            else { return name }
            return "\(name)#\(row[id].description)"
        }
        var totals: [String: [Double]] = [:]
        let parts = measure.split(separator: ".").map(String.init)
        let type = try #require(tenant.model.cubes[parts[0]]?.measure(parts[1])?.type, "\(measure)")
        if type != .sum && type != .count {
            // A distinct count's rows do not add up: the same query (measure, filters) once per
            // range, without granularity.
            for (index, range) in ranges.enumerated() {
                var single = query
                single.timeDimensions = query.timeDimensions.map { entry in
                    CubeQuery.TimeDimension(
                        dimension: entry.dimension, dateRange: .absolute(range.from.description, range.to.description))
                }
                let (compiled, result) = try await tenant.run(single)
                let column = try #require(compiled.columns.firstIndex { $0.member == measure })
                for row in result.rows {
                    totals[try key(row, compiled), default: [Double](repeating: 0, count: ranges.count)][index] +=
                        row[column].doubleValue ?? 0
                }
            }
            return totals
        }
        let (compiled, result) = try await tenant.run(query)
        #expect(result.rows.count < query.limit ?? QueryCompiler.defaultLimit, "the rows of \(query) were cut at the limit")
        let column = try #require(compiled.columns.firstIndex { $0.member == measure })
        guard let time = compiled.columns.firstIndex(where: { if case .timeDimension = $0.kind { true } else { false } }) else {
            // No granularity: the query's range must be the one range asked about.
            let range = try #require(ranges.count == 1 ? ranges[0] : nil)
            #expect(
                query.timeDimensions.first?.dateRange == .absolute(range.from.description, range.to.description),
                "\(query) is not over \(range.from)…\(range.to)")
            for row in result.rows { totals[try key(row, compiled), default: [0]][0] += row[column].doubleValue ?? 0 }
            return totals
        }
        guard case .timeDimension(let granularity) = compiled.columns[time].kind,
            case .absolute(let first, let last)? = query.timeDimensions.first?.dateRange,
            let queryFrom = SQLDate(iso: first), let queryTo = SQLDate(iso: last)
        else { throw FixtureError("\(query) has no day, week or month over a fixed range") }
        // A row counts towards a range when the days it holds (its bucket within the query's
        // range) lie in it; a row holding days both in and out of a range cannot be split.
        for row in result.rows {
            let start = try #require(InsightTenant.date(row[time]))
            let end: SQLDate =
                switch granularity {
                case .week: start.adding(days: 6)
                case .month: start.adding(days: SQLDate.daysIn(month: start.components.month, year: start.components.year) - 1)
                default: start
                }
            let held = (from: max(start, queryFrom), to: min(end, queryTo))
            let group = try key(row, compiled)
            for (index, range) in ranges.enumerated() {
                if held.from >= range.from && held.to <= range.to {
                    totals[group, default: [Double](repeating: 0, count: ranges.count)][index] += row[column].doubleValue ?? 0
                } else if held.from <= range.to && held.to >= range.from {
                    Issue.record("a \(granularity) row of \(held.from)…\(held.to) straddles \(range.from)…\(range.to): \(query)")
                }
            }
        }
        return totals
    }

    static func expectClose(_ actual: Double, _ expected: Double, _ what: String) {
        #expect(abs(actual - expected) <= 0.01 * max(abs(expected), 1), "\(what): query \(actual), evidence \(expected)")
    }

    /// The measure behind each metric a period change names.
    static let metricMeasures = [
        "net sales": "Transactions.netSales", "volume": "Transactions.totalQuantity",
        "buying outlets": "Transactions.uniqueCustomers",
    ]

    /// Checks every "<metric>, <current period>" and "<metric>, <previous period>" pair of a
    /// period-change insight (merged ones carry several) against its query.
    static func checkPeriodChange(_ insight: Insight, in tenant: InsightTenant.Loaded) async throws {
        let parts = insight.id.split(separator: ":").map(String.init)
        let key = parts[parts.count - 2]
        let periods = try #require(ComparedPeriods.all(asOf: InsightTenant.asOf).first { $0.key == key }, "\(insight.id)")
        let values = insight.evidence.values
        let query = insight.evidence.query
        try #require(values.count >= 2)
        #expect(values[0].name.hasSuffix(", \(periods.currentName)"), "\(insight.id): \(values[0].name)")
        var checked = 0
        for (index, value) in values.enumerated() where value.name.hasSuffix(", \(periods.currentName)") {
            let metric = String(value.name.dropLast(periods.currentName.count + 2))
            let measure = try #require(metricMeasures[metric], "\(insight.id): \(value.name)")
            #expect(query.measures.contains(measure), "\(insight.id) quotes \(metric) but its query lacks \(measure)")
            guard query.measures.contains(measure) else { continue }
            try #require(index + 1 < values.count)
            #expect(values[index + 1].name == "\(metric), \(periods.previousName)", "\(insight.id)")
            let totals = try await totals(of: measure, in: query, ranges: [periods.current, periods.previous], in: tenant)
            expectClose(totals[0], value.value, "\(insight.id) \(metric) current")
            expectClose(totals[1], values[index + 1].value, "\(insight.id) \(metric) previous")
            checked += 1
        }
        #expect(checked >= 1, "\(insight.id)")
    }

    @Test("period-change evidence queries return the quoted numbers at every level", arguments: ["NSM", "ZSM", "ASM", "SO"])
    func periodChangeEvidence(level: String) async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let recipient = try tenant.recipient(level)
        let changes = try await tenant.findings(for: recipient.territory).map(\.insight).filter { $0.type == .periodChange }
        // Net sales is always reported, week over week and month over month.
        #expect(changes.count >= 2, "\(level)")
        for insight in changes { try await Self.checkPeriodChange(insight, in: tenant) }
        for insight in tenant.insights[recipient.id] ?? [] where insight.type == .periodChange {
            try await Self.checkPeriodChange(insight, in: tenant)
        }
    }

    /// Territories one of each level above the city, and every zone and state: where days,
    /// trends and build-ups are found.
    static func territories(_ tenant: InsightTenant.Loaded) -> [RecipientTerritory?] {
        var seen: Set<RecipientTerritory?> = []
        return tenant.recipients.map(\.territory).filter { $0?.level != "City" && seen.insert($0).inserted }
    }

    @Test("unusual days, trends, records and build-ups: their query returns the day, week or weeks quoted")
    func patternEvidence() async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let asOf = InsightTenant.asOf
        let week = (from: asOf.adding(days: -6), to: asOf)
        // Looser than the defaults, so that every kind turns up somewhere.
        let settings = InsightSettings(unusualDaySigma: 1.5, trendWeeklyPercent: 1, trendMinimumFit: 0.5, stockBuildUpRatio: 1.2)
        var kinds: Set<InsightType> = []
        for territory in Self.territories(tenant) {
            for insight in try await tenant.findings(for: territory, settings: settings).map(\.insight) {
                let query = insight.evidence.query
                let measure = try #require(query.measures.first)
                func value(_ name: String) throws -> Double {
                    try #require(insight.evidence.values.first { $0.name == name }, "\(insight.id): no \(name)").value
                }
                switch insight.type {
                case .unusualDay:
                    let totals = try await Self.totals(of: measure, in: query, ranges: [(asOf, asOf)], in: tenant)
                    Self.expectClose(totals[0], try value("net sales on \(asOf)"), insight.id)
                case .trendChange, .record:
                    let totals = try await Self.totals(of: measure, in: query, ranges: [week], in: tenant)
                    Self.expectClose(totals[0], try value("net sales, latest week"), insight.id)
                case .stockBuildUp:
                    let from = try #require(SQLDate(iso: insight.periodStart))
                    let totals = try await Self.totals(of: measure, in: query, ranges: [(from, asOf)], in: tenant)
                    Self.expectClose(totals[0], try value("primary quantity, \(settings.stockBuildUpWeeks) weeks"), insight.id)
                default:
                    continue
                }
                kinds.insert(insight.type)
            }
        }
        #expect(kinds.isSuperset(of: [.unusualDay, .trendChange, .stockBuildUp]), "\(kinds)")
    }

    @Test("a zone's or state's brands are judged for trends over both spans a trend compares")
    func boundedBrandTrends() async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let asOf = InsightTenant.asOf
        let settings = InsightSettings(trendWeeklyPercent: 1, trendMinimumFit: 0.5)
        let data = try await InsightDataset.fetch(
            model: tenant.model, database: tenant.database, asOf: asOf, windows: .digest(asOf: asOf, settings: settings))
        var brandTrends: [String] = []
        for territory in Self.territories(tenant) where territory != nil {
            let context = DetectionContext(
                view: ScopeView(data: data, territory: territory), settings: settings, asOf: asOf, tenantName: "itc",
                restrict: { $0 }, upIsGood: { _ in true })
            let patterns = PatternDetectors(context: context)
            let brands = patterns.dailySeries().filter { $0.kind == "Brand" }
            #expect(!brands.isEmpty, "\(territory!)")
            for brand in brands {
                #expect(patterns.weeklyTotals(brand, weeks: 2 * settings.trendWeeks) != nil, "\(territory!): \(brand.name)")
            }
            brandTrends += patterns.trendChanges().map(\.insight).filter { $0.subject.hasPrefix("Brand:") }.map { "\(territory!) \($0.subject)" }
        }
        // With the looser thresholds some zone or state has a brand trend (none could before
        // a bounded territory's brand window held twelve weeks).
        #expect(!brandTrends.isEmpty)
    }

    @Test("an international tenant's sentences write money in thousands and millions, the same findings otherwise")
    func internationalNumbers() async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let nsm = try tenant.recipient("NSM")
        let indian = try #require(tenant.insights[nsm.id])
        let generator = InsightGenerator(
            model: tenant.model, database: tenant.database, tenantName: "ITC Limited", numberFormat: .international)
        let international = try #require(try await generator.insights(for: [nsm], asOf: InsightTenant.asOf)[nsm.id])
        #expect(international.map(\.id) == indian.map(\.id))
        let indianText = indian.map(\.text).joined(separator: " ")
        let internationalText = international.map(\.text).joined(separator: " ")
        #expect(indianText.contains(/₹[0-9.,]+ (L|Cr)/))
        #expect(!internationalText.contains(/₹[0-9.,]+ (L|Cr)/), "\(internationalText)")
        #expect(internationalText.contains(/₹[0-9.,]+(K|M)/), "\(internationalText)")
    }

    @Test("change drivers and leaders: their query returns each change quoted", arguments: ["NSM", "ZSM", "ASM", "SO"])
    func driverEvidence(level: String) async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let recipient = try tenant.recipient(level)
        let all = try await tenant.findings(for: recipient.territory).map(\.insight)
        var checked = 0
        for insight in all where [.changeDrivers, .leadersAndLaggards].contains(insight.type) {
            let query = insight.evidence.query
            let parts = insight.id.split(separator: ":").map(String.init)
            let key = insight.type == .leadersAndLaggards ? "mom" : parts[parts.count - 2]
            let periods = try #require(ComparedPeriods.all(asOf: InsightTenant.asOf).first { $0.key == key }, "\(insight.id)")
            let member = try #require(query.dimensions.first, "\(insight.id)")
            let totals = try await Self.groupedTotals(
                of: "Transactions.netSales", by: member, in: query, ranges: [periods.current, periods.previous], in: tenant)
            // The insight's own group: its values up to the total (merged groups follow).
            for value in insight.evidence.values {
                if value.name == "total change in net sales" {
                    if member == "Products.brand" {
                        let total = totals.values.reduce(0) { $0 + $1[0] - $1[1] }
                        Self.expectClose(total, value.value, "\(insight.id): total")
                    }
                    break
                }
                let name = String(value.name.prefix { $0 != "," })
                let pair = try #require(totals[value.key.map { "\(name)#\($0)" } ?? name], "\(insight.id): no row for \(name)")
                let quoted =
                    insight.type == .leadersAndLaggards ? (pair[0] - pair[1]) / pair[1] * 100 : pair[0] - pair[1]
                if member == "Accounts.accountName" { #expect(value.key != nil, "\(insight.id): \(name) has no id") }
                Self.expectClose(quoted, value.value, "\(insight.id): \(name)")
                checked += 1
            }
        }
        #expect(checked > 0, "no driver or leader for \(level)")
    }

    @Test("new outlets and concentration: their query returns each outlet's sales and share", arguments: ["NSM", "ZSM", "ASM", "SO"])
    func outletEvidence(level: String) async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let asOf = InsightTenant.asOf
        // Thresholds low enough that most territories have some.
        let settings = InsightSettings(outletConcentrationShare: 0.05, distributorConcentrationShare: 0.05)
        // The sample has outlets and distributors sharing a name: the ids must keep them apart.
        #expect(!tenant.sharedNames.isEmpty)
        var checked = 0
        for recipient in tenant.recipients where recipient.hierarchyRole == level && checked == 0 {
            for insight in try await tenant.findings(for: recipient.territory, settings: settings).map(\.insight)
            where [.newOutlets, .concentrationRisk].contains(insight.type) {
                let query = insight.evidence.query
                let member = try #require(query.dimensions.first)
                let from = try #require(SQLDate(iso: insight.periodStart))
                let totals = try await Self.groupedTotals(of: "Transactions.netSales", by: member, in: query, ranges: [(from, asOf)], in: tenant)
                let positive = totals.values.map { $0[0] }.filter { $0 > 0 }.reduce(0, +)
                for value in insight.evidence.values {
                    let name = String(value.name.prefix { $0 != "," })
                    #expect(value.key != nil, "\(insight.id): \(name) has no id")
                    let sales = try #require(totals[value.key.map { "\(name)#\($0)" } ?? name]?[0], "\(insight.id): no row for \(name)")
                    let quoted = insight.type == .newOutlets ? sales : sales / positive
                    Self.expectClose(quoted, value.value, "\(insight.id): \(name)")
                    checked += 1
                }
            }
        }
        #expect(checked > 0, "no new outlets or concentration for \(level)")
    }

    @Test("a hand-written Cube query with the territory's filter agrees with the net sales evidence")
    func netSalesAgainstOwnQuery() async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let so = try tenant.recipient("SO")
        let city = try #require(so.territory?.name)
        let findings = try await tenant.findings(for: so.territory).map(\.insight)
        for periods in ComparedPeriods.all(asOf: InsightTenant.asOf) {
            let insight = try #require(
                findings.first { $0.type == .periodChange && $0.id.hasSuffix("Transactions.netSales:\(periods.key):2026-06-30") })
            for (index, range) in [periods.current, periods.previous].enumerated() {
                let (_, result) = try await tenant.run(
                    CubeQuery(
                        measures: ["Transactions.netSales"],
                        timeDimensions: [
                            .init(dimension: "Transactions.transactionDate", dateRange: .absolute(range.from.description, range.to.description))
                        ],
                        filters: [.member("Customers.city", .equals, [city])]))
                Self.expectClose(result.rows.first?.first?.doubleValue ?? 0, insight.evidence.values[index].value, "\(insight.id) \(index)")
            }
        }
    }

    @Test("leaders and laggards name the level in the plural: a state's cities, a zone's states")
    func leadersPlural() async throws {
        let tenant = try await InsightTenant.shared.loaded()
        var seen: Set<String> = []
        for level in ["ZSM", "ASM"] {
            for recipient in tenant.recipients where recipient.hierarchyRole == level {
                let found = try await tenant.findings(for: recipient.territory).map(\.insight)
                guard let insight = found.first(where: { $0.type == .leadersAndLaggards }) else { continue }
                let plural = level == "ZSM" ? "states" : "cities"
                #expect(insight.text.contains("'s \(plural) at "), "\(insight.text)")
                seen.insert(level)
                break
            }
        }
        #expect(seen == ["ZSM", "ASM"])
    }

    // MARK: Row-level scoping

    /// The territory members a query filters on with `equals`, and their values.
    static func territoryFilters(_ query: CubeQuery) -> [(member: String, values: [String])] {
        func flatten(_ filter: CubeQuery.Filter) -> [(String, [String])] {
            switch filter {
            case .member(let member, .equals, let values) where territoryMembers.contains(member): [(member, values)]
            case .member: []
            case .and(let items): items.flatMap(flatten)
            case .or: []
            }
        }
        return query.filters.flatMap(flatten)
    }

    @Test("an SO's evidence queries are narrowed to their city")
    func cityScoping() async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let so = try tenant.recipient("SO")
        let city = try #require(so.territory?.name)
        #expect(so.territory?.level == "City")
        let all = try await tenant.findings(for: so.territory).map(\.insight) + (tenant.insights[so.id] ?? [])
        #expect(!all.isEmpty)
        for insight in all {
            let query = insight.evidence.query
            let primary = query.measures.contains { $0.hasPrefix("PrimarySales.") }
            let member = primary ? "Accounts.city" : "Customers.city"
            #expect(
                Self.territoryFilters(query).contains { $0.member == member && $0.values == [city] },
                "\(insight.id) lacks \(member) = \(city): \(query.filters)")
        }
    }

    @Test("the NSM's evidence queries carry no territory filter beyond the state, zone or distributor an insight is about")
    func nationalScoping() async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let nsm = try tenant.recipient("NSM")
        let all = try await tenant.findings(for: nil).map(\.insight) + (tenant.insights[nsm.id] ?? [])
        #expect(!all.isEmpty)
        for insight in all {
            for filter in Self.territoryFilters(insight.evidence.query) {
                // A distributor is named by its name and city (names repeat across cities).
                if insight.subject.hasPrefix("Distributor:"), filter.member == "Accounts.city",
                    let account = tenant.accounts.first(where: { "Distributor:\($0.name)" == insight.subject && [$0.city] == filter.values }),
                    insight.evidence.query.filters.contains(.member("Accounts.accountName", .equals, [account.name]))
                {
                    continue
                }
                let level = filter.member.hasSuffix(".state") ? "State" : filter.member.hasSuffix(".zone") ? "Zone" : "City"
                #expect(
                    filter.values.count == 1 && insight.subject == "\(level):\(filter.values[0])",
                    "\(insight.id): \(filter.member) = \(filter.values) added for the whole tenant")
            }
        }
    }

    @Test("an SO's outlet insights name only outlets of their city, on every day of the last eight weeks, with true sales")
    func outletsStayInTheirCity() async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let rows = try await tenant.database.query("SELECT customer_name, city FROM dim_customer", [])
        #expect(!rows.rows.isEmpty)
        var citiesOf: [String: Set<String>] = [:]
        for row in rows.rows {
            citiesOf[row[0].stringValue ?? "", default: []].insert(row[1].stringValue ?? "")
        }
        // Outlets lapse or start on few days: judge each day of eight weeks, on data read once.
        let asOf = InsightTenant.asOf
        let data = try await InsightDataset.fetch(
            model: tenant.model, database: tenant.database, asOf: asOf, windows: .all(from: asOf.adding(days: -399), to: asOf))
        let generator = tenant.generator()
        var checked = 0
        var lapsedChecked = 0
        for so in tenant.recipients where so.hierarchyRole == "SO" {
            let territory = try #require(so.territory)
            let city = territory.name
            let view = ScopeView(data: data, territory: territory)
            for back in 0..<56 {
                let day = asOf.adding(days: -back)
                let context = DetectionContext(
                    view: view, settings: generator.settings, asOf: day, tenantName: generator.tenantName,
                    restrict: { query in
                        (try? RowLevelSecurity.salesTerritories.restrict(query, to: territory.territory, in: tenant.model)) ?? query
                    },
                    upIsGood: { _ in true })
                let detectors = OutletDetectors(context: context)
                for finding in detectors.lapsedOutlets() + detectors.newOutlets() {
                    let insight = finding.insight
                    for value in insight.evidence.values {
                        let name = String(value.name.prefix { $0 != "," })
                        #expect(citiesOf[name]?.contains(city) == true, "\(insight.id): \(name) is not in \(city)")
                        checked += 1
                    }
                    for signal in finding.signals { #expect(signal.place == city, "\(insight.id): \(signal.name)") }
                    #expect(Self.territoryFilters(insight.evidence.query).contains { $0.member == "Customers.city" && $0.values == [city] })
                    // Each lapsed outlet's sales in the 8 weeks to its last order come back from the query.
                    for signal in finding.signals where insight.type == .lapsedOutlets && lapsedChecked < 40 {
                        let last = try #require(SQLDate(iso: signal.date))
                        let totals = try await Self.groupedTotals(
                            of: "Transactions.netSales", by: "Customers.customerName", in: insight.evidence.query,
                            ranges: [(last.adding(days: -55), last)], in: tenant)
                        let quoted = try #require(
                            insight.evidence.values.first { $0.name == "\(signal.name), net sales in the 8 weeks before" })
                        let row = quoted.key.map { "\(signal.name)#\($0)" } ?? signal.name
                        Self.expectClose(totals[row]?[0] ?? 0, quoted.value, "\(insight.id): \(signal.name)")
                        lapsedChecked += 1
                    }
                }
            }
        }
        #expect(checked > 0, "no lapsed or new outlet in any SO's city in eight weeks")
        #expect(lapsedChecked > 0, "no lapsed outlet in any SO's city in eight weeks")
    }

    @Test("a territory's insights equal those of a recipient of that territory", arguments: ["NSM", "ZSM", "ASM", "SO"])
    func territoryEqualsRecipient(level: String) async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let recipient = try tenant.recipient(level)
        let generator = tenant.generator()
        let byTerritory = try await generator.insights(for: recipient.territory, asOf: InsightTenant.asOf)
        let byRecipient = try await generator.insights(for: [recipient], asOf: InsightTenant.asOf)[recipient.id]
        #expect(!byTerritory.isEmpty)
        try Self.expectSame(byRecipient ?? [], byTerritory)
        try Self.expectSame(tenant.insights[recipient.id] ?? [], byTerritory)
    }

    /// The same insights from two runs. Each run reads the rows afresh, unordered, and adds
    /// them up in the order read, so sums may differ in the last bits (a relative 1e-9); all
    /// else must be identical.
    static func expectSame(_ a: [Insight], _ b: [Insight]) throws {
        func close(_ x: Double?, _ y: Double?) -> Bool {
            guard let x, let y else { return x == nil && y == nil }
            return abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1)
        }
        try #require(a.map(\.id) == b.map(\.id))
        for (x, y) in zip(a, b) {
            var xFixed = x
            var yFixed = y
            // Compare the numbers apart, then everything else exactly.
            xFixed.priority = 0
            yFixed.priority = 0
            xFixed.evidence.values = x.evidence.values.map { .init(name: $0.name, value: 0) }
            yFixed.evidence.values = y.evidence.values.map { .init(name: $0.name, value: 0) }
            xFixed.chart.data.datasets = x.chart.data.datasets.map { .init(label: $0.label, data: []) }
            yFixed.chart.data.datasets = y.chart.data.datasets.map { .init(label: $0.label, data: []) }
            #expect(xFixed == yFixed, "\(x.id)")
            #expect(close(x.priority, y.priority), "\(x.id): priority \(x.priority) against \(y.priority)")
            #expect(x.evidence.values.count == y.evidence.values.count, "\(x.id)")
            for (u, v) in zip(x.evidence.values, y.evidence.values) {
                #expect(close(u.value, v.value), "\(x.id): \(u.name) \(u.value) against \(v.value)")
            }
            for (u, v) in zip(x.chart.data.datasets, y.chart.data.datasets) {
                #expect(u.data.count == v.data.count && zip(u.data, v.data).allSatisfy { close($0, $1) }, "\(x.id): \(u.label)")
            }
        }
    }

    // MARK: Settings

    @Test("top N of 3 keeps three")
    func topThree() async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let insights = try await tenant.generator(settings: InsightSettings(topN: 3)).insights(
            for: tenant.recipients, asOf: InsightTenant.asOf)
        let nsm = try tenant.recipient("NSM")
        #expect(insights[nsm.id]?.count == 3)
        // The same ranking, cut shorter.
        #expect(insights[nsm.id].map { $0.map(\.id) } == tenant.insights[nsm.id].map { Array($0.prefix(3)).map(\.id) })
        for recipient in tenant.recipients { #expect((insights[recipient.id]?.count ?? 0) <= 3, "\(recipient.id)") }
    }

    @Test("a 50-sigma threshold finds no unusual day, a 1-sigma one finds some")
    func unusualDaySigma() async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let strict = try await tenant.generator(settings: InsightSettings(unusualDaySigma: 50)).insights(
            for: tenant.recipients, asOf: InsightTenant.asOf)
        #expect(strict.count == tenant.recipients.count)
        #expect(strict.values.allSatisfy { $0.allSatisfy { $0.type != .unusualDay } })
        let strictFindings = try await tenant.findings(for: nil, settings: InsightSettings(unusualDaySigma: 50))
        #expect(!strictFindings.contains { $0.insight.type == .unusualDay })
        let loose = try await tenant.findings(for: nil, settings: InsightSettings(unusualDaySigma: 1))
        #expect(loose.contains { $0.insight.type == .unusualDay })
    }

    @Test("mean/SD and robust baselines both judge days, each naming its method", arguments: [
        InsightSettings.Baseline.meanStandardDeviation, .robust,
    ])
    func baselines(baseline: InsightSettings.Baseline) async throws {
        let tenant = try await InsightTenant.shared.loaded()
        let settings = InsightSettings(unusualDaySigma: 1, unusualDayBaseline: baseline)
        let insights = try await tenant.generator(settings: settings).insights(for: tenant.recipients, asOf: InsightTenant.asOf)
        #expect(insights.count == tenant.recipients.count)
        #expect(insights.values.allSatisfy { !$0.isEmpty })
        let days = try await tenant.findings(for: nil, settings: settings).map(\.insight).filter { $0.type == .unusualDay }
        #expect(!days.isEmpty)
        for insight in days {
            let robust = insight.text.contains("robust standard deviations")
            #expect(robust == (baseline == .robust), "\(insight.text)")
            let deviations = try #require(insight.evidence.values.first { $0.name == "deviations" }?.value)
            #expect(abs(deviations) >= 1)
        }
    }
}

extension InsightTenant {
    /// A time bucket's day.
    static func date(_ value: Value) -> SQLDate? {
        switch value {
        case .date(let date): date
        case .timestamp(let timestamp): timestamp.date
        case .string(let text): SQLDate(iso: text.prefix(10))
        default: nil
        }
    }
}
