import Foundation

/// The few statistics the detectors need, on plain arrays (the series are short: weeks or
/// a few months of days).
enum SeriesStatistics {
    static func mean(_ values: some Collection<Double>) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }

    /// Sample standard deviation.
    static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count > 1 else { return 0 }
        let center = mean(values)
        let squares = values.reduce(0) { $0 + ($1 - center) * ($1 - center) }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    static func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Median absolute deviation scaled by 1.4826, so that it estimates the standard
    /// deviation of normal data while one wild day barely moves it.
    static func scaledMAD(_ values: [Double]) -> Double {
        let center = median(values)
        return 1.4826 * median(values.map { abs($0 - center) })
    }

    /// Least-squares line through (0, y0), (1, y1)…: slope, intercept and R².
    static func linearFit(_ values: [Double]) -> (slope: Double, intercept: Double, rSquared: Double) {
        let n = Double(values.count)
        guard values.count > 1 else { return (0, values.first ?? 0, 0) }
        let xMean = (n - 1) / 2
        let yMean = mean(values)
        var sxy = 0.0
        var sxx = 0.0
        var syy = 0.0
        for (i, y) in values.enumerated() {
            let dx = Double(i) - xMean
            sxy += dx * (y - yMean)
            sxx += dx * dx
            syy += (y - yMean) * (y - yMean)
        }
        let slope = sxx == 0 ? 0 : sxy / sxx
        let rSquared = syy == 0 ? 0 : (sxy * sxy) / (sxx * syy)
        return (slope, yMean - slope * xMean, rSquared)
    }

    /// Multiplicative weekday factors (index 0 = Monday) of a daily series: each weekday's
    /// mean over the overall mean, so that a Sunday is judged against Sundays. Weekdays
    /// without data, or a series without sales, get 1.
    static func weekdayFactors(values: [Double], weekdays: [Int]) -> [Double] {
        var sums = [Double](repeating: 0, count: 7)
        var counts = [Double](repeating: 0, count: 7)
        for (value, weekday) in zip(values, weekdays) {
            sums[weekday] += value
            counts[weekday] += 1
        }
        let overall = mean(values)
        guard overall > 0 else { return [Double](repeating: 1, count: 7) }
        return (0..<7).map { day in
            guard counts[day] > 0 else { return 1 }
            let factor = sums[day] / counts[day] / overall
            // A weekday without sales (a closed day) would divide by zero; judge it as is.
            return factor > 0.05 ? factor : 1
        }
    }
}
