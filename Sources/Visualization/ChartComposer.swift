import Semantic
import Warehouse

/// Draws one input as each kind: Chart.js datasets and options, the KPI card, the table.
struct ChartComposer {
    let input: VisualizationInput
    let format: NumberFormat

    // MARK: Chart

    func chart(_ kind: ChartKind) -> ChartConfiguration? {
        switch kind {
        case .kpi, .table: nil
        case .line: input.categoryIndices.isEmpty ? series() : seriesByCategory()
        case .bar, .horizontalBar: bars(horizontal: kind == .horizontalBar)
        case .doughnut: doughnut()
        case .groupedBar: input.comparison == nil ? groupedBars() : comparedBars()
        case .dualAxis: dualAxis()
        }
    }

    /// One line per measure (and per period when compared); a second unit on a right axis.
    private func series() -> ChartConfiguration {
        let time = input.timeIndex!
        let granularity = granularity(of: time)
        let measures = input.measureIndices
        let firstUnit = input.columns[measures[0]].measure!.unit
        let previous = input.comparison?.previousRows ?? []
        var labels = input.rows.map { input.label($0[time], granularity: granularity) }
        if previous.count > labels.count {
            labels += previous[labels.count...].map { input.label($0[time], granularity: granularity) }
        }
        var datasets: [ChartConfiguration.Dataset] = []
        for measure in measures {
            let axis = input.columns[measure].measure!.unit == firstUnit ? nil : "y1"
            let title = input.columns[measure].title
            let periods: [(String, [[Value]])] =
                input.comparison.map { [("\(title), \($0.currentName)", input.rows), ("\(title), \($0.previousName)", $0.previousRows)] }
                ?? [(title, input.rows)]
            for (label, rows) in periods {
                let colour = Palette.color(datasets.count)
                datasets.append(
                    .init(
                        label: label, data: labels.indices.map { $0 < rows.count ? number(rows[$0][measure]) : nil },
                        yAxisID: axis, backgroundColor: .single(colour), borderColor: .single(colour), fill: false))
            }
        }
        let secondAxis = measures.filter { input.columns[$0].measure!.unit != firstUnit }
        var scales = ["y": valueAxis(measures.filter { input.columns[$0].measure!.unit == firstUnit })]
        if !secondAxis.isEmpty {
            scales["y"]?.position = "left"
            scales["y1"] = valueAxis(secondAxis, position: "right", ownGrid: false)
        }
        return configuration(.line, labels: labels, datasets: datasets, scales: scales)
    }

    /// A series over time split by one category: one line per value, largest total first.
    private func seriesByCategory() -> ChartConfiguration {
        let time = input.timeIndex!, category = input.categoryIndices[0], measure = input.measureIndices[0]
        let granularity = granularity(of: time)
        var labels: [String] = []
        var totals: [String: Double] = [:]
        var cells: [String: [String: Double?]] = [:]
        for row in input.rows {
            let label = input.label(row[time], granularity: granularity)
            let name = input.label(row[category])
            if !labels.contains(label) { labels.append(label) }
            totals[name, default: 0] += row[measure].doubleValue ?? 0
            cells[name, default: [:]][label] = number(row[measure])
        }
        let names = totals.keys.sorted { (totals[$0]!, $1) > (totals[$1]!, $0) }
        let datasets = names.enumerated().map { position, name -> ChartConfiguration.Dataset in
            let colour = Palette.color(position)
            return .init(
                label: name, data: labels.map { cells[name]?[$0] ?? nil }, backgroundColor: .single(colour),
                borderColor: .single(colour), fill: false)
        }
        return configuration(.line, labels: labels, datasets: datasets, scales: ["y": valueAxis([measure])])
    }

    private func bars(horizontal: Bool) -> ChartConfiguration {
        let category = input.categoryIndices[0], measure = input.measureIndices[0]
        let dataset = ChartConfiguration.Dataset(
            label: input.columns[measure].title, data: input.rows.map { number($0[measure]) },
            backgroundColor: .single(Palette.color(0)))
        return configuration(
            .bar, labels: categoryLabels(category), datasets: [dataset],
            scales: [horizontal ? "x" : "y": valueAxis([measure])], indexAxis: horizontal ? "y" : nil)
    }

