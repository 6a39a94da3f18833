public import AsyncHTTPClient
public import Foundation
public import Insights
public import Logging
public import Semantic
import Visualization
public import Warehouse

/// Insights for the server, the CLI and the scheduler: each tenant's model and database,
/// the configured thresholds and recipients, and the digests built from them.
public struct InsightService: Sendable {
    let configuration: ConvAIConfiguration
    let tenants: TenantRouter
    let catalog: SemanticCatalog
    let logger: Logger
    let latestDays = LatestDays()

    /// Makes the service over the configured tenants.
    public init(configuration: ConvAIConfiguration, tenants: TenantRouter, logger: Logger, semantic: SemanticCatalog? = nil) throws {
        self.configuration = configuration
        self.tenants = tenants
        self.catalog = semantic ?? SemanticCatalog.load(configuration: configuration, logger: logger)
        self.logger = logger
    }

    private func tenantConfiguration(_ tenant: String) throws -> TenantConfiguration {
        guard let found = configuration.tenants.first(where: { $0.id == tenant }) else {
            throw WarehouseError(.unknownTenant, "unknown tenant '\(tenant)'")
        }
        return found
    }

    /// An HTTP client for webhooks that follows no redirect: a signed digest goes to the
    /// configured URL or nowhere, never on to another host.
    public static func webhookClient() -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
    }

    /// The generator of one tenant.
    public func generator(tenant: String) async throws -> InsightGenerator {
        let info = try tenantConfiguration(tenant)
        return InsightGenerator(
            model: try catalog.dataModel(for: tenant), database: try await tenants.database(for: tenant),
            tenantName: info.displayName, rowLevelSecurity: configuration.rowLevelSecurity ?? .salesTerritories,
            settings: configuration.insights.generator, numberFormat: numberFormat(tenant: tenant))
    }

    /// How the tenant's insights and digests write numbers (`tenants.<id>.locale`).
    func numberFormat(tenant: String) -> NumberFormat { configuration.numberFormats[tenant] ?? .india }

    /// `requested`, or the latest day with sales when none was asked for or the day asked for
    /// lies after it (days without data would read as a collapse).
    public func asOf(tenant: String, requested: SQLDate?) async throws -> SQLDate {
        let latest = try await latestDay(tenant: tenant)
        guard let requested else { return latest }
        return min(requested, latest)
    }

    /// The latest day with sales, read at most once a minute per tenant: every insights
    /// request asks, and the read groups the whole fact table by day.
    private func latestDay(tenant: String) async throws -> SQLDate {
        if let known = await latestDays.day(of: tenant) { return known }
        let day = try await readLatestDay(tenant: tenant)
        await latestDays.remember(day, of: tenant)
        return day
    }

    private func readLatestDay(tenant: String) async throws -> SQLDate {
        let database = try await tenants.database(for: tenant)
        // The latest day with any sales line: days by count, newest first, one row.
        let query = CubeQuery(
            measures: ["Transactions.count"],
            timeDimensions: [.init(dimension: "Transactions.transactionDate", granularity: .day)],
            order: [.init("Transactions.transactionDate", .desc)], limit: 1)
        let compiled = try QueryCompiler(model: try catalog.dataModel(for: tenant), dialect: database.dialect)
            .compile(query, asOf: SQLDate(daysSinceEpoch: 0))
        let result = try await database.query(compiled.sql, compiled.binds)
        let column = compiled.columns.firstIndex { if case .timeDimension = $0.kind { true } else { false } } ?? 0
        if let day = result.rows.first?[column].dateValue { return day }
        throw InsightServiceError.noData("tenant '\(tenant)' has no sales yet: seed or load data first")
    }

    /// The hierarchy's recipients plus the configured ones, with their webhooks.
    public func recipients(tenant: String, asOf: SQLDate) async throws -> [Recipient] {
        let database = try await tenants.database(for: tenant)
        var people = try await RecipientDirectory(model: try catalog.dataModel(for: tenant), database: database)
            .recipients(asOf: asOf)
        let settings = configuration.insights
        for index in people.indices {
            people[index].webhooks = settings.webhooks(for: people[index], tenant: tenant)
        }
        let known = Set(people.map(\.id))
        for extra in settings.recipients(tenant: tenant) {
            // One id, one person: a configured recipient must not take an employee's digest.
            guard !known.contains(extra.id) else {
                throw WarehouseError(
                    .invalidConfiguration,
                    "insights.recipients: id '\(extra.id)' of tenant '\(tenant)' is also an employee id in dim_sales_hierarchy; choose another")
            }
            people.append(extra)
        }
        return people
    }

    /// Each recipient's digest as of `asOf`.
    public func digests(tenant: String, recipients: [Recipient], asOf: SQLDate) async throws -> [Digest] {
        let generator = try await generator(tenant: tenant)
        let insights = try await generator.insights(for: recipients, asOf: asOf)
        return recipients.map { recipient in
            Digest(
                tenant: tenant, tenantName: generator.tenantName, recipient: recipient, asOf: asOf.description,
                insights: insights[recipient.id] ?? [], numberStyle: generator.numberFormat.style)
        }
    }
}

/// Insight requests that cannot be answered.
public enum InsightServiceError: Error, Sendable, CustomStringConvertible {
    /// The tenant has no sales to find insights in.
    case noData(String)

    /// The message.
    public var description: String {
        switch self {
        case .noData(let message): message
        }
    }
}

/// Each tenant's latest day with sales, kept a minute (new data shows within that).
actor LatestDays {
    private var days: [String: (day: SQLDate, at: ContinuousClock.Instant)] = [:]

    func day(of tenant: String) -> SQLDate? {
        guard let entry = days[tenant], ContinuousClock.now - entry.at < .seconds(60) else { return nil }
        return entry.day
    }

    func remember(_ day: SQLDate, of tenant: String) { days[tenant] = (day, ContinuousClock.now) }
}
