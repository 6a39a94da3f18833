import Conversation
import Foundation
import Semantic
import Visualization
import Warehouse

/// Puts an answered question into DESIGN.md's reply shape: the query with its absolute
/// dates, the SQL, the rows, a Chart.js configuration, the visualization (chart kind, KPI
/// card, table, annotations, alternatives), a one-line insight and a suggested next
/// question; a comparison carries both periods and the change. Numbers are written in the
/// tenant's ``NumberFormat``.
struct AnswerRenderer {
    /// One executed query and the period it covered.
    struct PeriodResult {
        var query: CubeQuery
        var compiled: CompiledQuery
        var result: ResultSet
        var period: QueryIntent.Period?
    }

    let model: DataModel
    let parser: QuestionParser
    let asOf: SQLDate
    /// How the tenant writes numbers.
    var numberFormat: NumberFormat = .india
    /// Checks suggested follow-up questions; without one, none is suggested.
    var validator: QueryValidator?

    static func clarification(_ validation: Validation, sessionId: String, question: String) -> JSONValue {
        .object([
            ("status", .string("needs_clarification")),
            ("sessionId", .string(sessionId)),
            ("question", .string(question)),
            (
                "questions",
                .array(
                    validation.clarifications.map { item in
                        .object([
                            ("dimension", .string(item.dimension)), ("question", .string(item.question)),
                            ("options", .strings(item.options)),
                        ])
                    })
            ),
            ("suggestions", .strings(validation.suggestions)),
            ("missing", .strings(validation.missing.map(\.rawValue))),
            ("unrecognized", .strings(validation.parsed.unrecognized)),
            ("confidence", .number(NumberFormat.decimal(validation.confidence, places: 2))),
        ])
    }

    func answer(
        intent: QueryIntent, query: CubeQuery, validation: Validation, question: String, understood: String,
        results: [PeriodResult], sessionId: String, usage: LLMUsage?, showsSQL: Bool = true
    ) -> (json: JSONValue, text: String) {
        let members = MemberCatalog(model: model)
        let current = results[0]
        let shapes = CubeQueryShapes(query: current.query, members: members, today: asOf)
        var fields: [(String, JSONValue)] = [
            ("status", .string("answered")),
            ("sessionId", .string(sessionId)),
            ("question", .string(question)),
            ("understood", .string(understood)),
            ("query", Self.queryJSON(query)),
        ]
        // The SQL is for roles with view_sql; others get the same answer without it.
        if showsSQL { fields.append(("sql", .string(current.compiled.sql))) }
        fields += [
            ("data", shapes.rows(current.result, columns: current.compiled.columns)),
        ]
        let measure = intent.measures.first ?? ""
        let currentTotal = total(current, measure: measure)
        var previousTotal: Double?
        if results.count > 1 {
            let previous = results[1]
            let previousShapes = CubeQueryShapes(query: previous.query, members: members, today: asOf)
            previousTotal = total(previous, measure: measure)
            var comparison: [(String, JSONValue)] = [
                ("current", periodJSON(current.period)),
                ("previous", periodJSON(previous.period)),
                ("previousData", previousShapes.rows(previous.result, columns: previous.compiled.columns)),
                ("measure", .string(measure)),
                ("currentValue", .number(NumberFormat.decimal(currentTotal, places: 2))),
                ("previousValue", .number(NumberFormat.decimal(previousTotal ?? 0, places: 2))),
            ]
            if let previousTotal, previousTotal != 0 {
                comparison.append(
                    ("changePercent", .number(NumberFormat.decimal((currentTotal - previousTotal) / abs(previousTotal) * 100, places: 2))))
            }
            if showsSQL { comparison.append(("sql", .string(previous.compiled.sql))) }
            fields.append(("comparison", .object(comparison)))
        }
        let visualization = Visualizer(format: numberFormat).visualize(visualizationInput(intent: intent, results: results))
        fields.append(("chart", visualization.chart.map { JSONValue.encoded($0) } ?? .null))
        fields.append(("visualization", JSONValue.encoded(VisualizationBody(visualization))))
        var insight = insight(intent: intent, current: current, currentTotal: currentTotal, previousTotal: previousTotal)
        // The change annotation knows whether a rise is good news for this measure (up_is_good).
        if let change = visualization.annotations.first(where: { $0.kind == .change }) { insight.tone = change.tone.rawValue }
        fields.append(("insight", .object([("text", .string(insight.text)), ("tone", .string(insight.tone))])))
        let followUp = validator.flatMap { validator in
            FollowUpSuggester(parser: parser, validator: validator, asOf: asOf).followUp(
                question: question, intent: intent, topLabel: topLabel(intent: intent, current: current))
        }
        fields.append(("followUp", followUp.map(JSONValue.string) ?? .null))
        if let usage {
            // An LLM wrote the query: say so, with what it cost in tokens.
            fields.append(("source", .string("llm")))
            fields.append(
                (
                    "usage",
                    .object([
                        ("provider", .string(usage.provider)), ("model", .string(usage.model)),
                        ("inputTokens", .number(usage.inputTokens)), ("outputTokens", .number(usage.outputTokens)),
                        ("cachedInputTokens", .number(usage.cachedInputTokens)),
                    ])
                ))
        } else {
            fields.append(("missing", .strings(validation.missing.map(\.rawValue))))
            fields.append(("confidence", .number(NumberFormat.decimal(validation.confidence, places: 2))))
            fields.append(("source", .string("parser")))
        }
        var text = "\(understood)\n\(insight.text)"
        for annotation in visualization.annotations { text += "\n- \(annotation.text)" }
        text += "\n" + table(current)
        let others = visualization.alternatives.dropFirst().map(\.rawValue)
        text += "\n[\(visualization.kind.rawValue)\(others.isEmpty ? "" : "; or " + others.joined(separator: ", "))]"
        if let followUp { text += "\nNext: \(followUp)" }
        return (.object(fields), text)
    }