    private func doughnut() -> ChartConfiguration {
        let category = input.categoryIndices[0], measure = input.measureIndices[0]
        let dataset = ChartConfiguration.Dataset(
            label: input.columns[measure].title, data: input.rows.map { number($0[measure]) },
            backgroundColor: .perPoint(input.rows.indices.map(Palette.color)))
        return configuration(
            .doughnut, labels: categoryLabels(category), datasets: [dataset], scales: nil,
            legend: .init(display: true, position: "right"))
    }

    /// Two or three measures of one unit side by side.
    private func groupedBars() -> ChartConfiguration {
        let category = input.categoryIndices[0], measures = input.measureIndices
        let labels = categoryLabels(category)
        let datasets = measures.enumerated().map { position, measure in
            ChartConfiguration.Dataset(
                label: input.columns[measure].title, data: input.rows.map { number($0[measure]) },
                backgroundColor: .single(Palette.color(position)))
        }
        let horizontal = ChartChoice.needsHorizontalBars(labels)
        return configuration(
            .bar, labels: labels, datasets: datasets, scales: [horizontal ? "x" : "y": valueAxis(measures)],
            indexAxis: horizontal ? "y" : nil)
    }

    /// The current and the compared period side by side, matched by label; labels only the
    /// compared period has come last.
    private func comparedBars() -> ChartConfiguration {
        let category = input.categoryIndices[0], measure = input.measureIndices[0]
        let comparison = input.comparison!
        var labels = categoryLabels(category)
        var previous: [String: Double?] = [:]
        for row in comparison.previousRows {
            let label = input.label(row[category])
            previous[label] = number(row[measure])
            if !labels.contains(label) { labels.append(label) }
        }
        var current: [String: Double?] = [:]
        for row in input.rows { current[input.label(row[category])] = number(row[measure]) }
        let title = input.columns[measure].title
        let datasets: [ChartConfiguration.Dataset] = [
            .init(
                label: "\(title), \(comparison.currentName)", data: labels.map { current[$0] ?? nil },
                backgroundColor: .single(Palette.color(0))),
            .init(
                label: "\(title), \(comparison.previousName)", data: labels.map { previous[$0] ?? nil },
                backgroundColor: .single(Palette.color(1))),
        ]
        let horizontal = ChartChoice.needsHorizontalBars(labels)
        return configuration(
            .bar, labels: labels, datasets: datasets, scales: [horizontal ? "x" : "y": valueAxis([measure])],
            indexAxis: horizontal ? "y" : nil)
    }

    /// Bars of the first measure on the left axis, a line of the second on the right.
    private func dualAxis() -> ChartConfiguration {
        let category = input.categoryIndices[0], measures = input.measureIndices
        let datasets: [ChartConfiguration.Dataset] = [
            .init(
                label: input.columns[measures[0]].title, data: input.rows.map { number($0[measures[0]]) }, type: .bar,
                yAxisID: "y", backgroundColor: .single(Palette.color(0))),
            .init(
                label: input.columns[measures[1]].title, data: input.rows.map { number($0[measures[1]]) }, type: .line,
                yAxisID: "y1", backgroundColor: .single(Palette.color(1)), borderColor: .single(Palette.color(1)),
                fill: false),
        ]
        return configuration(
            .bar, labels: categoryLabels(category), datasets: datasets,
            scales: [
                "y": valueAxis([measures[0]], position: "left"),
                "y1": valueAxis([measures[1]], position: "right", ownGrid: false),
            ])
    }

    private func configuration(
        _ type: ChartConfiguration.Kind, labels: [String], datasets: [ChartConfiguration.Dataset],
        scales: [String: ChartConfiguration.Options.Scale]?, indexAxis: String? = nil,
        legend: ChartConfiguration.Options.Legend? = nil
    ) -> ChartConfiguration {
        ChartConfiguration(
            type: type, labels: labels, datasets: datasets,
            options: .init(
                maintainAspectRatio: true, indexAxis: indexAxis,
                plugins: .init(title: .init(text: input.title), legend: legend ?? .init(display: datasets.count > 1)),
                scales: scales))
    }

