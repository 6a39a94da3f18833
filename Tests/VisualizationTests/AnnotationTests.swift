import Testing
import Visualization
import Warehouse

@Suite("Annotations")
struct AnnotationTests {
    private func annotations(_ input: VisualizationInput, _ format: NumberFormat = .india) -> [Annotation] {
        Visualizer(format: format).visualize(input).annotations
    }

    @Test func aRiseOfNetSalesIsGoodNews() {
        let input = VisualizationInput(
            columns: [Inputs.sales], rows: [[1_12_00_000]], title: "t",
            comparison: .init(previousRows: [[1_00_00_000]], currentName: "May 2025", previousName: "April 2025"))
        #expect(
            annotations(input) == [
                Annotation(
                    kind: .change, text: "Net sales up 12.0% to ₹1.12 Cr in May 2025, from ₹1.00 Cr in April 2025.",
                    tone: .positive)
            ])
        #expect(
            annotations(input, .international).first?.text
                == "Net sales up 12.0% to ₹11.20M in May 2025, from ₹10.00M in April 2025.")
    }

    @Test func aRiseOfReturnsIsBadNews() {
        let input = VisualizationInput(
            columns: [Inputs.measure("Transactions.returnAmount", "Returns", Inputs.returns)], rows: [[2_50_000]], title: "t",
            comparison: .init(previousRows: [[2_00_000]], currentName: "May 2025", previousName: "April 2025"))
        #expect(
            annotations(input) == [
                Annotation(
                    kind: .change, text: "Returns up 25.0% to ₹2.50 L in May 2025, from ₹2.00 L in April 2025.",
                    tone: .negative)
            ])
        #expect(Visualizer().visualize(input).kpi?.tone == .negative)
    }

    @Test func aFallOfReturnsIsGoodNewsAndASmallChangeIsNeutral() {
        var input = VisualizationInput(
            columns: [Inputs.measure("Transactions.returnAmount", "Returns", Inputs.returns)], rows: [[1_50_000]], title: "t",
            comparison: .init(previousRows: [[2_00_000]], currentName: "May 2025", previousName: "April 2025"))
        #expect(annotations(input).first?.tone == .positive)
        #expect(annotations(input).first?.text == "Returns down 25.0% to ₹1.50 L in May 2025, from ₹2.00 L in April 2025.")
        input.rows = [[2_00_600]]
        #expect(annotations(input).first?.tone == .neutral)
    }

    @Test func nothingLastPeriodIsSaid() {
        let input = VisualizationInput(
            columns: [Inputs.sales], rows: [[50_000]], title: "t",
            comparison: .init(previousRows: [], currentName: "May 2025", previousName: "April 2025"))
        #expect(
            annotations(input) == [
                Annotation(kind: .change, text: "Net sales was ₹50,000 in May 2025; nothing was recorded in April 2025.", tone: .neutral)
            ])
    }

    @Test func aBreakdownNamesItsTopContributor() {
        // Five zones: the top fifth is North alone, which the top contributor already names.
        let input = Inputs.breakdown([("North", 500), ("South", 300), ("West", 100), ("East", 60), ("Central", 40)])
        #expect(
            annotations(input) == [
                Annotation(
                    kind: .topContributor, text: "North is the largest of 5 zones with ₹500, 50.0% of the ₹1,000 total.",
                    tone: .neutral),
            ])
    }

    @Test func oneZoneHoldingMostOfTheWholeIsAWarning() {
        let input = Inputs.breakdown([("North", 900), ("South", 40), ("West", 30), ("East", 20), ("Central", 10)])
        #expect(
            annotations(input).first
                == Annotation(kind: .concentration, text: "The top 1 of 5 zones holds 90.0% of net sales.", tone: .warning))
    }

    @Test func anEvenBreakdownIsNeutral() {
        let zones: [(String, Value)] = (1...10).map { ("Zone \($0)", Value.double(100)) }
        #expect(
            annotations(Inputs.breakdown(zones)).first
                == Annotation(kind: .concentration, text: "The top 2 of 10 zones hold 20.0% of net sales.", tone: .neutral))
    }

    @Test func aConcentratedBreakdownIsAWarning() {
        // 10 brands: the top 2 hold 85 %.
        let brands: [(String, Value)] =
            [("Aashirvaad", .double(60_00_000)), ("Sunfeast", .double(25_00_000))]
            + (3...10).map { ("Brand \($0)", Value.double(1_87_500)) }
        let input = Inputs.breakdown(brands, column: Inputs.brand)
        let concentration = annotations(input).first { $0.kind == .concentration }
        #expect(concentration == Annotation(kind: .concentration, text: "The top 2 of 10 brands hold 85.0% of net sales.", tone: .warning))
        let top = annotations(input).first { $0.kind == .topContributor }
        #expect(top?.text == "Aashirvaad is the largest of 10 brands with ₹60.00 L, 60.0% of the ₹1.00 Cr total.")
    }

    @Test func aRankingCutShortSaysOfTheRowsShownAndNothingOfConcentration() {
        let input = Inputs.breakdown(
            [("Aashirvaad", 600), ("Sunfeast", 250), ("Bingo!", 100), ("Yippee!", 30), ("Classmate", 20)],
            column: Inputs.brand, limit: 5)
        let result = annotations(input)
        #expect(!result.contains { $0.kind == .concentration })
        #expect(result.contains(Annotation(
            kind: .topContributor, text: "Aashirvaad leads the 5 brands shown with ₹600, 60.0% of their ₹1,000.", tone: .neutral)))
    }

    @Test func anOutlierInASeriesIsNamedWithItsDistance() {
        let input = Inputs.monthly([100, 102, 98, 101, 99, 100, 300])
        let outliers = annotations(input).filter { $0.kind == .outlier }
        #expect(
            outliers == [
                Annotation(
                    kind: .outlier,
                    text: "Jul 2025 stands out: net sales of ₹300 is ₹200 (200.0%) above the median of ₹100 (robust z 134.9).",
                    tone: .positive)
            ])
    }

    @Test func aDropOfNetSalesIsANegativeOutlier() {
        let input = Inputs.monthly([100, 102, 98, 101, 99, 100, 10])
        let outlier = annotations(input).first { $0.kind == .outlier }
        #expect(outlier?.tone == .negative)
        #expect(outlier?.text.hasPrefix("Jul 2025 stands out: net sales of ₹10 is ₹90 (90.0%) below the median of ₹100") == true)
    }

    @Test func anEvenSeriesHasNoOutlier() {
        #expect(annotations(Inputs.monthly([100, 110, 90, 105, 95, 120])).filter { $0.kind == .outlier }.isEmpty)
        // A flat series has no spread to measure against: nothing is called an outlier.
        #expect(annotations(Inputs.monthly([100, 100, 100, 100, 100, 130])).isEmpty)
    }

    @Test func tonesHaveTheirColours() {
        #expect(Tone.positive.color == Palette.positive)
        #expect(Tone.negative.color == "#D55E00")
        #expect(Tone.warning.color == "#E69F00")
        #expect(Tone(changePercent: 0.4, upIsGood: true) == .neutral)
        #expect(Tone(changePercent: -3, upIsGood: false) == .positive)
    }
}
