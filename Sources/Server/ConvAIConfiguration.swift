public import Conversation
public import Semantic
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

    /// How API tokens are checked (`auth:`).
    public struct AuthSettings: Sendable, Hashable, Decodable {
        /// The HS256 secret; when absent, `CONVAI_JWT_SECRET`, else a development secret
        /// kept in `data/.jwt_secret` (see ``ConvAIConfiguration/jwtSecret()``) — unless the
        /// identity provider's keys are configured, when no secret means none is accepted.
        public var jwtSecret: String?
        /// A JWKS file with the identity provider's public keys (RS256/ES256…).
        public var jwksFile: String?
        /// A JWKS URL, fetched and kept for ``jwksCacheSeconds``.
        public var jwksURL: String?
        /// How long a fetched JWKS is trusted.
        public var jwksCacheSeconds: Int
        /// The `iss` tokens must carry, if set.
        public var issuer: String?
        /// The `aud` tokens must include, if set.
        public var audience: String?
        /// Clock skew allowed on `exp` and `nbf`.
        public var leewaySeconds: Int

        /// Makes auth settings.
        public init(
            jwtSecret: String? = nil, jwksFile: String? = nil, jwksURL: String? = nil, jwksCacheSeconds: Int = 600,
            issuer: String? = nil, audience: String? = nil, leewaySeconds: Int = 60
        ) {
            self.jwtSecret = jwtSecret
            self.jwksFile = jwksFile
            self.jwksURL = jwksURL
            self.jwksCacheSeconds = jwksCacheSeconds
            self.issuer = issuer
            self.audience = audience
            self.leewaySeconds = leewaySeconds
        }

        enum CodingKeys: String, CodingKey {
            case jwtSecret = "jwt_secret"
            case jwksFile = "jwks_file"
            case jwksURL = "jwks_url"
            case jwksCacheSeconds = "jwks_cache_seconds"
            case issuer, audience
            case leewaySeconds = "leeway_seconds"
        }

        /// Decodes, with the defaults above.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            func text(_ key: CodingKeys) throws -> String? {
                try container.decodeIfPresent(String.self, forKey: key).flatMap { $0.isEmpty ? nil : $0 }
            }
            jwtSecret = try text(.jwtSecret)
            jwksFile = try text(.jwksFile)
            jwksURL = try text(.jwksURL)
            issuer = try text(.issuer)
            audience = try text(.audience)
            jwksCacheSeconds = try container.decodeIfPresent(Int.self, forKey: .jwksCacheSeconds) ?? 600
            leewaySeconds = try container.decodeIfPresent(Int.self, forKey: .leewaySeconds) ?? 60
            guard jwksCacheSeconds > 0 else {
                throw DecodingError.dataCorruptedError(
                    forKey: .jwksCacheSeconds, in: container, debugDescription: "jwks_cache_seconds must be positive")
            }
            guard (0...600).contains(leewaySeconds) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .leewaySeconds, in: container, debugDescription: "leeway_seconds must be from 0 to 600")
            }
        }

        /// Whether only the identity provider's keys are accepted: a JWKS is configured and
        /// no HS256 secret is (neither here nor in `CONVAI_JWT_SECRET`).
        public var identityProviderOnly: Bool {
            (jwksFile != nil || jwksURL != nil) && jwtSecret == nil
                && (ProcessInfo.processInfo.environment["CONVAI_JWT_SECRET"] ?? "").isEmpty
        }
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
    /// What each role may do (`permissions:`).
    public var permissions: RolePermissions
    /// Which roles see one sales territory, and how (`row_level_security:`); nil = nobody is bounded.
    public var rowLevelSecurity: RowLevelSecurity?
    /// Request, row and rate limits (`limits:`).
    public var limits: LimitSettings
    /// The query result cache (`cache:`).
    public var cache: ResultCacheSettings
    /// Insight digests and alerts (`insights:`).
    public var insights: InsightsConfiguration
    /// The tenants, sorted by id, with database paths resolved against ``root``.
    public var tenants: [TenantConfiguration]
    /// The project root: relative paths in the file, and `database/`, are found here.
    public var root: String
    /// Per tenant, the optional LLM asked when the built-in parser is not confident
    /// (`tenants.<id>.llm:`; see docs/llm.md).
    public var llm: [String: LLMConfiguration]

    /// Makes a configuration directly (tests, embedding).
    public init(
        server: ServerSettings = .init(), auth: AuthSettings = .init(), tenants: [TenantConfiguration], root: String,
        llm: [String: LLMConfiguration] = [:], observability: ObservabilitySettings = .init(),
        permissions: RolePermissions = .defaults, rowLevelSecurity: RowLevelSecurity? = nil, limits: LimitSettings = .init(),
        insights: InsightsConfiguration = .init(), cache: ResultCacheSettings = .init()
    ) {
        self.cache = cache
        self.insights = insights
        self.observability = observability
        self.permissions = permissions
        self.rowLevelSecurity = rowLevelSecurity
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
        var permissions: RolePermissions?
        var rowLevelSecurity: RowLevelSecurity?
        var limits: LimitSettings?
        var insights: InsightsConfiguration?
        var cache: ResultCacheSettings?
        var root: String?
        var tenants: [String: TenantConfiguration]

        enum CodingKeys: String, CodingKey {
            case server, observability, auth, permissions, limits, insights, cache, root, tenants
            case rowLevelSecurity = "row_level_security"
        }
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
        let limits = file.limits ?? .init()
        return ConvAIConfiguration(
            server: file.server ?? .init(),
            auth: file.auth ?? .init(),
            tenants: file.tenants.values.map { tenant in
                // limits.statement_timeout_ms bounds every tenant whose database names none itself.
                var tenant = tenant.resolvingPaths(against: rootPath)
                if tenant.database.statementTimeoutMilliseconds == nil {
                    tenant.database.statementTimeoutMilliseconds = limits.statementTimeoutMilliseconds
                }
                return tenant
            },
            root: rootPath,
            llm: conversation.tenants.compactMapValues(\.llm),
            observability: file.observability ?? .init(),
            permissions: file.permissions ?? .defaults,
            rowLevelSecurity: file.rowLevelSecurity,
            limits: limits, insights: file.insights ?? .init(), cache: file.cache ?? .init())
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

    /// What the server's ``TokenAuthority`` accepts: the HS256 secret (``jwtSecret()``) unless
    /// only the identity provider's keys are configured, and the JWKS file read from disk.
    public func tokenSettings() throws -> TokenAuthority.Settings {
        var jwksJSON: String?
        if let file = auth.jwksFile {
            let path = file.hasPrefix("/") ? file : URL(fileURLWithPath: root).appendingPathComponent(file).path
            do {
                jwksJSON = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw WarehouseError(.invalidConfiguration, "auth.jwks_file: cannot read \(path): \(error.localizedDescription)")
            }
        }
        return TokenAuthority.Settings(
            secret: auth.identityProviderOnly ? nil : try jwtSecret(), jwksJSON: jwksJSON, jwksURL: auth.jwksURL,
            jwksCacheDuration: .seconds(auth.jwksCacheSeconds), issuer: auth.issuer, audience: auth.audience,
            leeway: .seconds(auth.leewaySeconds))
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
