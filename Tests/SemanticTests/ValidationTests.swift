import Foundation
import Semantic
import Testing

@Suite struct ValidationTests {
    /// The base model with one text replaced in `base.yml` (and optional extra files).
    private func error(
        replacing old: String = "", with new: String = "", inOther: Bool = false, extra: [String: String] = [:]
    ) throws -> String? {
        let target = inOther ? otherCubes : baseCubes
        try #require(old.isEmpty || target.contains(old), "fixture text not found: \(old)")
        let changed = old.isEmpty ? target : target.replacingOccurrences(of: old, with: new)
        var files = extra
        files["cubes/base.yml"] = inOther ? baseCubes : changed
        files["cubes/other.yml"] = inOther ? changed : otherCubes
        return try ModelFixture.error(files)
    }

    @Test func baseModelIsValid() throws {
        #expect(try error() == nil)
    }

    @Test func unknownMemberReference() throws {
        #expect(
            try error(replacing: "{Orders.total} / NULLIF", with: "{Orders.totl} / NULLIF")
                == "model/cubes/base.yml: cube Orders, member perCustomer: unknown reference {Orders.totl}")
        #expect(
            try error(replacing: "{amount} > 100", with: "{amont} > 100")
                == "model/cubes/base.yml: cube Orders, member isBig: unknown reference {amont}")
        #expect(
            try error(replacing: "{CUBE.amount} * 2", with: "{CUBE.amnt} * 2")
                == "model/cubes/base.yml: cube Orders, member amountDoubled: unknown reference {CUBE.amnt}")
    }

    @Test func unknownCubeReference() throws {
        #expect(
            try error(replacing: "{Customers}.id", with: "{Customer}.id")
                == "model/cubes/base.yml: cube Orders: join to Customers: unknown reference {Customer}")
        #expect(
            try error(replacing: "sql: \"{Customers.id}\"", with: "sql: \"{Clients.id}\"")
                == "model/cubes/base.yml: cube Orders, member customers: unknown reference {Clients.id}")
    }

    @Test func unknownJoinTarget() throws {
        #expect(
            try error(replacing: "- name: Products\n        sql: \"{TABLE}", with: "- name: Produce\n        sql: \"{TABLE}")
                == "model/cubes/base.yml: cube Orders: join to unknown cube Produce")
    }

    @Test func duplicateCubeNamesBothFiles() throws {
        let clash = "cubes:\n  - name: Orders\n    sql_table: other_orders\n"
        #expect(
            try error(extra: ["cubes/zz.yml": clash])
                == "model/cubes/zz.yml: cube Orders: duplicate cube name, also defined in model/cubes/base.yml")
    }

    @Test func duplicateMember() throws {
        #expect(
            try error(replacing: "- name: amount\n        sql: amount", with: "- name: status\n        sql: amount")
                == "model/cubes/base.yml: cube Orders, member status: duplicate member name")
        // Measures and dimensions share one namespace, as in Cube.
        #expect(
            try error(replacing: "- name: total\n", with: "- name: status\n")
                == "model/cubes/base.yml: cube Orders, member status: duplicate member name")
    }

    @Test func cubeWithoutSQL() throws {
        #expect(
            try error(replacing: "    sql_table: planets\n", with: "", inOther: true)
                == "model/cubes/other.yml: cube Planets: cube has neither sql_table nor sql")
    }

    @Test func unknownTypesAndRelationships() throws {
        #expect(
            try error(replacing: "type: boolean", with: "type: bool")
                == "model/cubes/base.yml: cube Orders, member isBig: unknown dimension type 'bool'")
        #expect(
            try error(replacing: "type: count_distinct", with: "type: countd")
                == "model/cubes/base.yml: cube Orders, member customers: unknown measure type 'countd'")
        #expect(
            try error(replacing: "relationship: has_one", with: "relationship: has_some", inOther: true)
                == "model/cubes/other.yml: cube Regions: join to Planets has unknown relationship 'has_some'")
    }

    @Test func numberMeasureReferringToADimension() throws {
        #expect(
            try error(replacing: "{total} / NULLIF", with: "{amount} / NULLIF")
                == "model/cubes/base.yml: cube Orders, member average: number measure refers to {Orders.amount}, which is not a measure"
        )
    }

    @Test func measureFilterWithUnknownReference() throws {
        #expect(
            try error(replacing: "- sql: \"{isBig}\"", with: "- sql: \"{isHuge}\"")
                == "model/cubes/base.yml: cube Orders, member completedTotal: filter: unknown reference {isHuge}")
    }

    @Test func dependencyCycle() throws {
        let cycle = """
                  - name: a
                    sql: "{b} + 1"
                    type: number
                  - name: b
                    sql: "{c} * 2"
                    type: number
                  - name: c
                    sql: "{a} - {total}"
                    type: number
                  - name: count
            """
        #expect(
            try error(replacing: "      - name: count\n        type: count\n      - name: total", with: cycle + "\n        type: count\n      - name: total")
                == "model/cubes/base.yml: cube Orders, member a: dependency cycle Orders.a -> Orders.b -> Orders.c -> Orders.a")
        #expect(
            try error(replacing: "{amount} > 100", with: "{isBig} > 100")
                == "model/cubes/base.yml: cube Orders, member isBig: dependency cycle Orders.isBig -> Orders.isBig")
    }

    @Test func ambiguousJoinPaths() throws {
        let productsToRegions = """
              - name: Products
                sql_table: products
                joins:
                  - name: Regions
                    sql: "{CUBE}.region_id = {Regions}.id"
                    relationship: many_to_one
            """
        #expect(
            try error(replacing: "  - name: Products\n    sql_table: products", with: productsToRegions, inOther: true)
                == "model/cubes/base.yml: cube Orders: ambiguous join paths to Regions: Orders -> Customers -> Regions and Orders -> Products -> Regions"
        )
    }

    @Test func invalidViews() throws {
        func viewError(_ cubes: String) throws -> String? {
            let view = "views:\n  - name: V\n    cubes:\n" + cubes
            return try ModelFixture.error([
                "cubes/base.yml": baseCubes, "cubes/other.yml": otherCubes, "views/v.yml": view,
            ])
        }
        #expect(
            try viewError("      - join_path: Orders\n        includes: [total, totl]\n")
                == "model/views/v.yml: view V, member totl: cube Orders has no member totl")
        #expect(
            try viewError("      - join_path: Orders.Regions\n        includes: [zone]\n")
                == "model/views/v.yml: view V: join_path Orders.Regions: Orders declares no join to Regions")
        #expect(
            try viewError("      - join_path: Products.Orders\n        includes: \"*\"\n")
                == "model/views/v.yml: view V: join_path Products.Orders: Products declares no join to Orders")
        #expect(
            try viewError("      - join_path: Ordrs\n        includes: \"*\"\n")
                == "model/views/v.yml: view V: join_path Ordrs: unknown cube Ordrs")
        #expect(
            try viewError("      - join_path: Orders\n        includes: [count]\n      - join_path: Orders.Customers\n        includes: [count]\n")
                == "model/views/v.yml: view V, member count: duplicate member name")
    }

    @Test func invalidYAML() throws {
        #expect(
            try ModelFixture.error(["cubes/bad.yml": "cubes: [\n"])?.hasPrefix("model/cubes/bad.yml: not valid YAML") == true)
        #expect(
            try ModelFixture.error(["cubes/bad.yml": "- 1\n"])
                == "model/cubes/bad.yml: expected a mapping with cubes: or views: at the top level")
    }

    @Test func errorCarriesStructuredFields() throws {
        let files = ["cubes/base.yml": baseCubes.replacingOccurrences(of: "{amount} > 100", with: "{amont} > 100"), "cubes/other.yml": otherCubes]
        let thrown = try #require(throws: SemanticError.self) { try ModelFixture(files).load() }
        #expect(thrown.code == .unknownReference)
        #expect(thrown.file == "model/cubes/base.yml")
        #expect(thrown.cube == "Orders")
        #expect(thrown.member == "isBig")
    }
}
