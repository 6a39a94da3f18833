import Warehouse

/// The shapes of the Indian sales year: the Diwali peak, summer, winter, monsoon and the
/// school term, as smooth bumps built from polynomials only (no libm, so every platform
/// computes the same bits).
enum FestiveCalendar {
    /// Diwali (Lakshmi Puja) by year; other years fall back to 1 November.
    static let diwali: [Int: (month: Int, day: Int)] = [
        2015: (11, 11), 2016: (10, 30), 2017: (10, 19), 2018: (11, 7), 2019: (10, 27), 2020: (11, 14),
        2021: (11, 4), 2022: (10, 24), 2023: (11, 12), 2024: (11, 1), 2025: (10, 21), 2026: (11, 8),
        2027: (10, 29), 2028: (10, 17), 2029: (11, 5), 2030: (10, 26),
    ]

    static func diwaliDay(year: Int) -> Int {
        let (month, day) = diwali[year] ?? (11, 1)
        return Int(SQLDate(year: year, month: month, day: day)?.daysSinceEpoch ?? 0)
    }

    /// 1 at the centre, falling smoothly to 0 at ±halfWidth: (1 − t²)².
    static func bump(_ distance: Double, halfWidth: Double) -> Double {
        let t = distance / halfWidth
        guard t > -1, t < 1 else { return 0 }
        let u = 1 - t * t
        return u * u
    }

    /// The festive season, peaking a week before Diwali and spanning about two months.
    static func festive(_ date: SQLDate) -> Double {
        let year = date.components.year
        let day = Int(date.daysSinceEpoch)
        var peak = 0.0
        for y in (year - 1)...(year + 1) {
            peak = max(peak, bump(Double(day - (diwaliDay(year: y) - 7)), halfWidth: 32))
        }
        return peak
    }

    static func dayOfYear(_ date: SQLDate) -> Int {
        let year = date.components.year
        return Int(date.daysSinceEpoch) - Int(SQLDate(year: year, month: 1, day: 1)?.daysSinceEpoch ?? 0) + 1
    }

    /// A bump on the calendar circle around day-of-year `centre`.
    static func seasonal(_ dayOfYear: Int, centre: Int, halfWidth: Double) -> Double {
        var distance = abs(dayOfYear - centre)
        distance = min(distance, 365 - distance)
        return bump(Double(distance), halfWidth: halfWidth)
    }

    /// The demand multiplier of a category's season on a date.
    static func factor(_ season: Seasonality, on date: SQLDate) -> Double {
        let doy = dayOfYear(date)
        switch season {
        case .flat: return 1
        case .summer: return 1 + 0.6 * seasonal(doy, centre: 130, halfWidth: 75) - 0.3 * seasonal(doy, centre: 350, halfWidth: 70)
        case .winter: return 1 + 0.35 * seasonal(doy, centre: 15, halfWidth: 70) - 0.15 * seasonal(doy, centre: 170, halfWidth: 60)
        case .festive: return 1 + 0.6 * festive(date)
        case .school: return 1 + 0.9 * seasonal(doy, centre: 160, halfWidth: 30) + 0.3 * seasonal(doy, centre: 95, halfWidth: 20)
        case .monsoon: return 1 + 0.25 * seasonal(doy, centre: 205, halfWidth: 45)
        }
    }

    /// Demand of the whole business: the festive peak, a monsoon dip and the March push.
    static func overall(_ date: SQLDate) -> Double {
        let doy = dayOfYear(date)
        return 1 + 0.32 * festive(date) - 0.07 * seasonal(doy, centre: 210, halfWidth: 40)
            + 0.05 * seasonal(doy, centre: 82, halfWidth: 12)
    }

    /// Orders by weekday, Monday first: Saturday busy, Sunday mostly shut.
    static let weekday: [Double] = [1.06, 1.0, 0.98, 0.97, 1.03, 1.12, 0.45]
}
