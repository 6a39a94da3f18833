import Foundation
import Semantic
import Testing
import Warehouse

/// Bad queries fail with a ``SemanticError`` of code `invalid_query` naming the problem.
@Suite("Query compiler errors")
struct QueryErrorTests {
    func compileError(_ json: String) throws -> SemanticError? {
        do {
            let query = try CubeQuery(json: Data(json.utf8))
            _ = try QueryCompiler(model: try shippedQueryModel(), dialect: .duckdb)
                .compile(query, asOf: SQLDate(iso: "2025-06-30")!)
            return nil
        } catch let error as SemanticError {
            return error
        }
    }

    @Test func unknownMember() throws {
        let error = try #require(try compileError(#"{"measures":["Transactions.netSale"]}"#))
        #expect(error.code == .invalidQuery)
        #expect(error.description.contains("Transactions.netSale"))
        #expect(try compileError(#"{"dimensions":["Nope.x"]}"#)?.description.contains("Nope.x") == true)
        #expect(try compileError(#"{"measures":["Transactions.count"],"segments":["Customers.nope"]}"#) != nil)
    }

    /// PostgreSQL refuses a text bind holding U+0000 (a database error, once a 500); it is the
    /// client's error, on every engine and under every operator.
    @Test func nulInAFilterValue() throws {
        for op in ["equals", "notEquals", "contains", "startsWith", "endsWith", "gt", "set"] {
            let query = #"{"dimensions":["Products.brand"],"filters":[{"member":"Products.brand","operator":"\#(op)","values":["a\u0000b"]}]}"#
            let error = try #require(try compileError(query), "\(op)")
            #expect(error.code == .invalidQuery)
            #expect(error.description.contains("NUL"))
        }
    }

    @Test func fanOutNeedsReachableDimensions() throws {
        // Customers.count would be multiplied, and Customers cannot reach Products on its own.
        #expect(try compileError(#"{"measures":["Customers.count","Transactions.count"],"dimensions":["Products.brand"]}"#) != nil)
        #expect(try compileError(#"{"measures":["Customers.count","Transactions.count"],"dimensions":["Customers.zone"],"filters":[{"member":"Transactions.netSales","operator":"gt","values":["1"]}]}"#) != nil)
    }

    @Test func wrongKind() throws {
        #expect(try compileError(#"{"dimensions":["Transactions.netSales"]}"#)?.description.contains("not a dimension") == true)
        #expect(try compileError(#"{"measures":["Products.brand"]}"#)?.description.contains("not a measure") == true)
        #expect(try compileError(#"{"measures":["Transactions.count"],"timeDimensions":[{"dimension":"Products.brand","granularity":"day"}]}"#) != nil)
    }

