import Conversation
import Semantic
import Warehouse

/// Chooses a chart for an answer and writes it as a Chart.js configuration: a line for a
/// trend, bars for a breakdown or a ranking (grouped bars when two periods are compared),
/// a single bar per period for a total.
struct ChartBuilder {
    let parser: QuestionParser

    func chart(intent: QueryIntent, results: [AnswerRenderer.PeriodResult]) -> JSONValue {
        guard let current = results.first else { return .null }
        let columns = current.compiled.columns
        let isTrend = intent.granularity != nil
        let labelColumn: Int? =
            if isTrend {
                columns.firstIndex { if case .timeDimension = $0.kind { true } else { false } }
            } else {
                intent.dimensions.first.flatMap { dimension in columns.firstIndex { $0.member == dimension } }
            }
        let measureIndices = intent.measures.compactMap { measure in columns.firstIndex { $0.member == measure } }
        var labels: [String] = []
        var datasets: [JSONValue] = []
        if let labelColumn {
            labels = current.result.rows.map { label($0[labelColumn]) }
            for (position, result) in results.enumerated() {
                // Rows of the compared period are matched to the current period's labels.
                var byLabel: [String: [Value]] = [:]
                for row in result.result.rows { byLabel[label(row[labelColumn])] = row }
                for index in measureIndices {
                    let data: [JSONValue] =
                        position == 0
                        ? result.result.rows.map { number($0[index]) }
                        : (isTrend ? result.result.rows.map { number($0[index]) } : labels.map { byLabel[$0].map { number($0[index]) } ?? .null })
                    datasets.append(dataset(title(columns[index].member, period: result.period, compared: results.count > 1), data))
                }
            }
        } else {
            labels = results.map { $0.period?.description ?? "Total" }
            for index in measureIndices {
                datasets.append(
                    dataset(parser.title(of: columns[index].member), results.map { $0.result.rows.first.map { number($0[index]) } ?? .null }))
            }
        }
        let type = isTrend ? "line" : "bar"
        let horizontal = !isTrend && labels.count > 8
        var options: [(String, JSONValue)] = [
            ("responsive", .bool(true)),
            ("plugins", .object([("title", .object([("display", .bool(true)), ("text", .string(parser.describe(intent)))]))])),
        ]
        if horizontal { options.append(("indexAxis", .string("y"))) }
        return .object([
            ("type", .string(type)),
            ("data", .object([("labels", .strings(labels)), ("datasets", .array(datasets))])),
            ("options", .object(options)),
        ])
    }

    private func title(_ member: String, period: QueryIntent.Period?, compared: Bool) -> String {
        let name = parser.title(of: member)
        guard compared, let period else { return name }
        return "\(name), \(period.description)"
    }

    private func dataset(_ label: String, _ data: [JSONValue]) -> JSONValue {
        .object([("label", .string(label)), ("data", .array(data))])
    }

    private func label(_ value: Value) -> String {
        switch value {
        case .date(let date): return date.description
        case .timestamp(let timestamp): return timestamp.date.description
        default: return value.stringValue ?? value.description
        }
    }

    private func number(_ value: Value) -> JSONValue {
        guard let number = value.doubleValue, number.isFinite else { return .null }
        return .number(AnswerRenderer.decimal(number, places: 2))
    }
}