    // MARK: Visualization

    /// The current period's rows with column roles from the model, and the compared
    /// period's rows when there are two.
    private func visualizationInput(intent: QueryIntent, results: [PeriodResult]) -> VisualizationInput {
        let current = results[0]
        var comparison: VisualizationInput.Comparison?
        if results.count > 1 {
            comparison = .init(
                previousRows: results[1].result.rows, currentName: current.period?.description ?? "this period",
                previousName: results[1].period?.description ?? "the period before")
        }
        return VisualizationInput(
            compiled: current.compiled, result: current.result, model: model, title: parser.describe(intent),
            period: current.period?.description, limit: current.query.limit, comparison: comparison,
            memberTitle: parser.title(of:))
    }

    /// The label of the largest row of a breakdown by one dimension.
    private func topLabel(intent: QueryIntent, current: PeriodResult) -> String? {
        let columns = current.compiled.columns
        guard let dimension = intent.dimensions.first, let measure = intent.measures.first,
            let labelIndex = columns.firstIndex(where: { $0.member == dimension }),
            let valueIndex = columns.firstIndex(where: { $0.member == measure })
        else { return nil }
        let top = current.result.rows.max { ($0[valueIndex].doubleValue ?? -.infinity) < ($1[valueIndex].doubleValue ?? -.infinity) }
        return top.flatMap { $0[labelIndex].stringValue }
    }

    // MARK: Insight

    private func insight(
        intent: QueryIntent, current: PeriodResult, currentTotal: Double, previousTotal: Double?
    ) -> (text: String, tone: String) {
        let measure = intent.measures.first ?? ""
        let title = parser.title(of: measure)
        let period = intent.period.map { " in \($0.description)" } ?? ""
        if current.result.rows.isEmpty {
            return ("No \(title.lowercased()) recorded\(period) for this selection.", "neutral")
        }
        if let previousTotal, let compared = intent.comparedPeriod {
            guard previousTotal != 0 else {
                return ("\(title) was \(format(currentTotal, measure))\(period); nothing was recorded in \(compared.description).", "neutral")
            }
            let change = (currentTotal - previousTotal) / abs(previousTotal) * 100
            let direction = change >= 0 ? "up" : "down"
            return (
                "\(title) \(direction) \(NumberFormat.decimal(abs(change), places: 1))% to \(format(currentTotal, measure))\(period), from \(format(previousTotal, measure)) in \(compared.description).",
                change > 0.5 ? "positive" : change < -0.5 ? "negative" : "neutral"
            )
        }
        let columns = current.compiled.columns
        guard let valueIndex = columns.firstIndex(where: { $0.member == measure }) else {
            return ("\(current.result.rows.count) rows\(period).", "neutral")
        }
        if intent.granularity != nil, let first = current.result.rows.first?[valueIndex].doubleValue,
            let last = current.result.rows.last?[valueIndex].doubleValue, current.result.rows.count > 1, first != 0
        {
            let change = (last - first) / abs(first) * 100
            return (
                "\(title) went from \(format(first, measure)) to \(format(last, measure)) over \(current.result.rows.count) \(intent.granularity!.rawValue)s (\(change >= 0 ? "+" : "−")\(NumberFormat.decimal(abs(change), places: 1))%).",
                change > 0.5 ? "positive" : change < -0.5 ? "negative" : "neutral"
            )
        }
        if let dimension = intent.dimensions.first, let labelIndex = columns.firstIndex(where: { $0.member == dimension }),
            let top = current.result.rows.first
        {
            let label = top[labelIndex].stringValue ?? top[labelIndex].description
            let value = top[valueIndex].doubleValue ?? 0
            let sum = current.result.rows.reduce(0) { $0 + ($1[valueIndex].doubleValue ?? 0) }
            let share = sum != 0 ? " (\(NumberFormat.decimal(value / sum * 100, places: 1))% of the \(current.result.rows.count) shown)" : ""
            let verb = intent.ranking?.descending == false ? "is lowest" : "leads"
            return ("\(label) \(verb) with \(format(value, measure))\(share)\(period).", "neutral")
        }
        return ("\(title) was \(format(currentTotal, measure))\(period).", "neutral")
    }

