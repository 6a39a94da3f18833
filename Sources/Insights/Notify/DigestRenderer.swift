import Mustache
import Visualization

/// Turns a digest into the subject, HTML and plain text of its e-mail.
///
/// The HTML comes from ``DigestTemplate`` filled with a view model built here; charts,
/// which an e-mail cannot run, are drawn as table cells whose widths (bars) or heights
/// (a line's last points) are proportional to the values of the chart's first series.
public struct DigestRenderer: Sendable {
    /// A line chart shows at most this many of its latest points.
    public static let maximumLinePoints = 14
    /// A bar chart shows at most this many bars.
    public static let maximumBars = 12

    private let template: MustacheTemplate

    /// Compiles the embedded template.
    public init() throws {
        template = try MustacheTemplate(string: DigestTemplate.html)
    }

    /// `ITC Limited · Your 5 insights for 2026-12-06 — Mumbai (City)`.
    public func subject(for digest: Digest) -> String { Self.subjectLine(for: digest) }

    static func subjectLine(for digest: Digest) -> String {
        "\(digest.tenantName) · \(headline(for: digest)) — \(digest.scopeDescription)"
    }

    /// The HTML alternative of the e-mail.
    public func html(for digest: Digest) -> String {
        template.render(DigestView(digest: digest, subject: subject(for: digest)))
    }

    /// The plain-text alternative: the same content, bars drawn with block characters.
    public func plainText(for digest: Digest) -> String {
        var lines = [
            digest.tenantName,
            Self.headline(for: digest),
            "For \(digest.recipient.name) · \(digest.scopeDescription) · data up to \(digest.asOf)",
            "",
        ]
        if digest.insights.isEmpty {
            lines.append(Self.emptyMessage(for: digest))
            lines.append("")
        }
        for (index, insight) in digest.insights.enumerated() {
            lines.append("\(index + 1). [\(ToneStyle(insight.tone).label)] \(insight.title)")
            lines.append("   \(insight.text)")
            if let chart = ChartView(insight.chart, style: digest.numberStyle) {
                lines.append("   \(chart.chartTitle)")
                let rows = chart.isBar ? chart.bars.map { ($0.label, $0.value, $0.width) } : chart.points
                let labelWidth = min(rows.map(\.0.count).max() ?? 0, 24)
                for (label, value, width) in rows {
                    let bar = String(repeating: "█", count: Int((Double(width) / 5).rounded()))
                    let paddedLabel =
                        label.count >= labelWidth
                        ? String(label.prefix(labelWidth))
                        : label + String(repeating: " ", count: labelWidth - label.count)
                    lines.append("   \(paddedLabel)  \(bar) \(value)")
                }
            }
            lines.append("   Ask ConvAI: \(insight.followUpQuestion)")
            lines.append("")
        }
        lines.append("Sent by ConvAI to \(digest.recipient.name) for \(digest.scopeDescription).")
        return lines.joined(separator: "\n") + "\n"
    }

    static func headline(for digest: Digest) -> String {
        switch digest.insights.count {
        case 0: "Nothing unusual for \(digest.asOf)"
        case 1: "Your 1 insight for \(digest.asOf)"
        case let count: "Your \(count) insights for \(digest.asOf)"
        }
    }

    static func emptyMessage(for digest: Digest) -> String {
        "Nothing unusual in \(digest.scopeDescription) up to \(digest.asOf): sales, outlets and distributors "
            + "moved within their usual range. Ask ConvAI anything to dig deeper."
    }
}

// MARK: View model (property names are the template's keys)

/// The colour and word for a tone.
struct ToneStyle {
    var colour: String
    var label: String

    init(_ tone: InsightTone) {
        switch tone {
        case .positive: (colour, label) = ("#1e8e3e", "Positive")
        case .negative: (colour, label) = ("#d93025", "Negative")
        case .warning: (colour, label) = ("#e37400", "Warning")
        case .neutral: (colour, label) = ("#80868b", "Neutral")
        }
    }
}

struct DigestView {
    var subject: String
    var tenantName: String
    var headline: String
    var recipientName: String
    var scope: String
    var asOf: String
    var hasInsights: Bool
    var insights: [InsightView]
    var emptyMessage: String

    init(digest: Digest, subject: String) {
        self.subject = subject
        tenantName = digest.tenantName
        headline = DigestRenderer.headline(for: digest)
        recipientName = digest.recipient.name
        scope = digest.scopeDescription
        asOf = digest.asOf
        hasInsights = !digest.insights.isEmpty
        insights = digest.insights.enumerated().map { InsightView(rank: $0.offset + 1, insight: $0.element, style: digest.numberStyle) }
        emptyMessage = DigestRenderer.emptyMessage(for: digest)
    }
}

struct InsightView {
    var rank: Int
    var toneColour: String
    var toneLabel: String
    var title: String
    var text: String
    var chart: ChartView?
    var followUpQuestion: String

