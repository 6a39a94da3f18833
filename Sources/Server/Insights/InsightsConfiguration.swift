import Foundation
public import Insights

/// The `insights:` key of the configuration: how insights are found, when digests go out,
/// where they are delivered, and who gets them besides the sales hierarchy.
///
/// ```yaml
/// insights:
///   generator: { top_n: 5, unusual_day_sigma: 2, unusual_day_baseline: robust }
///   schedule: { digest_time: "07:00", time_zone: Asia/Kolkata, alert_interval_minutes: 15, catch_up_days: 2 }
///   tenants: { nestle: { time_zone: Asia/Kolkata, digest_time: "06:30" } }
///   delivery_log: { path: data/insights.sqlite }        # or postgres_url: ${INSIGHTS_PG_URL}
///   smtp: { host: smtp.example.com, port: 587, security: starttls, username: convai,    # SMTPSettings
///           password: ${SMTP_PASSWORD}, from: insights@example.com, from_name: ConvAI }
///   webhooks:
///     crm: { url: https://crm.example.com/hooks/convai, format: generic, secret: ${CRM_HOOK_SECRET},
///            roles: [executive], tenants: [itc] }
///   recipients:
///     - { tenant: itc, id: cfo, name: Priya Rao, email: cfo@itc.example.com, role: executive }
/// ```
public struct InsightsConfiguration: Sendable, Hashable, Decodable {
    /// When a tenant's digests and alerts go out.
    public struct Schedule: Sendable, Hashable, Decodable {
        /// IANA time zone of the digest time.
        public var timeZone: String
        /// Local time, `HH:MM`.
        public var digestTime: String
        /// Minutes between checks for new data and alerts; 0 = no alerts.
        public var alertIntervalMinutes: Int
        /// Missed digests of this many past days are still sent after a downtime.
        public var catchUpDays: Int
        /// `false` stops the tenant's digests and alerts.
        public var enabled: Bool

        /// 07:00 Asia/Kolkata, alerts every 15 minutes, two days caught up.
        public init(
            timeZone: String = "Asia/Kolkata", digestTime: String = "07:00", alertIntervalMinutes: Int = 15,
            catchUpDays: Int = 2, enabled: Bool = true
        ) {
            self.timeZone = timeZone
            self.digestTime = digestTime
            self.alertIntervalMinutes = alertIntervalMinutes
            self.catchUpDays = catchUpDays
            self.enabled = enabled
        }

        enum CodingKeys: String, CodingKey {
            case timeZone = "time_zone", digestTime = "digest_time", alertIntervalMinutes = "alert_interval_minutes"
            case catchUpDays = "catch_up_days", enabled
        }

        /// Reads the keys present over `defaults`.
        init(from decoder: any Decoder, defaults: Schedule) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            timeZone = try c.decodeIfPresent(String.self, forKey: .timeZone) ?? defaults.timeZone
            digestTime = try c.decodeIfPresent(String.self, forKey: .digestTime) ?? defaults.digestTime
            alertIntervalMinutes = try c.decodeIfPresent(Int.self, forKey: .alertIntervalMinutes) ?? defaults.alertIntervalMinutes
            catchUpDays = try c.decodeIfPresent(Int.self, forKey: .catchUpDays) ?? defaults.catchUpDays
            enabled = try c.decodeIfPresent(Bool.self, forKey: .enabled) ?? defaults.enabled
        }

        /// Reads the keys present over the defaults.
        public init(from decoder: any Decoder) throws { try self.init(from: decoder, defaults: Schedule()) }