    private func total(_ result: PeriodResult, measure: String) -> Double {
        guard let index = result.compiled.columns.firstIndex(where: { $0.member == measure }) else { return 0 }
        return result.result.rows.reduce(0) { $0 + ($1[index].doubleValue ?? 0) }
    }

    /// `value` of `member` in the tenant's number format, by the measure's Cube `format`.
    func format(_ value: Double, _ member: String) -> String {
        var format: String?
        if let cube = QuestionParser.cubeName(of: member), let name = QuestionParser.memberName(of: member) {
            format = model.cubes[cube]?.measure(name)?.format
        }
        return numberFormat.format(value, unit: NumberFormat.Unit(format: format))
    }

    private func periodJSON(_ period: QueryIntent.Period?) -> JSONValue {
        guard let period else { return .null }
        return .object([
            ("dateRange", .strings([period.from.description, period.to.description])),
            ("description", .string(period.description)),
        ])
    }

    /// The query as the user should see it: absolute date ranges, Cube's shape.
    static func queryJSON(_ query: CubeQuery) -> JSONValue {
        var fields: [(String, JSONValue)] = [("measures", .strings(query.measures))]
        if !query.dimensions.isEmpty { fields.append(("dimensions", .strings(query.dimensions))) }
        if !query.segments.isEmpty { fields.append(("segments", .strings(query.segments))) }
        if !query.filters.isEmpty {
            fields.append(
                (
                    "filters",
                    .array(
                        query.filters.compactMap { filter in
                            guard case .member(let member, let op, let values) = filter else { return nil }
                            return .object([
                                ("member", .string(member)), ("operator", .string(op.rawValue)), ("values", .strings(values)),
                            ])
                        })
                ))
        }
        if !query.timeDimensions.isEmpty {
            fields.append(
                (
                    "timeDimensions",
                    .array(
                        query.timeDimensions.map { td in
                            var entry: [(String, JSONValue)] = [("dimension", .string(td.dimension))]
                            if let granularity = td.granularity { entry.append(("granularity", .string(granularity.rawValue))) }
                            if case .absolute(let from, let to) = td.dateRange { entry.append(("dateRange", .strings([from, to]))) }
                            if let ranges = td.compareDateRange {
                                entry.append(
                                    (
                                        "compareDateRange",
                                        .array(
                                            ranges.compactMap { range in
                                                if case .absolute(let from, let to) = range { return .strings([from, to]) }
                                                return nil
                                            })
                                    ))
                            }
                            return .object(entry)
                        })
                ))
        }
        if let order = query.order {
            fields.append(("order", .array(order.map { .strings([$0.member, $0.direction.rawValue]) })))
        }
        if let limit = query.limit { fields.append(("limit", .number(limit))) }
        return .object(fields)
    }

    /// A plain-text table of the first rows, for the terminal.
    private func table(_ result: PeriodResult, limit: Int = 20) -> String {
        let columns = result.compiled.columns
        var lines = [columns.map { parser.title(of: $0.member) }.joined(separator: " | ")]
        for row in result.result.rows.prefix(limit) {
            lines.append(
                columns.indices.map { index -> String in
                    let value = row[index]
                    if let number = value.doubleValue, case .measure = columns[index].kind {
                        return format(number, columns[index].member)
                    }
                    return value.stringValue ?? value.description
                }.joined(separator: " | "))
        }
        if result.result.rows.count > limit { lines.append("… \(result.result.rows.count - limit) more rows") }
        return lines.joined(separator: "\n")
    }
}