    /// A value axis from zero, titled with its measures and their unit.
    private func valueAxis(_ measures: [Int], position: String? = nil, ownGrid: Bool = true) -> ChartConfiguration.Options.Scale {
        let titles = measures.map { input.columns[$0].title }.joined(separator: ", ")
        let unit: String =
            switch measures.first.flatMap({ input.columns[$0].measure?.unit }) {
            case .currency: " (\(format.currencySymbol))"
            case .percent: " (%)"
            default: ""
            }
        return .init(
            position: position, beginAtZero: true, title: .init(text: titles + unit),
            grid: ownGrid ? nil : .init(drawOnChartArea: false))
    }

    // MARK: KPI

    func kpi() -> KPICard {
        let measure = input.measureIndices[0]
        let traits = input.columns[measure].measure!
        let value = input.rows.first?[measure].doubleValue
        var card = KPICard(
            title: input.columns[measure].title, value: value, formattedValue: formatted(value, traits.unit),
            period: input.comparison?.currentName ?? input.period)
        if let comparison = input.comparison {
            let previous = comparison.previousRows.first?[measure].doubleValue
            card.previousValue = previous
            card.formattedPreviousValue = formatted(previous, traits.unit)
            card.previousPeriod = comparison.previousName
            if let value, let previous, previous != 0 {
                let change = (value - previous) / abs(previous) * 100
                card.changePercent = (change * 100).rounded() / 100
                card.formattedChange = format.signedPercent(change)
                card.tone = Tone(changePercent: change, upIsGood: traits.upIsGood)
            }
        }
        return card
    }

    // MARK: Table

    /// Every column; when compared, the compared period's value of each measure follows,
    /// matched by the row's labels (by position for a series over time).
    func table() -> TableView {
        var columns = input.columns.map {
            TableView.Column(title: $0.title, member: $0.member, isNumeric: $0.measure != nil)
        }
        let measures = input.measureIndices
        var previousByKey: [String: [Value]] = [:]
        if let comparison = input.comparison {
            for measure in measures { columns[measure].title += ", \(comparison.currentName)" }
            for measure in measures {
                let column = input.columns[measure]
                columns.append(.init(title: "\(column.title), \(comparison.previousName)", member: column.member, isNumeric: true))
            }
            for (position, row) in comparison.previousRows.enumerated() { previousByKey[key(row, position: position)] = row }
        }
        let rows = input.rows.enumerated().map { position, row -> [TableView.Cell] in
            var cells = input.columns.indices.map { cell(row[$0], column: $0) }
            if input.comparison != nil {
                let previous = previousByKey[key(row, position: position)]
                cells += measures.map { measure in previous.map { cell($0[measure], column: measure) } ?? .init(text: "–") }
            }
            return cells
        }
        return TableView(columns: columns, rows: rows)
    }

    private func key(_ row: [Value], position: Int) -> String {
        if input.timeIndex != nil { return String(position) }
        return input.categoryIndices.map { input.label(row[$0]) }.joined(separator: "\u{1F}")
    }

    private func cell(_ value: Value, column: Int) -> TableView.Cell {
        if let traits = input.columns[column].measure {
            return .init(text: formatted(value.doubleValue, traits.unit), value: value.doubleValue)
        }
        return .init(text: input.label(value, granularity: granularity(of: column)))
    }

    // MARK: Values

    private func formatted(_ value: Double?, _ unit: NumberFormat.Unit) -> String {
        value.map { format.format($0, unit: unit) } ?? "–"
    }

    private func categoryLabels(_ category: Int) -> [String] { input.rows.map { input.label($0[category]) } }

    private func granularity(of column: Int) -> CubeQuery.Granularity? {
        if case .time(let granularity) = input.columns[column].role { return granularity }
        return nil
    }

    /// A chart value: two decimals (paise), `nil` for NULL or non-numbers.
    private func number(_ value: Value) -> Double? {
        guard let number = value.doubleValue, number.isFinite else { return nil }
        return (number * 100).rounded() / 100
    }
}
