public import Conversation
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

    /// How API tokens are checked.
    public struct AuthSettings: Sendable, Hashable, Decodable {
        /// The HS256 secret; when absent, `CONVAI_JWT_SECRET`, else a development secret
        /// kept in `data/.jwt_secret` (see ``ConvAIConfiguration/jwtSecret()``).
        public var jwtSecret: String?

        /// Makes auth settings.
        public init(jwtSecret: String? = nil) { self.jwtSecret = jwtSecret }

        enum CodingKeys: String, CodingKey { case jwtSecret = "jwt_secret" }
    }

    /// Where usage events go (`observability:`): the SQLite file `data/usage.sqlite` under
    /// the root by default, or a PostgreSQL database shared by several server instances.
    public struct ObservabilitySettings: Sendable, Hashable, Decodable {
        /// A PostgreSQL URL (`${USAGE_PG_URL}`); nil keeps the SQLite file.
        public var postgresURL: String?
        /// Days of raw events kept (the daily roll-up is kept as long).
        public var retentionDays: Int

        /// Makes settings.
        public init(postgresURL: String? = nil, retentionDays: Int = 400) {
            self.postgresURL = postgresURL
            self.retentionDays = retentionDays
        }

        enum CodingKeys: String, CodingKey {
            case postgresURL = "postgres_url"
            case retentionDays = "retention_days"
        }

        /// Decodes, with the defaults above.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            postgresURL = try container.decodeIfPresent(String.self, forKey: .postgresURL)
            retentionDays = try container.decodeIfPresent(Int.self, forKey: .retentionDays) ?? 400
            guard retentionDays > 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .retentionDays, in: container, debugDescription: "retention_days must be positive")
            }
        }
    }

    /// HTTP server settings.
    public var server: ServerSettings
    /// Usage tracking settings.
    public var observability: ObservabilitySettings
    /// Token settings.
    public var auth: AuthSettings
    /// The tenants, sorted by id, with database paths resolved against ``root``.
    public var tenants: [TenantConfiguration]
    /// The project root: relative paths in the file, and `database/`, are found here.
    public var root: String
    /// Per tenant, the optional LLM asked when the built-in parser is not confident
    /// (`tenants.<id>.llm:`; see docs/llm.md).
    public var llm: [String: LLMConfiguration]
    /// Request limits (`limits:`): rate limits, body size, rows, statement timeout.
    public var limits: LimitSettings

    /// Makes a configuration directly (tests, embedding).
    public init(
        server: ServerSettings = .init(), auth: AuthSettings = .init(), tenants: [TenantConfiguration], root: String,
        llm: [String: LLMConfiguration] = [:], observability: ObservabilitySettings = .init(),
        limits: LimitSettings = .init()
    ) {
        self.observability = observability
        self.limits = limits
        self.server = server
        self.auth = auth
        self.tenants = tenants.sorted { $0.id < $1.id }
        self.root = root
        self.llm = llm
    }

    private struct File: Decodable {
        var server: ServerSettings?
        var observability: ObservabilitySettings?
        var auth: AuthSettings?
        var limits: LimitSettings?
        var root: String?
        var tenants: [String: TenantConfiguration]
    }

    /// The same file read for what the warehouse's tenant entries do not hold.
    private struct ConversationFile: Decodable {
        struct Tenant: Decodable { var llm: LLMConfiguration? }
        var tenants: [String: Tenant]
    }

    /// Reads the file at `path`. Relative paths inside it resolve against its `root` key,
    /// which defaults to the folder above the one holding the file (the project root for
    /// `config/convai.yaml`).
    /// `${NAME}` references are filled from `environment` (the process environment when
    /// nil) and the project's `.env`.
    public static func load(path: String, environment: [String: String]? = nil) throws -> ConvAIConfiguration {
        let file = try ConfigurationFile.decode(File.self, from: path, environment: environment)
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
        let conversation = try ConfigurationFile.decode(ConversationFile.self, from: path, environment: environment)
        return ConvAIConfiguration(
            server: file.server ?? .init(),
            auth: file.auth ?? .init(),
            tenants: file.tenants.values.map { $0.resolvingPaths(against: rootPath) },
            root: rootPath,
            llm: conversation.tenants.compactMapValues(\.llm),
            observability: file.observability ?? .init(),
            limits: file.limits ?? .init())
    }

    static func isValidTenantID(_ id: String) -> Bool {
        !id.isEmpty && id.count <= 64
            && id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    /// The SQLite file holding usage events, unless `observability.postgres_url` is set.
    public var usageStorePath: String { URL(fileURLWithPath: root).appendingPathComponent("data/usage.sqlite").path }

    /// LLM prices per model (`config/llm_pricing.yaml`).
    public var pricingPath: String { URL(fileURLWithPath: root).appendingPathComponent("config/llm_pricing.yaml").path }

    /// The SQLite file holding conversation sessions.
    public var sessionStorePath: String { URL(fileURLWithPath: root).appendingPathComponent("data/sessions.sqlite").path }

    /// The folder with `schema_<dialect>.sql` and `migrations/`.
    public var databaseFolder: URL { URL(fileURLWithPath: root).appendingPathComponent("database") }

    /// The folder of a tenant's semantic model: its own `model_path`, else `<root>/model`.
    public func modelFolder(for tenant: TenantConfiguration) -> URL {
        URL(fileURLWithPath: tenant.modelPath ?? URL(fileURLWithPath: root).appendingPathComponent("model").path)
    }

    /// The JWT signing secret: `auth.jwt_secret`, else the `CONVAI_JWT_SECRET` environment
    /// variable, else a random development secret created once in `<root>/data/.jwt_secret`
    /// (mode 0600) so that `convai token` and `convai serve` agree without a secret in a file
    /// under version control.
    public func jwtSecret() throws -> String {
        if let secret = auth.jwtSecret, !secret.isEmpty { return secret }
        if let secret = ProcessInfo.processInfo.environment["CONVAI_JWT_SECRET"], !secret.isEmpty { return secret }
        let file = URL(fileURLWithPath: root).appendingPathComponent("data/.jwt_secret")
        if let secret = try? String(contentsOf: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
            !secret.isEmpty
        {
            return secret
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
        do {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data((secret + "\n").utf8).write(to: file, options: .withoutOverwriting)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
        } catch let error as CocoaError where error.code == .fileWriteFileExists {
            // Another process created it first; use theirs so both agree.
            return try jwtSecret()
        } catch {
            throw WarehouseError(
                .invalidConfiguration, "cannot keep a development JWT secret in \(file.path): \(error.localizedDescription); set auth.jwt_secret or CONVAI_JWT_SECRET")
        }
        return secret
    }
}