    init(rank: Int, insight: Insight, style: NumberFormat.Style) {
        self.rank = rank
        let tone = ToneStyle(insight.tone)
        toneColour = tone.colour
        toneLabel = tone.label
        title = insight.title
        text = insight.text
        chart = ChartView(insight.chart, style: style)
        followUpQuestion = insight.followUpQuestion
    }
}

/// A chart's first series as bars (one row per label) or, for a line, as columns of its
/// last points. Sizes are relative to the largest magnitude; negative values are drawn
/// by magnitude in red, missing ones as an empty slot.
struct ChartView {
    struct Bar {
        var label: String
        var value: String
        /// Percent of the row, 0…100.
        var width: Int
        var rest: Int
        var hasBar: Bool
        var hasRest: Bool
        var barColour: String
    }

    struct Column {
        var columnTitle: String
        /// Pixels, 1…48.
        var height: Int
        var barColour: String
    }

    static let positiveColour = "#1a73e8"
    static let negativeColour = "#d93025"
    static let missingColour = "#dadce0"
    static let maximumHeight = 48

    var chartTitle: String
    var isBar: Bool
    var isLine: Bool
    var bars: [Bar] = []
    var columns: [Column] = []
    var firstLabel = "", firstValue = "", lastLabel = "", lastValue = ""
    /// Label, formatted value and percent of the largest, for the plain text.
    var points: [(String, String, Int)] = []

    init?(_ chart: ChartConfiguration, style: NumberFormat.Style) {
        guard let series = chart.data.datasets.first, !series.data.isEmpty else { return nil }
        let labels = chart.data.labels
        var pairs: [(label: String, value: Double?)] = series.data.enumerated().map { index, value in
            (index < labels.count ? labels[index] : "", value.flatMap { $0.isFinite ? $0 : nil })
        }
        chartTitle = chart.title
        isBar = chart.type == .bar
        isLine = !isBar
        pairs =
            isBar
            ? Array(pairs.prefix(DigestRenderer.maximumBars)) : Array(pairs.suffix(DigestRenderer.maximumLinePoints))
        let largest = pairs.compactMap { $0.value.map(abs) }.max() ?? 0
        func share(_ value: Double?) -> Double {
            guard let value, largest > 0 else { return 0 }
            return abs(value) / largest
        }
        func colour(_ value: Double?) -> String {
            guard let value else { return Self.missingColour }
            return value < 0 ? Self.negativeColour : Self.positiveColour
        }
        points = pairs.map { ($0.label, NumberFormatting.format($0.value, style: style), Int((share($0.value) * 100).rounded())) }
        if isBar {
            bars = pairs.map { pair in
                var width = Int((share(pair.value) * 100).rounded())
                // A non-zero value shows at least a sliver, so it does not read as nothing.
                if width == 0, let value = pair.value, value != 0 { width = 1 }
                return Bar(
                    label: pair.label, value: NumberFormatting.format(pair.value, style: style), width: width, rest: 100 - width,
                    hasBar: width > 0, hasRest: width < 100, barColour: colour(pair.value))
            }
        } else {
            columns = pairs.map { pair in
                let height = max(1, Int((share(pair.value) * Double(Self.maximumHeight)).rounded()))
                return Column(
                    columnTitle: "\(pair.label): \(NumberFormatting.format(pair.value, style: style))", height: height,
                    barColour: colour(pair.value))
            }
            firstLabel = pairs.first?.label ?? ""
            firstValue = NumberFormatting.format(pairs.first?.value ?? nil, style: style)
            lastLabel = pairs.last?.label ?? ""
            lastValue = NumberFormatting.format(pairs.last?.value ?? nil, style: style)
        }
    }
}

// MARK: Template lookups by name
//
// Without these the template engine finds each key by reflecting over the value (Mirror),
// which was a tenth of the CPU of rendering every tenant's digests.

extension DigestView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "subject": subject
        case "tenantName": tenantName
        case "headline": headline
        case "recipientName": recipientName
        case "scope": scope
        case "asOf": asOf
        case "hasInsights": hasInsights
        case "insights": insights
        case "emptyMessage": emptyMessage
        default: nil
        }
    }
}

extension InsightView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "rank": rank
        case "toneColour": toneColour
        case "toneLabel": toneLabel
        case "title": title
        case "text": text
        case "chart": chart
        case "followUpQuestion": followUpQuestion
        default: nil
        }
    }
}

extension ChartView: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "chartTitle": chartTitle
        case "isBar": isBar
        case "isLine": isLine
        case "bars": bars
        case "columns": columns
        case "firstLabel": firstLabel
        case "firstValue": firstValue
        case "lastLabel": lastLabel
        case "lastValue": lastValue
        default: nil
        }
    }
}

extension ChartView.Bar: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "label": label
        case "value": value
        case "width": width
        case "rest": rest
        case "hasBar": hasBar
        case "hasRest": hasRest
        case "barColour": barColour
        default: nil
        }
    }
}

extension ChartView.Column: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "columnTitle": columnTitle
        case "height": height
        case "barColour": barColour
        default: nil
        }
    }
}
