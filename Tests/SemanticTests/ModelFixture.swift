import Foundation
import Semantic

/// Writes YAML files into a fresh temporary `model/` folder and loads it.
struct ModelFixture {
    let root: URL

    init(_ files: [String: String]) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("semantic-tests-\(UUID().uuidString)")
            .appendingPathComponent("model")
        for (path, text) in files {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    func load() throws -> DataModel {
        defer { try? FileManager.default.removeItem(at: root.deletingLastPathComponent()) }
        return try DataModel.load(from: root)
    }

    /// Loads and returns the error's description, or nil if the model loaded.
    static func error(_ files: [String: String]) throws -> String? {
        do {
            _ = try ModelFixture(files).load()
            return nil
        } catch let error as SemanticError {
            return error.description
        }
    }
}

/// A small valid model: orders → customers → regions, orders → products.
let baseCubes = """
    cubes:
      - name: Orders
        sql_table: public.orders
        title: Orders
        joins:
          - name: Customers
            sql: "{CUBE}.customer_id = {Customers}.id"
            relationship: belongs_to
          - name: Products
            sql: "{TABLE}.product_id = {Products.id}"
            relationship: many_to_one
        dimensions:
          - name: id
            sql: id
            type: number
            primary_key: true
            public: false
          - name: status
            sql: "{CUBE}.status"
            type: string
            meta:
              synonyms: [state, stage]
              rank: 2
              ratio: 0.5
              flag: true
              nested: {a: [1, x]}
          - name: createdAt
            sql: "{CUBE}.created_at"
            type: time
          - name: amountDoubled
            sql: "{CUBE.amount} * 2"
            type: number
          - name: isBig
            sql: "{amount} > 100"
            type: boolean
          - name: amount
            sql: amount
            type: number
        measures:
          - name: count
            type: count
          - name: total
            sql: "{CUBE}.amount"
            type: sum
            format: currency
            title: Total
            description: Sum of amounts
            meta:
              synonyms: revenue
          - name: completedTotal
            sql: amount
            type: sum
            filters:
              - sql: "{CUBE}.status = 'completed'"
              - sql: "{isBig}"
          - name: customers
            sql: "{Customers.id}"
            type: count_distinct
          - name: average
            sql: "{total} / NULLIF({CUBE.count}, 0)"
            type: number
          - name: perCustomer
            sql: "{Orders.total} / NULLIF({Customers.count}, 0)"
            type: number
        segments:
          - name: completed
            sql: "{CUBE}.status = 'completed'"
      - name: Customers
        sql: SELECT * FROM customers WHERE {CUBE}.deleted IS NULL
        joins:
          - name: Regions
            sql: "{CUBE}.region_id = {Regions}.id"
            relationship: belongs_to
          - name: Orders
            sql: "{CUBE}.id = {Orders}.customer_id"
            relationship: has_many
        dimensions:
          - name: id
            sql: id
            type: number
            primary_key: true
          - name: name
            sql: name
            type: string
            shown: false
        measures:
          - name: count
            type: count
    """

let otherCubes = """
    cubes:
      - name: Regions
        sql_table: regions
        joins:
          - name: Planets
            sql: "{CUBE}.planet_id = {Planets}.id"
            relationship: has_one
        dimensions:
          - name: id
            sql: id
            type: number
            primary_key: true
          - name: zone
            sql: zone
            type: string
      - name: Products
        sql_table: products
        dimensions:
          - name: id
            sql: id
            type: number
            primary_key: true
          - name: brand
            sql: brand
            type: string
      - name: Planets
        sql_table: planets
        dimensions:
          - name: id
            sql: id
            type: number
            primary_key: true
    """
