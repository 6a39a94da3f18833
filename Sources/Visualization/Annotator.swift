import Warehouse

/// Finds what is worth saying about a result, strongest first: the change against the
/// compared period, outliers in a series over time, how concentrated a breakdown is, and
/// its largest part. (A breakdown's largest parts are its concentration, not outliers:
/// sales by brand or zone are skewed by nature.)
struct Annotator {
    let input: VisualizationInput
    let format: NumberFormat

    /// Robust z-scores at least this far from zero are outliers (Iglewicz and Hoaglin).
    static let outlierThreshold = 3.5
    /// A breakdown is concentrated when its top fifth holds at least this share of the total.
    static let concentrationThreshold = 0.8
    /// Fewer rows say nothing about outliers or concentration.
    static let minimumRows = 5

    func annotations() -> [Annotation] {
        guard let measure = input.measureIndices.first, !input.rows.isEmpty else { return [] }
        var result: [Annotation] = []
        if let change = change(measure) { result.append(change) }
        result += outliers(measure)
        if let breakdown = breakdown(measure) {
            if let concentration = concentration(breakdown) { result.append(concentration) }
            result.append(topContributor(breakdown))
        }
        return result
    }

    // MARK: Change

    /// The first measure's total against the compared period's, toned by `up_is_good`.
    private func change(_ measure: Int) -> Annotation? {
        guard let comparison = input.comparison, let traits = input.columns[measure].measure else { return nil }
        // Averages and distinct counts do not add up over rows; compare them only when single.
        guard traits.isAdditive || (input.rows.count == 1 && comparison.previousRows.count <= 1) else { return nil }
        let current = input.rows.reduce(0) { $0 + ($1[measure].doubleValue ?? 0) }
        let previous = comparison.previousRows.reduce(0) { $0 + ($1[measure].doubleValue ?? 0) }
        let title = input.columns[measure].title
        let now = format.format(current, unit: traits.unit)
        guard previous != 0 else {
            return Annotation(
                kind: .change,
                text: "\(title) was \(now) in \(comparison.currentName); nothing was recorded in \(comparison.previousName).",
                tone: .neutral)
        }
        let percent = (current - previous) / abs(previous) * 100
        let then = format.format(previous, unit: traits.unit)
        let text: String
        if abs(percent) < 0.05 {
            text = "\(title) held level at \(now) in \(comparison.currentName), as in \(comparison.previousName)."
        } else {
            let direction = percent > 0 ? "up" : "down"
            text =
                "\(title) \(direction) \(format.percent(abs(percent))) to \(now) in \(comparison.currentName), from \(then) in \(comparison.previousName)."
        }
        return Annotation(kind: .change, text: text, tone: Tone(changePercent: percent, upIsGood: traits.upIsGood))
    }

    // MARK: Outliers

    /// Points of a series over time whose robust z-score — 0.6745 ×
    /// distance from the median ÷ the median absolute deviation — is at least 3.5; the two
    /// farthest at most.
    private func outliers(_ measure: Int) -> [Annotation] {
        guard let labelColumn = input.timeIndex, input.categoryIndices.isEmpty, input.rows.count >= Self.minimumRows,
            let traits = input.columns[measure].measure
        else { return [] }
        let points = input.rows.compactMap { row -> (String, Double)? in
            guard let value = row[measure].doubleValue, value.isFinite else { return nil }
            return (label(row, column: labelColumn), value)
        }
        guard points.count >= Self.minimumRows else { return [] }
        let median = Self.median(points.map(\.1))
        let deviation = Self.median(points.map { abs($0.1 - median) })
        guard deviation > 0 else { return [] }
        let scored = points.map { ($0.0, $0.1, 0.6745 * ($0.1 - median) / deviation) }
            .filter { abs($0.2) >= Self.outlierThreshold }
            .sorted { abs($0.2) > abs($1.2) }
        let title = input.columns[measure].title.lowercased()
        return scored.prefix(2).map { label, value, z in
            let difference = value - median
            let side = difference > 0 ? "above" : "below"
            let percent = median != 0 ? " (\(format.percent(abs(difference / median * 100))))" : ""
            let text =
                "\(label) stands out: \(title) of \(format.format(value, unit: traits.unit)) is \(format.format(abs(difference), unit: traits.unit))\(percent) \(side) the median of \(format.format(median, unit: traits.unit)) (robust z \(NumberFormat.decimal(z, places: 1)))."
            let tone: Tone = median != 0 ? Tone(changePercent: difference / abs(median) * 100, upIsGood: traits.upIsGood) : .warning
            return Annotation(kind: .outlier, text: text, tone: tone)
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return 0 }
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }

