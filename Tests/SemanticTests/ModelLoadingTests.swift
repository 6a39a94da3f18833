import Foundation
import Semantic
import Testing

@Suite struct ModelLoadingTests {
    let model: DataModel

    init() throws {
        model = try ModelFixture(["cubes/base.yml": baseCubes, "cubes/nested/other.yaml": otherCubes]).load()
    }

    @Test func loadsCubesRecursivelyWithFiles() throws {
        #expect(model.cubeNames == ["Customers", "Orders", "Planets", "Products", "Regions"])
        #expect(model.cubes["Orders"]?.file == "model/cubes/base.yml")
        #expect(model.cubes["Regions"]?.file == "model/cubes/nested/other.yaml")
        #expect(model.cubes["Orders"]?.source == .table("public.orders"))
        #expect(model.cubes["Orders"]?.primaryKeys.map(\.name) == ["id"])
        #expect(model.cubes["Orders"]?.dimension("createdAt")?.type == .time)
        #expect(model.cubes["Orders"]?.measure("customers")?.type == .countDistinct)
        #expect(model.cubes["Orders"]?.measure("count")?.sql == nil)
        #expect(model.cubes["Orders"]?.hasMember("completed") == true)
        #expect(model.cubes["Orders"]?.title == "Orders")
    }

    @Test func legacyRelationshipsAreNormalised() throws {
        #expect(model.cubes["Orders"]?.joins.map(\.relationship) == [.manyToOne, .manyToOne])
        #expect(model.cubes["Customers"]?.joins.map(\.relationship) == [.manyToOne, .oneToMany])
        #expect(model.cubes["Regions"]?.joins.map(\.relationship) == [.oneToOne])
        #expect(Join.Relationship(cubeName: "belongs_to") == .manyToOne)
        #expect(Join.Relationship(cubeName: "has_many") == .oneToMany)
        #expect(Join.Relationship(cubeName: "has_one") == .oneToOne)
        #expect(Join.Relationship(cubeName: "hasMany") == .oneToMany)
        #expect(Join.Relationship(cubeName: "many_to_many") == nil)
        #expect(Join.Relationship.oneToMany.reversed == .manyToOne)
    }

    @Test func metaAndSynonyms() throws {
        let orders = try #require(model.cubes["Orders"])
        let status = try #require(orders.dimension("status"))
        #expect(status.synonyms == ["state", "stage"])
        #expect(status.meta?["rank"] == .integer(2))
        #expect(status.meta?["ratio"] == .number(0.5))
        #expect(status.meta?["flag"] == .bool(true))
        #expect(status.meta?["nested"] == .object(["a": .list([.integer(1), .string("x")])]))
        let total = try #require(orders.measure("total"))
        #expect(total.synonyms == ["revenue"])
        #expect(total.format == "currency")
        #expect(total.title == "Total")
        #expect(total.description == "Sum of amounts")
        #expect(orders.dimension("amount")?.synonyms == [])
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(status.meta), as: UTF8.self)
        #expect(json == #"{"flag":true,"nested":{"a":[1,"x"]},"rank":2,"ratio":0.5,"synonyms":["state","stage"]}"#)
        #expect(try JSONDecoder().decode(MetaValue.self, from: Data(json.utf8)) == status.meta)
    }

    @Test func publicAndShown() throws {
        #expect(model.cubes["Orders"]?.dimension("id")?.isPublic == false)
        #expect(model.cubes["Customers"]?.dimension("name")?.isPublic == false)
        #expect(model.cubes["Orders"]?.dimension("status")?.isPublic == true)
    }

    @Test func joinPathsFollowDeclaredDirections() throws {
        let graph = model.joinGraph
        let toPlanets = try #require(graph.path(from: "Orders", to: "Planets"))
        #expect(toPlanets.map { "\($0.from)->\($0.to)" } == ["Orders->Customers", "Customers->Regions", "Regions->Planets"])
        #expect(toPlanets.map(\.relationship) == [.manyToOne, .manyToOne, .oneToOne])
        let fanOut = try #require(graph.path(from: "Customers", to: "Products"))
        #expect(fanOut.map { "\($0.from)->\($0.to)" } == ["Customers->Orders", "Orders->Products"])
        #expect(fanOut.map(\.relationship) == [.oneToMany, .manyToOne])
        #expect(graph.path(from: "Products", to: "Orders") == nil)
        #expect(graph.path(from: "Orders", to: "Orders") == [])

        let tree = try #require(graph.joinTree(for: ["Products", "Regions", "Orders"]))
        #expect(tree.root == "Orders")
        #expect(tree.joins.map { "\($0.from)->\($0.to)" } == ["Orders->Products", "Orders->Customers", "Customers->Regions"])
        #expect(graph.joinTree(for: ["Products", "Planets"]) == nil)
    }

    @Test func viewsResolveToCubeMembers() throws {
        let views = """
            views:
              - name: OrdersView
                title: Orders overview
                cubes:
                  - join_path: Orders
                    includes: [total, status, {name: count, alias: orderCount}]
                  - join_path: Orders.Customers.Regions
                    includes: "*"
                    prefix: true
                  - join_path: Orders.Products
                    includes: "*"
                    excludes: [id]
            """
        let model = try ModelFixture([
            "cubes/base.yml": baseCubes, "cubes/other.yml": otherCubes, "views/orders.yml": views,
        ]).load()
        let view = try #require(model.views["OrdersView"])
        #expect(view.file == "model/views/orders.yml")
        #expect(view.title == "Orders overview")
        // "*" takes the public members only; Regions.id is a primary key, which Cube hides
        // unless it says `public: true`.
        #expect(view.members.map(\.name) == ["total", "status", "orderCount", "Regions_zone", "brand"])
        #expect(model.cubes["Regions"]?.dimension("id")?.isPublic == false)
        let orderCount = try #require(view.member("orderCount"))
        #expect(orderCount.cube == "Orders" && orderCount.member == "count" && orderCount.kind == .measure)
        let zone = try #require(view.member("Regions_zone"))
        #expect(zone.cube == "Regions" && zone.member == "zone" && zone.kind == .dimension)
        #expect(zone.joinPath == ["Orders", "Customers", "Regions"])
    }
}