    @Test func wrongOperator() throws {
        let error = try compileError(
            #"{"measures":["Transactions.count"],"filters":[{"member":"Customers.zone","operator":"like","values":["x"]}]}"#)
        #expect(error?.description.contains("unknown filter operator 'like'") == true)
    }

    @Test func malformedDateRange() throws {
        let td = { (range: String) in
            #"{"measures":["Transactions.count"],"timeDimensions":[{"dimension":"Transactions.transactionDate","dateRange":"# + range + "}]}"
        }
        #expect(try compileError(td(#""last fortnight""#))?.description.contains("cannot parse dateRange") == true)
        #expect(try compileError(td(#"["2025-01-01"]"#)) != nil)
        #expect(try compileError(td(#"["2025-13-01","2025-14-01"]"#)) != nil)
        #expect(try compileError(td(#"["2025-02-01","2025-01-01"]"#)) != nil)
        #expect(try compileError(#"{"measures":["Transactions.count"],"filters":[{"member":"Transactions.transactionDate","operator":"inDateRange","values":["x","y"]}]}"#) != nil)
    }

    @Test func malformedJSON() throws {
        #expect(try compileError("not json")?.code == .invalidQuery)
        #expect(try compileError(#"{"measures":["Transactions.count"],"timeDimensions":[{"dimension":"Transactions.transactionDate","granularity":"fortnight"}]}"#)?.description.contains("fortnight") == true)
        #expect(try compileError(#"{"measures":["Transactions.count"],"filters":[{"member":"Transactions.unitPrice","operator":"gt","values":["ten"]}]}"#)?.description.contains("expected a number") == true)
    }

    @Test func limitAndOrder() throws {
        #expect(try compileError(#"{"measures":["Transactions.count"],"limit":50001}"#)?.description.contains("maximum") == true)
        #expect(try compileError(#"{"measures":["Transactions.count"],"limit":50000}"#) == nil)
        #expect(try compileError(#"{"measures":["Transactions.count"],"order":{"Transactions.count":"up"}}"#)?.description.contains("asc or desc") == true)
        #expect(try compileError(#"{"measures":["Transactions.count"],"timezone":"Asia/Kolkata"}"#) != nil)
    }

    @Test func defaultLimitAndOrder() throws {
        let compiled = try QueryCompiler(model: try shippedQueryModel(), dialect: .duckdb)
            .compile(CubeQuery(measures: ["Transactions.count"], dimensions: ["Products.brand"]), asOf: SQLDate(iso: "2025-06-30")!)
        #expect(compiled.sql.hasSuffix("ORDER BY \"Transactions.count\" DESC\nLIMIT 10000"))
    }

    @Test func relativeRanges() throws {
        let compiler = QueryCompiler(model: try shippedQueryModel(), dialect: .duckdb)
        // 2025-06-25 is a Wednesday.
        let asOf = SQLDate(iso: "2025-06-25")!
        func range(_ text: String) throws -> [String] {
            let q = CubeQuery(
                measures: ["Transactions.count"],
                timeDimensions: [.init(dimension: "Transactions.transactionDate", dateRange: .relative(text))])
            return try compiler.compile(q, asOf: asOf).binds.map(\.description)
        }
        #expect(try range("today") == ["2025-06-25", "2025-06-26"])
        #expect(try range("yesterday") == ["2025-06-24", "2025-06-25"])
        #expect(try range("this week") == ["2025-06-23", "2025-06-30"])
        #expect(try range("last week") == ["2025-06-16", "2025-06-23"])
        #expect(try range("this month") == ["2025-06-01", "2025-07-01"])
        #expect(try range("last month") == ["2025-05-01", "2025-06-01"])
        #expect(try range("this quarter") == ["2025-04-01", "2025-07-01"])
        #expect(try range("last quarter") == ["2025-01-01", "2025-04-01"])
        #expect(try range("this year") == ["2025-01-01", "2026-01-01"])
        #expect(try range("last year") == ["2024-01-01", "2025-01-01"])
        #expect(try range("last 7 days") == ["2025-06-18", "2025-06-25"])
        #expect(try range("last 2 weeks") == ["2025-06-09", "2025-06-23"])
        #expect(try range("last 3 months") == ["2025-03-01", "2025-06-01"])
        #expect(try range("from 2025-01-05 to 2025-01-10") == ["2025-01-05", "2025-01-11"])
        #expect(try range("from 7 days ago to today") == ["2025-06-18", "2025-06-26"])
    }

    @Test func orderObjectKeepsKeyOrder() throws {
        let query = try CubeQuery(json: Data(#"{"limit":1,"order":{"b.z":"asc","a.y":"desc","c.x":"asc","a.a":"desc"}}"#.utf8))
        #expect(query.order?.map(\.member) == ["b.z", "a.y", "c.x", "a.a"])
        #expect(query.order?.map(\.direction) == [.asc, .desc, .asc, .desc])
        let wrapped = try CubeQuery(json: Data(#"{"query":{"filters":[{"and":[]}],"order":{"z.z":"desc","a.a":"asc"}}}"#.utf8))
        #expect(wrapped.order == nil)
        let array = try CubeQuery(json: Data(#"{"order":[["z.z","desc"],["a.a","asc"]]}"#.utf8))
        #expect(array.order == [.init("z.z", .desc), .init("a.a", .asc)])
    }
}