        /// The digest time as hour and minute, or `nil` when it is not `HH:MM`.
        public var digestHourMinute: (hour: Int, minute: Int)? {
            let parts = digestTime.split(separator: ":")
            guard parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour),
                (0..<60).contains(minute)
            else { return nil }
            return (hour, minute)
        }
    }

    /// Where the delivery log lives.
    public struct DeliveryLogSettings: Sendable, Hashable, Decodable {
        /// SQLite file (default `data/insights.sqlite`), for one instance.
        public var path: String?
        /// PostgreSQL, for several instances sharing the work.
        public var postgresURL: String?

        /// The default: SQLite under data/.
        public init(path: String? = nil, postgresURL: String? = nil) {
            self.path = path
            self.postgresURL = postgresURL
        }

        enum CodingKeys: String, CodingKey { case path, postgresURL = "postgres_url" }
    }

    /// A webhook digests and alerts are pushed to: how to reach it (``WebhookSettings``,
    /// read from the same mapping: `url`, `format`, `secret`) and whose digests it gets.
    public struct Webhook: Sendable, Hashable, Decodable {
        /// Where and how to post; its name is the key the webhook is configured under.
        public var settings: WebhookSettings
        /// The roles (application or hierarchy: `executive`, `ASM`…) whose digests it receives.
        /// Everything posted to one webhook is seen by whoever reads it: point a role-wide
        /// hook only at a place whose readers may see all those territories.
        public var roles: [String]
        /// The employee ids whose digests it receives.
        public var employees: [String]
        /// The tenants it serves (all when empty).
        public var tenants: [String]

        enum CodingKeys: String, CodingKey { case roles, employees, tenants }

        /// Reads the routing keys here and the rest as ``WebhookSettings``.
        public init(from decoder: any Decoder) throws {
            settings = try WebhookSettings(from: decoder)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            roles = try c.decodeIfPresent([String].self, forKey: .roles) ?? []
            employees = try c.decodeIfPresent([String].self, forKey: .employees) ?? []
            tenants = try c.decodeIfPresent([String].self, forKey: .tenants) ?? []
        }

        /// Makes a webhook directly (tests).
        public init(settings: WebhookSettings, roles: [String] = [], employees: [String] = [], tenants: [String] = []) {
            self.settings = settings
            self.roles = roles
            self.employees = employees
            self.tenants = tenants
        }
    }

    /// Someone outside the sales hierarchy who gets a digest.
    public struct ExtraRecipient: Sendable, Hashable, Decodable {
        /// The tenant.
        public var tenant: String
        /// An id unique within the tenant.
        public var id: String
        /// The name.
        public var name: String
        /// The address.
        public var email: String?
        /// The application role.
        public var role: String
        /// `Level:Name`, or absent for the whole tenant.
        public var territory: String?
        /// Webhook names.
        public var webhooks: [String]?
    }

    /// Thresholds of the generator.
    public var generator: InsightSettings
    /// The schedule every tenant follows unless it has its own.
    public var schedule: Schedule
    /// Per-tenant schedules.
    public var tenantSchedules: [String: Schedule]
    /// The delivery log.
    public var deliveryLog: DeliveryLogSettings
    /// The SMTP server; none means no e-mail.
    public var smtp: SMTPSettings?
    /// Webhooks by name; each one's ``WebhookSettings/name`` is its key.
    public var webhooks: [String: Webhook]
    /// Extra recipients.
    public var extraRecipients: [ExtraRecipient]

    /// Defaults: no SMTP, no webhooks, 07:00 Asia/Kolkata.
    public init(
        generator: InsightSettings = InsightSettings(), schedule: Schedule = Schedule(), tenantSchedules: [String: Schedule] = [:],
        deliveryLog: DeliveryLogSettings = DeliveryLogSettings(), smtp: SMTPSettings? = nil, webhooks: [String: Webhook] = [:],
        extraRecipients: [ExtraRecipient] = []
    ) {
        self.generator = generator
        self.schedule = schedule
        self.tenantSchedules = tenantSchedules
        self.deliveryLog = deliveryLog
        self.smtp = smtp
        self.webhooks = Self.namedByKey(webhooks)
        self.extraRecipients = extraRecipients
    }

    enum CodingKeys: String, CodingKey {
        case generator, schedule, tenants, smtp, webhooks, recipients
        case deliveryLog = "delivery_log"
    }

    private struct TenantScheduleEntry: Decodable {
        var decoder: any Decoder
        init(from decoder: any Decoder) throws { self.decoder = decoder }
    }

    /// Reads the `insights:` mapping.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        generator = try c.decodeIfPresent(InsightSettings.self, forKey: .generator) ?? InsightSettings()
        schedule = try c.decodeIfPresent(Schedule.self, forKey: .schedule) ?? Schedule()
        let entries = try c.decodeIfPresent([String: TenantScheduleEntry].self, forKey: .tenants) ?? [:]
        let defaults = schedule
        tenantSchedules = try entries.mapValues { try Schedule(from: $0.decoder, defaults: defaults) }
        deliveryLog = try c.decodeIfPresent(DeliveryLogSettings.self, forKey: .deliveryLog) ?? DeliveryLogSettings()
        smtp = try c.decodeIfPresent(SMTPSettings.self, forKey: .smtp)
        webhooks = Self.namedByKey(try c.decodeIfPresent([String: Webhook].self, forKey: .webhooks) ?? [:])
        extraRecipients = try c.decodeIfPresent([ExtraRecipient].self, forKey: .recipients) ?? []
        for (tenant, schedule) in [("*", self.schedule)] + tenantSchedules.map({ ($0.key, $0.value) }) {
            guard schedule.digestHourMinute != nil else {
                throw DecodingError.dataCorruptedError(
                    forKey: .schedule, in: c, debugDescription: "insights: digest_time of '\(tenant)' must be HH:MM, not '\(schedule.digestTime)'")
            }
        }
        let bounded: Set<String> = ["sales_rep", "manager"]
        for extra in extraRecipients {
            if let territory = extra.territory, RecipientTerritory(parsing: territory) == nil,
                territory.caseInsensitiveCompare("National") != .orderedSame
            {
                throw DecodingError.dataCorruptedError(
                    forKey: .recipients, in: c,
                    debugDescription: "insights: recipient '\(extra.id)' has territory '\(territory)'; write Level:Name with Level City, State or Zone (or National)")
            }
            if bounded.contains(extra.role), extra.territory.flatMap(RecipientTerritory.init(parsing:)) == nil {
                throw DecodingError.dataCorruptedError(
                    forKey: .recipients, in: c,
                    debugDescription: "insights: recipient '\(extra.id)' has the bounded role '\(extra.role)' and needs a territory City:…, State:… or Zone:…")
            }
            guard let webhooks = extra.webhooks else { continue }
            for name in webhooks where self.webhooks[name] == nil {
                throw DecodingError.dataCorruptedError(
                    forKey: .recipients, in: c, debugDescription: "insights: recipient '\(extra.id)' names an unknown webhook '\(name)'")
            }
        }
    }

    /// `webhooks` with each one named after its key: recipients and the notifier find a
    /// webhook by that name, so the two must not differ.
    private static func namedByKey(_ webhooks: [String: Webhook]) -> [String: Webhook] {
        Dictionary(uniqueKeysWithValues: webhooks.map { name, hook in
            var hook = hook
            hook.settings.name = name
            return (name, hook)
        })
    }

    /// The schedule of `tenant`.
    public func schedule(tenant: String) -> Schedule { tenantSchedules[tenant] ?? schedule }

    /// The webhooks that receive `recipient`'s digests.
    public func webhooks(for recipient: Recipient, tenant: String) -> [String] {
        webhooks.filter { _, hook in
            (hook.tenants.isEmpty || hook.tenants.contains(tenant))
                && (hook.roles.contains(recipient.role) || recipient.hierarchyRole.map(hook.roles.contains) == true
                    || hook.employees.contains(recipient.id))
        }
        .keys.sorted()
    }

    /// The configured recipients of `tenant`.
    public func recipients(tenant: String) -> [Recipient] {
        extraRecipients.filter { $0.tenant == tenant }.map { extra in
            let territory = extra.territory.flatMap(RecipientTerritory.init(parsing:))
            var recipient = Recipient(
                id: extra.id, name: extra.name, email: extra.email, role: extra.role, hierarchyRole: nil, territory: territory)
            recipient.webhooks = Array(Set((extra.webhooks ?? []) + webhooks(for: recipient, tenant: tenant))).sorted()
            return recipient
        }
    }
}
