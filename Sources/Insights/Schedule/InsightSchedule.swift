import Foundation
import Warehouse

/// When one tenant's insights go out: the morning digest at a local time of day, alerts
/// at an interval, and how far back missed digests are still sent.
public struct InsightSchedule: Sendable, Hashable {
    /// The tenant id.
    public let tenant: String
    /// The tenant's IANA time zone identifier (`Asia/Kolkata`); digests follow its local
    /// dates and clock, including daylight saving time.
    public let timeZone: String
    /// The local hour (0–23) after which the day's digest goes out.
    public let digestHour: Int
    /// The minute (0–59) of ``digestHour``.
    public let digestMinute: Int
    /// Minutes between two reads of the data watermark; nil or 0 sends no alerts.
    public let alertIntervalMinutes: Int?
    /// After a downtime, the digests of this many local days before today are still sent;
    /// older ones are skipped and logged (stale news is noise). A tenant without any
    /// digest yet starts with today's.
    public let catchUpDays: Int
    /// False stops the tenant's digests and alerts.
    public let enabled: Bool

    /// The validated zone.
    let zone: TimeZone

    /// Makes a schedule; throws ``InsightScheduleError`` for an unknown time zone or a
    /// value out of range.
    public init(
        tenant: String, timeZone: String, digestHour: Int = 7, digestMinute: Int = 0, alertIntervalMinutes: Int? = 15,
        catchUpDays: Int = 2, enabled: Bool = true
    ) throws {
        guard !tenant.isEmpty else { throw InsightScheduleError(.invalidValue, tenant: tenant, "the tenant id is empty") }
        guard let zone = TimeZone(identifier: timeZone) else {
            throw InsightScheduleError(.unknownTimeZone, tenant: tenant, "unknown time zone '\(timeZone)'")
        }
        guard (0...23).contains(digestHour), (0...59).contains(digestMinute) else {
            throw InsightScheduleError(
                .invalidValue, tenant: tenant, "digest time \(digestHour):\(digestMinute) is not a time of day")
        }
        guard catchUpDays >= 0 else {
            throw InsightScheduleError(.invalidValue, tenant: tenant, "catch-up days must not be negative")
        }
        if let minutes = alertIntervalMinutes, minutes < 0 {
            throw InsightScheduleError(.invalidValue, tenant: tenant, "the alert interval must not be negative")
        }
        self.tenant = tenant
        self.timeZone = timeZone
        self.zone = zone
        self.digestHour = digestHour
        self.digestMinute = digestMinute
        self.alertIntervalMinutes = alertIntervalMinutes
        self.catchUpDays = catchUpDays
        self.enabled = enabled
    }

    /// The tenant-local date and minute of the day (0–1439) at `instant`.
    func localTime(at instant: Date) -> (date: SQLDate, minuteOfDay: Int) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        return (
            // The Gregorian calendar always yields a valid date; the fallback is unreachable.
            SQLDate(year: c.year ?? 1970, month: c.month ?? 1, day: c.day ?? 1) ?? SQLDate(daysSinceEpoch: 0),
            (c.hour ?? 0) * 60 + (c.minute ?? 0)
        )
    }

    /// Whether the digest of the local day whose clock reads `minuteOfDay` is due.
    ///
    /// Compares wall-clock minutes rather than instants, so a digest time skipped by a
    /// spring-forward (02:30 in New York) is due from the first minute after it (03:00),
    /// and a repeated hour in autumn does not make it due twice (the log sees to that).
    func digestDue(minuteOfDay: Int) -> Bool {
        minuteOfDay >= digestHour * 60 + digestMinute
    }
}
