import Foundation
import Server
import Testing
import Warehouse

/// `config/database_config.yaml`: itc on DuckDB, nestle on PostgreSQL, unilever on SQL
/// Server, every secret from the environment.
@Suite("The reference layout config/database_config.yaml")
struct ReferenceLayoutTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("config/database_config.yaml").path

    static let environment = [
        "NESTLE_PG_URL": "postgres://nestle_app:pg-secret@pg.internal:5433/nestle?sslmode=require",
        "UNILEVER_MSSQL_URL": "sqlserver://unilever_app:ms-secret@mssql.internal:1433/unilever?encrypt=require",
        "CONVAI_JWT_SECRET": String(repeating: "k", count: 40),
    ]

    @Test("one tenant per engine, connection details from the environment")
    func loads() throws {
        let configuration = try ConvAIConfiguration.load(path: Self.path, environment: Self.environment)
        #expect(configuration.tenants.map(\.id) == ["itc", "nestle", "unilever"])
        #expect(configuration.tenants.map(\.database.engine) == [.duckdb, .postgres, .sqlserver])
        let nestle = configuration.tenants[1].database
        #expect(nestle.host == "pg.internal" && nestle.port == 5433 && nestle.database == "nestle")
        #expect(nestle.user == "nestle_app" && nestle.tls == .require && nestle.statementTimeoutMilliseconds == 30000)
        let unilever = try #require(configuration.tenants[2].database.sqlServer)
        #expect(unilever.host == "mssql.internal" && unilever.port == 1433 && unilever.database == "unilever")
        #expect(unilever.encryption == .require)
        #expect(try configuration.jwtSecret() == String(repeating: "k", count: 40))
        // Secrets never show when a configuration is printed or logged.
        #expect(!"\(configuration.tenants)".contains("pg-secret") && !"\(configuration.tenants)".contains("ms-secret"))
    }

    @Test("a variable that is not set is named, with the key that needs it")
    func missingVariable() throws {
        var environment = Self.environment
        environment["NESTLE_PG_URL"] = nil
        do {
            _ = try ConvAIConfiguration.load(path: Self.path, environment: environment)
            Issue.record("loaded without NESTLE_PG_URL")
        } catch let error as WarehouseError {
            #expect(error.message.contains("NESTLE_PG_URL"))
            #expect(error.message.contains("tenants.nestle.database.url"))
        }
    }
}