    // MARK: Breakdown

    /// A breakdown by one category of an additive, non-negative measure with a positive total.
    private struct Breakdown {
        var parts: [(label: String, value: Double)]
        var total: Double
        var unit: NumberFormat.Unit
        var measureTitle: String
        var noun: String
    }

    private func breakdown(_ measure: Int) -> Breakdown? {
        guard input.timeIndex == nil, input.categoryIndices.count == 1, input.comparison == nil, input.rows.count >= 2,
            let traits = input.columns[measure].measure, traits.isAdditive
        else { return nil }
        let category = input.categoryIndices[0]
        var parts: [(label: String, value: Double)] = []
        for row in input.rows {
            guard let value = row[measure].doubleValue, value.isFinite, value >= 0 else { return nil }
            parts.append((input.label(row[category]), value))
        }
        let total = parts.reduce(0) { $0 + $1.value }
        guard total > 0 else { return nil }
        return Breakdown(
            parts: parts.sorted { $0.value > $1.value }, total: total, unit: traits.unit,
            measureTitle: input.columns[measure].title.lowercased(), noun: Self.plural(input.columns[category].title.lowercased()))
    }

    /// "Maharashtra is the largest …: ₹1.23 Cr, 34.5% of the ₹3.57 Cr total."
    private func topContributor(_ breakdown: Breakdown) -> Annotation {
        let top = breakdown.parts[0]
        let share = format.percent(top.value / breakdown.total * 100)
        let value = format.format(top.value, unit: breakdown.unit)
        let total = format.format(breakdown.total, unit: breakdown.unit)
        let text =
            input.isCutShort
            ? "\(top.label) leads the \(breakdown.parts.count) \(breakdown.noun) shown with \(value), \(share) of their \(total)."
            : "\(top.label) is the largest of \(breakdown.parts.count) \(breakdown.noun) with \(value), \(share) of the \(total) total."
        return Annotation(kind: .topContributor, text: text, tone: .neutral)
    }

    /// The top fifth's share of the whole; a warning at 80 % or more. Not said of a ranking
    /// cut short, whose rows are not the whole, nor when the top fifth is one row holding
    /// less than 80 % (the top contributor already says it).
    private func concentration(_ breakdown: Breakdown) -> Annotation? {
        guard !input.isCutShort, breakdown.parts.count >= Self.minimumRows else { return nil }
        let count = breakdown.parts.count
        let top = max(1, Int((Double(count) * 0.2).rounded(.up)))
        let share = breakdown.parts.prefix(top).reduce(0) { $0 + $1.value } / breakdown.total
        guard top > 1 || share >= Self.concentrationThreshold else { return nil }
        let text =
            "The top \(top) of \(count) \(breakdown.noun) \(top == 1 ? "holds" : "hold") \(format.percent(share * 100)) of \(breakdown.measureTitle)."
        return Annotation(kind: .concentration, text: text, tone: share >= Self.concentrationThreshold ? .warning : .neutral)
    }

    private func label(_ row: [Value], column: Int) -> String {
        if case .time(let granularity) = input.columns[column].role { return input.label(row[column], granularity: granularity) }
        return input.label(row[column])
    }

    /// "brand" → "brands", "city" → "cities", "customer type" → "customer types".
    static func plural(_ noun: String) -> String {
        if noun.hasSuffix("s") || noun.hasSuffix("x") || noun.hasSuffix("ch") || noun.hasSuffix("sh") { return noun + "es" }
        if noun.hasSuffix("y"), let before = noun.dropLast().last, !"aeiou".contains(before) {
            return String(noun.dropLast()) + "ies"
        }
        return noun + "s"
    }
}
