import Foundation
import Semantic
import Testing
import Warehouse

/// Row-level security in the compiler: which cubes' rules apply, the SQL it writes per
/// dialect, decoding from the configuration, and on real DuckDB data that a restricted query
/// returns exactly what the same query with the filter written by hand returns.
@Suite("Row-level security")
struct RowLevelSecurityTests {
    static let rules = RowLevelSecurity.salesTerritories
    static let mumbai = Territory(level: "City", name: "Mumbai")
    static let asOf = SQLDate(iso: QueryTable.asOf)!

    static func restricted(_ json: String, to territory: Territory) throws -> CubeQuery {
        try rules.restrict(try QueryTable.query(json), to: territory, in: try shippedQueryModel())
    }

    /// The filters restriction added to the query written as `json`.
    static func addedFilters(_ json: String, to territory: Territory) throws -> [CubeQuery.Filter] {
        let query = try QueryTable.query(json)
        let restricted = try rules.restrict(query, to: territory, in: try shippedQueryModel())
        #expect(Array(restricted.filters.prefix(query.filters.count)) == query.filters)
        return Array(restricted.filters.dropFirst(query.filters.count))
    }

    // MARK: Compiled SQL

    @Test(arguments: SQLDialect.allCases)
    func goldenSQLForCityRestriction(_ dialect: SQLDialect) throws {
        let compiler = QueryCompiler(
            model: try shippedQueryModel(), dialect: dialect,
            restriction: RowLevelRestriction(rules: Self.rules, territory: Self.mumbai))
        let compiled = try compiler.compile(
            try QueryTable.query(#"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"]}"#), asOf: Self.asOf)
        #expect(compiled.binds == [.string("Mumbai")])
        #expect(!compiled.sql.contains("Mumbai"))
        try GoldenSQLTests.expectGolden(compiled, name: "rls_city_mumbai", dialect: dialect)
    }

    @Test func totalSQLAndComparedQueriesCarryTheFilter() throws {
        let compiler = QueryCompiler(
            model: try shippedQueryModel(), dialect: .duckdb,
            restriction: RowLevelRestriction(rules: Self.rules, territory: Territory(level: "Zone", name: "West")))
        let total = try compiler.compile(
            try QueryTable.query(#"{"measures":["Transactions.netSales"],"dimensions":["Customers.state"],"total":true}"#),
            asOf: Self.asOf)
        #expect(total.sql.contains(#"WHERE "Customers".zone = ?"#))
        #expect(try #require(total.totalSQL).contains(#"WHERE "Customers".zone = ?"#))
        #expect(total.binds == [.string("West")])

        let compared = try QueryTable.query(
            #"{"measures":["Transactions.netSales"],"timeDimensions":[{"dimension":"Transactions.transactionDate","compareDateRange":["this month","last month"]}]}"#)
        for single in compared.comparedQueries() {
            let compiled = try compiler.compile(single, asOf: Self.asOf)
            #expect(compiled.sql.contains(#""Customers".zone = ?"#))
            #expect(compiled.binds.last == .string("West"))
        }
    }

    @Test func unrestrictedCompilerIsUnchanged() throws {
        let query = try QueryTable.query(#"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"]}"#)
        let model = try shippedQueryModel()
        let plain = try QueryCompiler(model: model, dialect: .duckdb).compile(query, asOf: Self.asOf)
        let national = try QueryCompiler(
            model: model, dialect: .duckdb,
            restriction: RowLevelRestriction(rules: Self.rules, territory: Territory(level: "National", name: "India"))
        ).compile(query, asOf: Self.asOf)
        #expect(plain == national)
        #expect(plain.binds.isEmpty)
    }

    // MARK: Rule selection

    @Test func measureCubeWinsOverDimensionCubes() throws {
        let added = try Self.addedFilters(
            #"{"measures":["Transactions.netSales"],"dimensions":["Accounts.accountName"]}"#, to: Self.mumbai)
        #expect(added == [.member("Customers.city", .equals, ["Mumbai"])])
    }

    @Test func dimensionOnlyQueryOnAccountsGetsTheAccountsFilter() throws {
        let added = try Self.addedFilters(
            #"{"dimensions":["Accounts.accountName","Products.brand"]}"#, to: Territory(level: "State", name: "Maharashtra"))
        #expect(added == [.member("Accounts.state", .equals, ["Maharashtra"])])
    }

    @Test func unrestrictedMeasureCubeFallsBackToTheOtherMembers() throws {
        // Products has no rule, so the cubes of the filter and segment members decide.
        let added = try Self.addedFilters(
            #"{"measures":["Products.count"],"segments":["Customers.modernTrade"],"filters":[{"or":[{"member":"Accounts.zone","operator":"equals","values":["North"]}]}]}"#,
            to: Territory(level: "Zone", name: "West"))
        #expect(added == [.member("Customers.zone", .equals, ["West"]), .member("Accounts.zone", .equals, ["West"])])
    }

    @Test func severalMeasureCubesGetEveryFilter() throws {
        let added = try Self.addedFilters(
            #"{"measures":["Transactions.netSales","PrimarySales.netAmount","Customers.count"]}"#, to: Self.mumbai)
        #expect(added == [.member("Customers.city", .equals, ["Mumbai"]), .member("Accounts.city", .equals, ["Mumbai"])])
    }

    @Test func viewMembersUseTheirUnderlyingCube() throws {
        let added = try Self.addedFilters(#"{"measures":["sales_overview.netSales"]}"#, to: Self.mumbai)
        #expect(added == [.member("Customers.city", .equals, ["Mumbai"])])
    }

    @Test func queriesWithoutRestrictedCubesAreUnchanged() throws {
        for json in [
            #"{"measures":["Products.count"],"dimensions":["Products.brand"]}"#,
            #"{"dimensions":["Dates.monthName"]}"#,
            #"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"]}"#,
        ] {
            let query = try QueryTable.query(json)
            let territory = json.contains("Transactions") ? Territory(level: "National", name: "India") : Self.mumbai
            #expect(try Self.restricted(json, to: territory) == query, "\(json)")
        }
    }

    @Test func missingLevelIsDenied() throws {
        let rules = RowLevelSecurity(roles: ["sales_rep"], cubes: ["Transactions": ["City": "Customers.city"]])
        let query = try QueryTable.query(#"{"measures":["Transactions.count"]}"#)
        let error = try #require(throws: SemanticError.self) {
            try rules.restrict(query, to: Territory(level: "Zone", name: "West"))
        }
        #expect(error.code == .accessDenied)
        #expect(error.description.contains("Transactions") && error.description.contains("Zone"))
        // An unknown level fails closed too, and so does the compiler.
        let compiler = QueryCompiler(
            model: try shippedQueryModel(), dialect: .duckdb,
            restriction: RowLevelRestriction(rules: Self.rules, territory: Territory(level: "Country", name: "India")))
        let compileError = try #require(throws: SemanticError.self) { try compiler.compile(query, asOf: Self.asOf) }
        #expect(compileError.code == .accessDenied)
        // A query that touches no restricted cube needs no rule for the level.
        #expect(try rules.restrict(try QueryTable.query(#"{"dimensions":["Products.brand"]}"#), to: Territory(level: "Zone", name: "West")).filters.isEmpty)
    }

    @Test func validateCatchesBadRules() throws {
        let model = try shippedQueryModel()
        try RowLevelSecurity.salesTerritories.validate(against: model)
        func failure(_ cubes: [String: [String: String]]) -> String? {
            do {
                try RowLevelSecurity(roles: ["sales_rep"], cubes: cubes).validate(against: model)
                return nil
            } catch {
                return "\(error)"
            }
        }
        #expect(failure(["Transactions": ["City": "Customers.cty"]])?.contains("Customers.cty") == true)
        #expect(failure(["Transactions": ["City": "Customers"]])?.contains("Customers") == true)
        #expect(failure(["Transactions": ["City": "Transactions.netSales"]])?.contains("Transactions.netSales") == true)
        #expect(failure(["Sales": ["City": "Customers.city"]])?.contains("Sales") == true)
        #expect(failure(["PrimarySales": ["City": "Customers.city"]])?.contains("cannot reach") == true)
        #expect(failure(["Transactions": ["Country": "Customers.city"]])?.contains("Country") == true)
        #expect(failure(["Transactions": ["National": "Customers.city"]])?.contains("National") == true)
    }

    // MARK: Configuration

    @Test func decodesFromConfigurationYAML() throws {
        let yaml = """
            server:
              port: 8080
            row_level_security:
              roles: [sales_rep, manager]
              cubes:
                Transactions: { City: Customers.city, State: Customers.state, Zone: Customers.zone }
                Customers:    { City: Customers.city, State: Customers.state, Zone: Customers.zone }
                PrimarySales: { City: Accounts.city,  State: Accounts.state,  Zone: Accounts.zone }
                Accounts:     { City: Accounts.city,  State: Accounts.state,  Zone: Accounts.zone }
            """
        #expect(try Self.rules(yaml) == .salesTerritories)
        #expect(try Self.rules("server:\n  port: 1\n") == nil)
        #expect(throws: WarehouseError.self) { try Self.rules("row_level_security:\n  roles: sales_rep\n") }
    }

    /// The `row_level_security:` key, read as the server reads its configuration
    /// (ConfigurationFile, with the references of the shipped files filled in).
    static func rules(_ yaml: String) throws -> RowLevelSecurity? {
        struct File: Decodable {
            var rowLevelSecurity: RowLevelSecurity?
            enum CodingKeys: String, CodingKey { case rowLevelSecurity = "row_level_security" }
        }
        let environment = ["CONVAI_JWT_SECRET": "x", "NESTLE_PG_URL": "postgres://h/db", "UNILEVER_MSSQL_URL": "sqlserver://h/db"]
        return try ConfigurationFile.decode(File.self, yaml: yaml, file: "config.yaml", environment: environment).rowLevelSecurity
    }

    @Test(arguments: ["config/convai.yaml", "config/database_config.yaml"])
    func shippedConfigurationHoldsTheShippedRules(_ path: String) throws {
        let text = try String(contentsOf: QueryExecutionTests.root.appendingPathComponent(path), encoding: .utf8)
        #expect(try Self.rules(text) == .salesTerritories)
    }
}

/// Restricted queries on seeded, transformed DuckDB data: each returns exactly what the same
/// query with the territory filter added by hand returns, and what hand-written SQL over the
/// marts returns, and differs from the unrestricted answer.
@Suite("Row-level security on DuckDB data", .serialized)
struct RowLevelSecurityExecutionTests {
    struct Case {
        var name: String
        var json: String
        var territory: Territory
        /// The member the restriction should filter on.
        var member: String
        /// Hand-written SQL with one `?`, the territory name.
        var handWritten: String
    }

    static func cases(city: String, accountState: String, zone: String, customerState: String, otherState: String) -> [Case] {
        let brandSales = #"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"]}"#
        let salesByCustomer = """
            FROM fact_sales_transactions t LEFT JOIN dim_customer c ON c.customer_id = t.customer_id
            LEFT JOIN dim_product p ON p.product_id = t.product_id
            """
        return [
            Case(
                name: "net sales by brand", json: brandSales, territory: Territory(level: "City", name: city),
                member: "Customers.city",
                handWritten: "SELECT p.brand, SUM(t.net_amount) \(salesByCustomer) WHERE c.city = ? GROUP BY p.brand"),
            Case(
                name: "count by month",
                json: #"{"measures":["Transactions.count"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"month"}]}"#,
                territory: Territory(level: "City", name: city), member: "Customers.city",
                handWritten: "SELECT date_trunc('month', t.transaction_date), COUNT(*) \(salesByCustomer) WHERE c.city = ? GROUP BY 1"),
            Case(
                name: "primary sales by brand",
                json: #"{"measures":["PrimarySales.netAmount"],"dimensions":["Products.brand"]}"#,
                territory: Territory(level: "State", name: accountState), member: "Accounts.state",
                handWritten: """
                    SELECT p.brand, SUM(s.net_amount) FROM fact_primary_sales s
                    LEFT JOIN dim_account a ON a.account_id = s.account_id LEFT JOIN dim_product p ON p.product_id = s.product_id
                    WHERE a.state = ? GROUP BY p.brand
                    """),
            Case(
                name: "outlets by type", json: #"{"measures":["Customers.count"],"dimensions":["Customers.customerType"]}"#,
                territory: Territory(level: "Zone", name: zone), member: "Customers.zone",
                handWritten: "SELECT customer_type, COUNT(*) FROM dim_customer WHERE zone = ? GROUP BY customer_type"),
            Case(
                name: "a user filter on another state",
                json: #"{"measures":["Transactions.netSales"],"dimensions":["Products.brand"],"filters":[{"member":"Customers.state","operator":"equals","values":["\#(otherState)"]}]}"#,
                territory: Territory(level: "State", name: customerState), member: "Customers.state",
                handWritten: """
                    SELECT p.brand, SUM(t.net_amount) \(salesByCustomer)
                    WHERE c.state = ? AND c.state = '\(otherState.replacingOccurrences(of: "'", with: "''"))' GROUP BY p.brand
                    """),
        ]
    }

    static func first(_ db: any Database, _ sql: String) async throws -> String {
        guard case .string(let text)? = try await db.query(sql).scalar else {
            throw SemanticError(.invalidQuery, "no value for \(sql)")
        }
        return text
    }

    @Test func restrictedQueriesMatchTheFilterWrittenByHand() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("semantic-rls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try DuckDBDatabase(configuration: .init(path: folder.appendingPathComponent("t.duckdb").path))
        try await EngineEquivalenceTests.build(db)

        // Territories taken from the data: the busiest city, its state, the busiest zone, the
        // state with most distributors, and another state that has customers.
        let city = try await Self.first(db, "SELECT city FROM dim_customer GROUP BY city ORDER BY COUNT(*) DESC, city LIMIT 1")
        let customerState = try await Self.first(
            db, "SELECT MIN(state) FROM dim_customer WHERE city = '\(city.replacingOccurrences(of: "'", with: "''"))'")
        let otherState = try await Self.first(
            db, "SELECT MIN(state) FROM dim_customer WHERE state <> '\(customerState.replacingOccurrences(of: "'", with: "''"))'")
        let zone = try await Self.first(db, "SELECT zone FROM dim_customer GROUP BY zone ORDER BY COUNT(*) DESC, zone LIMIT 1")
        let accountState = try await Self.first(
            db, "SELECT state FROM dim_account GROUP BY state ORDER BY COUNT(*) DESC, state LIMIT 1")

        let model = try shippedQueryModel()
        let plain = QueryCompiler(model: model, dialect: .duckdb)
        let asOf = RowLevelSecurityTests.asOf
        for item in Self.cases(
            city: city, accountState: accountState, zone: zone, customerState: customerState, otherState: otherState)
        {
            let query = try QueryTable.query(item.json)
            let restricting = QueryCompiler(
                model: model, dialect: .duckdb,
                restriction: RowLevelRestriction(rules: .salesTerritories, territory: item.territory))
            let restricted = try restricting.compile(query, asOf: asOf)
            var byHand = query
            byHand.filters.append(.member(item.member, .equals, [item.territory.name]))
            let manual = try plain.compile(byHand, asOf: asOf)
            let unrestricted = try plain.compile(query, asOf: asOf)

            let restrictedRows = QueryExecutionTests.rows(try await db.query(restricted.sql, restricted.binds))
            let manualRows = QueryExecutionTests.rows(try await db.query(manual.sql, manual.binds))
            let handRows = QueryExecutionTests.rows(try await db.query(item.handWritten, [.string(item.territory.name)]))
            let unrestrictedRows = QueryExecutionTests.rows(try await db.query(unrestricted.sql, unrestricted.binds))
            #expect(restrictedRows == manualRows, "\(item.name)\n\(restricted.sql)")
            #expect(restrictedRows == handRows, "\(item.name)\n\(restricted.sql)")
            #expect(restrictedRows != unrestrictedRows, "\(item.name): the restriction changed nothing")
            #expect(!unrestrictedRows.isEmpty, "\(item.name): no data to restrict")
            if !item.json.contains("filters") {
                #expect(!restrictedRows.isEmpty, "\(item.name): \(item.territory) has no data")
            }
        }
        try await db.close()
    }
}
