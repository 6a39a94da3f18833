import Testing
import Warehouse

@Suite("DuckDB settings")
struct DuckDBSettingsTests {
    @Test("a rejected DuckDB setting whose name looks secret is not echoed; others still are")
    func rejectedSecretSettingIsNotEchoed() throws {
        // allow_persistent_secrets takes a boolean, so DuckDB refuses this value.
        let secret = #expect(throws: WarehouseError.self) {
            _ = try DuckDBDatabase(configuration: .init(settings: ["allow_persistent_secrets": "hunter2-S3cret"]))
        }
        #expect(secret?.message.contains("hunter2-S3cret") == false, "\(secret?.message ?? "")")
        #expect(secret?.message.contains("allow_persistent_secrets") == true)
        let plain = #expect(throws: WarehouseError.self) {
            _ = try DuckDBDatabase(configuration: .init(settings: ["threads": "banana"]))
        }
        #expect(plain?.message.contains("'banana'") == true, "\(plain?.message ?? "")")
    }
}
