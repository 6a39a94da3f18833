import Logging
import Testing
import Warehouse

@Suite("Configuration errors")
struct ConfigurationTests {
    struct Root: Decodable {
        var tenants: [String: TenantConfiguration]
    }

    func message(_ yaml: String) -> String? {
        do {
            _ = try ConfigurationFile.decode(Root.self, yaml: yaml, file: "config/test.yaml")
            return nil
        } catch let error as WarehouseError {
            #expect(error.code == .invalidConfiguration)
            return error.message
        } catch {
            return "unexpected error type: \(error)"
        }
    }

    @Test("secrets typed into the file are refused; ${NAME} references are how they come in")
    func literalSecretsAreRefused() throws {
        let refused = [
            ("tenants:\n  n:\n    database: {engine: postgres, host: db, user: app, password: hunter2, database: n}\n", "tenants.n.database.password"),
            ("tenants:\n  n:\n    database: {engine: postgres, url: \"postgres://app:hunter2@db/n\"}\n", "tenants.n.database.url"),
            ("tenants:\n  n:\n    database: {engine: sqlserver, url: \"sqlserver://sa:Pa55w0rd!@db:1433/n\"}\n", "tenants.n.database.url"),
            ("tenants:\n  n:\n    database: {engine: postgres, url: \"postgres://app:hunter2${X}@db/n\"}\n", "tenants.n.database.url"),
            ("tenants:\n  n:\n    database: {engine: duckdb, path: x.duckdb, settings: {s3_secret_access_key: hunter2}}\n", "tenants.n.database.settings.s3_secret_access_key"),
        ]
        for (yaml, key) in refused {
            let text = try #require(message(yaml), "\(yaml)")
            #expect(text.contains("key \(key)") && text.contains("write ${NAME}"), "\(text)")
            #expect(!text.contains("hunter2") && !text.contains("Pa55w0rd"), "the refusal must not repeat the secret")
        }
        let environment = ["PG_PASSWORD": "hunter2", "PG_URL": "postgres://app:hunter2@db/n"]
        for yaml in [
            "tenants:\n  n:\n    database: {engine: postgres, host: db, user: app, password: \"${PG_PASSWORD}\", database: n}\n",
            "tenants:\n  n:\n    database: {engine: postgres, url: \"${PG_URL}\"}\n",
            "tenants:\n  n:\n    database: {engine: postgres, url: \"postgres://app:${PG_PASSWORD}@db/n\"}\n",
            "tenants:\n  n:\n    database: {engine: postgres, url: \"postgres://app@db/n\"}\n",
            "tenants:\n  n:\n    database: {engine: postgres, host: db, user: app, password: ~, database: n}\n",
        ] {
            #expect(throws: Never.self, "\(yaml)") {
                _ = try ConfigurationFile.decode(Root.self, yaml: yaml, file: "config/test.yaml", environment: environment)
            }
        }
    }

    @Test("a good file decodes, tenant ids come from the keys")
    func good() throws {
        let root = try ConfigurationFile.decode(
            Root.self,
            yaml: """
                tenants:
                  itc:
                    display_name: ITC Limited
                    database: {engine: duckdb, path: data/itc.duckdb, max_connections: 8}
                """, file: "x.yaml")
        let itc = try #require(root.tenants["itc"])
        #expect(itc.id == "itc")
        #expect(itc.displayName == "ITC Limited")
        #expect(itc.database == DatabaseConfiguration(engine: .duckdb, path: "data/itc.duckdb", maxConnections: 8))
        #expect(itc.resolvingPaths(against: "/srv/convai").database.path == "/srv/convai/data/itc.duckdb")
    }

    @Test("errors name the file, the key and what was expected")
    func errors() {
        #expect(message("tenants: [1, 2]") == "config/test.yaml: key tenants: expected a mapping")
        #expect(
            message("tenants:\n  itc:\n    database: {path: x.duckdb}")
                == "config/test.yaml: key tenants.itc.database.engine: missing (required in tenants.itc.database)")
        #expect(
            message("tenants:\n  itc:\n    database: {engine: mysql, path: x}")
                == "config/test.yaml: key tenants.itc.database.engine: expected one of duckdb, postgres, sqlserver, sqlite, found 'mysql'")
        #expect(
            message("tenants:\n  itc:\n    database: {engine: duckdb, path: x, max_connections: many}")
                == "config/test.yaml: key tenants.itc.database.max_connections: expected an integer")
        #expect(
            message("tenants:\n  itc:\n    database: {engine: duckdb, path: x, max_connections: 0}")
                == "config/test.yaml: key tenants.itc.database.max_connections: expected a whole number from 1 to 256, found 0")
        #expect(message("tenants:\n  itc:\n    database: {engine: duckdb}")?.contains("tenants.itc.database.path") == true)
        #expect(message("tenants: {itc: [unclosed")?.hasPrefix("config/test.yaml: not valid YAML") == true)
    }

    @Test(
        "a YAML syntax error names the line and the problem but never quotes the line, which may hold a password",
        arguments: [
            "tenants:\n  nestle:\n    database: {engine: postgres, password: S3cretPass, host: db\n",
            "tenants:\n  nestle:\n    database:\n      password: \"S3cretPass\n",
            "tenants:\n  nestle:\n    database:\n      url: postgres://u:S3cretPass@db/x\n     bad: [\n",
        ])
    func syntaxErrorsDoNotQuoteTheFile(_ yaml: String) throws {
        let text = try #require(message(yaml))
        #expect(text.hasPrefix("config/test.yaml: not valid YAML"), "\(text)")
        #expect(text.contains("line "), "\(text)")
        #expect(!text.contains("S3cretPass"), "\(text)")
    }

    @Test("an unknown tenant is an error listing the known ones")
    func unknownTenant() async throws {
        let router = TenantRouter(
            tenants: [
                TenantConfiguration(id: "itc", database: .init(engine: .duckdb, path: "/tmp/unused-itc.duckdb")),
                TenantConfiguration(id: "nestle", database: .init(engine: .duckdb, path: "/tmp/unused-nestle.duckdb")),
            ], logger: .init(label: "test"))
        let error = await #expect(throws: WarehouseError.self) { try await router.database(for: "hul") }
        #expect(error?.code == .unknownTenant)
        #expect(error?.message == "unknown tenant 'hul'; known tenants: itc, nestle")
    }
}
