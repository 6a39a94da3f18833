import Foundation
import Semantic
import Testing

@Suite struct SQLTemplateTests {
    let model: DataModel

    init() throws {
        model = try ModelFixture(["cubes/base.yml": baseCubes, "cubes/other.yml": otherCubes]).load()
    }

    private func render(_ template: SQLTemplate?) throws -> String {
        try #require(template).render(cubeAlias: { "\"\($0.lowercased())\"" }, member: { "<\($0).\($1)>" })
    }

    @Test func everyReferenceFormRenders() throws {
        let orders = try #require(model.cubes["Orders"])
        // {CUBE}.column
        #expect(try render(orders.dimension("status")?.sql) == "\"orders\".status")
        // {member}
        #expect(try render(orders.dimension("isBig")?.sql) == "<Orders.amount> > 100")
        // {CUBE.member}
        #expect(try render(orders.dimension("amountDoubled")?.sql) == "<Orders.amount> * 2")
        // {OtherCube.member} and {member} together
        #expect(try render(orders.measure("perCustomer")?.sql) == "<Orders.total> / NULLIF(<Customers.count>, 0)")
        // {OtherCube}, {TABLE}
        #expect(try render(orders.joins[0].sql) == "\"orders\".customer_id = \"customers\".id")
        #expect(try render(orders.joins[1].sql) == "\"orders\".product_id = <Products.id>")
        // Plain SQL is kept verbatim.
        #expect(try render(orders.dimension("amount")?.sql) == "amount")
        let customers = try #require(model.cubes["Customers"])
        guard case .sql(let sql) = customers.source else {
            Issue.record("Customers should have sql")
            return
        }
        #expect(try render(sql) == "SELECT * FROM customers WHERE \"customers\".deleted IS NULL")
    }

    @Test func referencesAreParsedIntoParts() throws {
        let orders = try #require(model.cubes["Orders"])
        #expect(orders.dimension("isBig")?.sql.parts == [.member(cube: "Orders", name: "amount"), .text(" > 100")])
        #expect(orders.dimension("status")?.sql.parts == [.cube("Orders"), .text(".status")])
        let perCustomer = try #require(orders.measure("perCustomer")?.sql)
        #expect(perCustomer.memberReferences.map { "\($0.cube).\($0.name)" } == ["Orders.total", "Customers.count"])
        #expect(orders.joins[0].sql.cubeReferences == ["Orders", "Customers"])
        #expect(perCustomer.source == "{Orders.total} / NULLIF({Customers.count}, 0)")
    }

    @Test func bracesThatAreNotReferencesStayLiteral() throws {
        let template = SQLTemplate("x ~ '^a{3}$' AND j = '{\"k\": 1}' AND { spaced }")
        #expect(template.memberReferences.isEmpty)
        #expect(try render(template) == "x ~ '^a{3}$' AND j = '{\"k\": 1}' AND {spaced}")
    }

    @Test func measureFiltersAreResolved() throws {
        let measure = try #require(model.cubes["Orders"]?.measure("completedTotal"))
        #expect(try measure.filters.map { try render($0) } == ["\"orders\".status = 'completed'", "<Orders.isBig>"])
        #expect(try render(model.cubes["Orders"]?.segment("completed")?.sql) == "\"orders\".status = 'completed'")
    }
}
