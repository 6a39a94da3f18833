public import Foundation
public import Warehouse

/// The whole of `config/convai.yaml`: where the server listens and each tenant's database.
public struct ConvAIConfiguration: Sendable {
    /// Where the HTTP server listens.
    public struct ServerSettings: Sendable, Hashable, Decodable {
        /// The address to bind; 127.0.0.1 by default so nothing is exposed by accident.
        public var host: String
        /// The TCP port; 0 picks a free one.
        public var port: Int

        /// Makes server settings.
        public init(host: String = "127.0.0.1", port: Int = 8080) {
            self.host = host
            self.port = port
        }

        enum CodingKeys: String, CodingKey { case host, port }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            host = try container.decodeIfPresent(String.self, forKey: .host) ?? "127.0.0.1"
            port = try container.decodeIfPresent(Int.self, forKey: .port) ?? 8080
            guard (0...65535).contains(port) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .port, in: container, debugDescription: "expected a port from 0 to 65535, found \(port)")
            }
        }
    }

    /// HTTP server settings.
    public var server: ServerSettings
    /// The tenants, sorted by id, with database paths resolved against ``root``.
    public var tenants: [TenantConfiguration]
    /// The project root: relative paths in the file, and `database/`, are found here.
    public var root: String

    /// Makes a configuration directly (tests, embedding).
    public init(server: ServerSettings = .init(), tenants: [TenantConfiguration], root: String) {
        self.server = server
        self.tenants = tenants.sorted { $0.id < $1.id }
        self.root = root
    }

    private struct File: Decodable {
        var server: ServerSettings?
        var root: String?
        var tenants: [String: TenantConfiguration]
    }

    /// Reads the file at `path`. Relative paths inside it resolve against its `root` key,
    /// which defaults to the folder above the one holding the file (the project root for
    /// `config/convai.yaml`).
    public static func load(path: String) throws -> ConvAIConfiguration {
        let file = try ConfigurationFile.decode(File.self, from: path)
        let configFolder = URL(fileURLWithPath: path).deletingLastPathComponent()
        let root: URL
        if let explicit = file.root {
            root = explicit.hasPrefix("/") ? URL(fileURLWithPath: explicit) : configFolder.appendingPathComponent(explicit)
        } else {
            root = configFolder.deletingLastPathComponent()
        }
        guard !file.tenants.isEmpty else {
            throw WarehouseError(.invalidConfiguration, "\(path): key tenants: expected at least one tenant")
        }
        for id in file.tenants.keys where !Self.isValidTenantID(id) {
            throw WarehouseError(
                .invalidConfiguration,
                "\(path): key tenants.\(id): expected a tenant id of lower-case letters, digits, '-' or '_'")
        }
        let rootPath = root.standardizedFileURL.path
        return ConvAIConfiguration(
            server: file.server ?? .init(),
            tenants: file.tenants.values.map { $0.resolvingPaths(against: rootPath) },
            root: rootPath)
    }

    static func isValidTenantID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    /// The folder with `schema_<dialect>.sql` and `migrations/`.
    public var databaseFolder: URL { URL(fileURLWithPath: root).appendingPathComponent("database") }
}
