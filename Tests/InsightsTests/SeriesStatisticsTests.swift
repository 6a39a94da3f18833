@testable import Insights
import Testing

/// The detectors' statistics against values worked out by hand.
@Suite("SeriesStatistics")
struct SeriesStatisticsTests {
    static func close(_ a: Double, _ b: Double, within tolerance: Double = 1e-9) -> Bool { abs(a - b) <= tolerance }

    @Test("mean and sample standard deviation")
    func meanAndStandardDeviation() {
        let values: [Double] = [2, 4, 4, 4, 5, 5, 7, 9]
        #expect(SeriesStatistics.mean(values) == 5)
        #expect(SeriesStatistics.mean([Double]()) == 0)
        // Squares about 5: 9+1+1+1+0+0+4+16 = 32, over n-1 = 7.
        #expect(Self.close(SeriesStatistics.standardDeviation(values), (32.0 / 7).squareRoot()))
        #expect(SeriesStatistics.standardDeviation([3]) == 0)
    }

    @Test("median of odd, even and empty series")
    func median() {
        #expect(SeriesStatistics.median([3, 1, 2]) == 2)
        #expect(SeriesStatistics.median([4, 1, 3, 2]) == 2.5)
        #expect(SeriesStatistics.median([]) == 0)
        #expect(SeriesStatistics.median([7]) == 7)
    }

    @Test("scaled MAD ignores one wild value")
    func scaledMAD() {
        // Median 3; deviations 2, 1, 0, 1, 97; their median 1.
        #expect(Self.close(SeriesStatistics.scaledMAD([1, 2, 3, 4, 100]), 1.4826))
        #expect(SeriesStatistics.scaledMAD([5, 5, 5]) == 0)
        // Median 2.5; deviations 1.5, 0.5, 0.5, 1.5; their median 1.
        #expect(Self.close(SeriesStatistics.scaledMAD([1, 2, 3, 4]), 1.4826))
    }

    @Test("least-squares line: exact, noisy, flat and single-point series")
    func linearFit() {
        let exact = SeriesStatistics.linearFit([1, 3, 5, 7])
        #expect(Self.close(exact.slope, 2) && Self.close(exact.intercept, 1) && Self.close(exact.rSquared, 1))
        // x̄ = 1.5, ȳ = 1.5: Sxy = 1, Sxx = 5, Syy = 1.
        let noisy = SeriesStatistics.linearFit([1, 2, 1, 2])
        #expect(Self.close(noisy.slope, 0.2) && Self.close(noisy.intercept, 1.2) && Self.close(noisy.rSquared, 0.2))
        let falling = SeriesStatistics.linearFit([10, 8, 6])
        #expect(Self.close(falling.slope, -2) && Self.close(falling.intercept, 10) && Self.close(falling.rSquared, 1))
        let flat = SeriesStatistics.linearFit([4, 4, 4])
        #expect(flat.slope == 0 && flat.intercept == 4 && flat.rSquared == 0)
        let single = SeriesStatistics.linearFit([9])
        #expect(single.slope == 0 && single.intercept == 9 && single.rSquared == 0)
    }

    @Test("weekday factors: each weekday's mean over the overall mean; closed and missing days count as 1")
    func weekdayFactors() {
        // Two weeks, Monday first: 10 on weekdays, 20 on Saturday, nothing on Sunday; mean 10.
        let week: [Double] = [10, 10, 10, 10, 10, 20, 0]
        let factors = SeriesStatistics.weekdayFactors(values: week + week, weekdays: Array(0..<7) + Array(0..<7))
        #expect(factors == [1, 1, 1, 1, 1, 2, 1])
        // Mondays 30 and 10 (mean 20), Tuesdays 10 and 10: overall mean 15.
        let uneven = SeriesStatistics.weekdayFactors(values: [30, 10, 10, 10], weekdays: [0, 1, 0, 1])
        #expect(Self.close(uneven[0], 20.0 / 15) && Self.close(uneven[1], 10.0 / 15))
        #expect(uneven[2...].allSatisfy { $0 == 1 })
        #expect(SeriesStatistics.weekdayFactors(values: [0, 0, 0], weekdays: [0, 1, 2]) == [1, 1, 1, 1, 1, 1, 1])
    }
}
