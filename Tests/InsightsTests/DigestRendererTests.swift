import Foundation
@testable import Insights
import Mustache
import Testing
import Visualization

@Suite("Digest renderer")
struct DigestRendererTests {
    let renderer: DigestRenderer

    init() throws { renderer = try DigestRenderer() }

    @Test("the subject names the company, the count, the day and the scope")
    func subject() {
        #expect(
            renderer.subject(for: NotifierFixtures.digest())
                == "Nestlé India · Your 5 insights for 2026-12-06 — Mumbai (City)")
        #expect(
            renderer.subject(for: NotifierFixtures.digest(insights: Array(NotifierFixtures.insights.prefix(1))))
                == "Nestlé India · Your 1 insight for 2026-12-06 — Mumbai (City)")
        var national = NotifierFixtures.recipient
        national.territory = nil
        #expect(
            renderer.subject(for: NotifierFixtures.digest(tenantName: "ITC Limited", recipient: national, insights: []))
                == "ITC Limited · Nothing unusual for 2026-12-06 — All of ITC Limited")
    }

    @Test("the HTML is e-mail safe: inline styles, tables, no script, no external resource, at most 640 px wide")
    func emailSafe() {
        let html = renderer.html(for: NotifierFixtures.digest())
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.lowercased().contains("<style"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        #expect(!html.lowercased().contains("<img"))
        #expect(html.contains("max-width:640px"))
        #expect(html.contains("<table role=\"presentation\""))
        #expect(html.contains("style=\""))
        // No class attributes: they would need a stylesheet.
        #expect(!html.contains("class=\""))
    }

    @Test("the header, each insight in rank order with tone colour, text, chart values and the follow-up")
    func content() throws {
        let digest = NotifierFixtures.digest()
        let html = renderer.html(for: digest)
        #expect(html.contains("Nestlé India"))
        #expect(html.contains("Asha Mehta"))
        #expect(html.contains("Mumbai (City)"))
        #expect(html.contains("2026-12-06"))
        var previous = html.startIndex
        for (index, insight) in digest.insights.enumerated() {
            let title = try #require(html.range(of: insight.title.mustacheEscaped), "title of #\(index + 1)")
            #expect(title.lowerBound > previous, "insight #\(index + 1) out of order")
            previous = title.lowerBound
            #expect(html.contains("#\(index + 1) &middot; "))
            #expect(html.contains(insight.text.mustacheEscaped))
            #expect(html.contains("Ask ConvAI: " + insight.followUpQuestion.mustacheEscaped))
        }
        #expect(html.contains("color:#d93025;\">#1 &middot; Negative"))
        #expect(html.contains("color:#e37400;\">#3 &middot; Warning"))
        #expect(html.contains("color:#1e8e3e;\">#4 &middot; Positive"))
        #expect(html.contains("color:#80868b;\">#5 &middot; Neutral"))
        // Indian grouping in chart values, negative and fractional ones included.
        #expect(html.contains(">-1,85,400<"))
        #expect(html.contains(">3,975.5<") || html.contains(">3,976<"))
        #expect(html.contains(">88,20,000<"))
    }

    @Test("bar widths are proportional to the values; missing values draw no bar, negative ones draw red")
    func barWidths() {
        let chart = ChartConfiguration(
            type: .bar, title: "Net sales by brand", labels: ["A", "B", "C", "D"],
            datasets: [.init(label: "Net sales", data: [200, 50, nil, -100])])
        let insight = NotifierFixtures.insight(
            "x", .changeDrivers, .neutral, title: "Bars", text: "t", priority: 1, chart: chart, question: "q")
        let html = renderer.html(for: NotifierFixtures.digest(insights: [insight]))
        let widths = html.matches(of: /<td width="(\d+)%" style="width:\d+%;height:12px;background-color:(#[0-9a-f]+)/)
            .map { (Int($0.output.1)!, String($0.output.2)) }
        #expect(widths.map(\.0) == [100, 25, 50])
        #expect(widths.map(\.1) == ["#1a73e8", "#1a73e8", "#d93025"])
        // The missing value's row is all blank and reads "–".
        #expect(html.contains("<td width=\"100%\" style=\"width:100%;height:12px;font-size:0"))
        #expect(html.contains(">–<"))
    }

    @Test("a line chart draws its last 14 points as columns with heights proportional to the values")
    func lineColumns() {
        let values: [Double?] = (1...20).map { Double($0) }
        let chart = ChartConfiguration(
            type: .line, title: "Daily", labels: (1...20).map { "D\($0)" }, datasets: [.init(label: "v", data: values)])
        let insight = NotifierFixtures.insight(
            "x", .trendChange, .positive, title: "Line", text: "t", priority: 1, chart: chart, question: "q")
        let html = renderer.html(for: NotifierFixtures.digest(insights: [insight]))
        let heights = html.matches(of: /<div style="height:(\d+)px;/).map { Int($0.output.1)! }
        #expect(heights.count == 14)
        #expect(heights.last == 48)
        // D7 (value 7) is the first shown; 7/20 of 48 px.
        #expect(heights.first == Int((7.0 / 20 * 48).rounded()))
        #expect(heights == heights.sorted())
        #expect(html.contains("D7: 7 &rarr; D20: 20"))
        #expect(!html.contains("title=\"D6: 6\""))
    }

    @Test("an insight whose chart has no data is drawn without a chart block, the others with theirs")
    func chartlessInsight() {
        let empty = ChartConfiguration(type: .bar, title: "Nothing to draw", labels: [], datasets: [])
        let drawn = ChartConfiguration(type: .bar, title: "Drawn", labels: ["A"], datasets: [.init(label: "v", data: [5])])
        let insights = [
            NotifierFixtures.insight("a", .record, .neutral, title: "No chart", text: "t1", priority: 2, chart: empty, question: "q1"),
            NotifierFixtures.insight("b", .record, .neutral, title: "Chart", text: "t2", priority: 1, chart: drawn, question: "q2"),
        ]
        let html = renderer.html(for: NotifierFixtures.digest(insights: insights))
        #expect(!html.contains("Nothing to draw"))
        #expect(html.contains("Drawn"))
        // The chart title's block opens once: for the drawn chart only.
        #expect(html.matches(of: /margin-top:12px;margin-bottom:4px;/).count == 1)
        #expect(html.contains("No chart") && html.contains("q1") && html.contains("q2"))
    }

    @Test("chart numbers follow the digest's style: lakh grouping by default, thousands for international tenants")
    func numberStyle() throws {
        let chart = ChartConfiguration(
            type: .bar, title: "Net sales", labels: ["Mumbai", "Pune"], datasets: [.init(label: "v", data: [1_234_567, 98_765.4])])
        let insight = NotifierFixtures.insight("a", .record, .neutral, title: "T", text: "t", priority: 1, chart: chart, question: "q")
        var digest = NotifierFixtures.digest(insights: [insight])
        #expect(digest.numberStyle == .india)
        #expect(renderer.html(for: digest).contains(">12,34,567<"))
        #expect(renderer.plainText(for: digest).contains("12,34,567"))
        digest.numberStyle = .international
        let html = renderer.html(for: digest)
        #expect(html.contains(">1,234,567<") && html.contains(">98,765<"))
        #expect(!html.contains("12,34,567"))
        #expect(renderer.plainText(for: digest).contains("1,234,567"))
        // A digest stored before it carried a style reads as Indian.
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(digest)) as! [String: Any]
        #expect(json["numberStyle"] as? String == "international")
        json["numberStyle"] = nil
        let older = try JSONDecoder().decode(Digest.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(older.numberStyle == .india)
    }

    @Test("the template's view models answer every property by name (a property left out would render empty)")
    func viewModelLookups() throws {
        let bars = ChartConfiguration(type: .bar, title: "B", labels: ["A"], datasets: [.init(label: "v", data: [5])])
        let line = ChartConfiguration(type: .line, title: "L", labels: ["A", "B"], datasets: [.init(label: "v", data: [1, 2])])
        let insights = [
            NotifierFixtures.insight("a", .record, .neutral, title: "T", text: "t", priority: 2, chart: bars, question: "q"),
            NotifierFixtures.insight("b", .record, .neutral, title: "T", text: "t", priority: 1, chart: line, question: "q"),
        ]
        let digest = NotifierFixtures.digest(insights: insights)
        let view = DigestView(digest: digest, subject: "s")
        func expectAnswered(_ value: some MustacheParent, skipping: Set<String> = []) {
            for label in Mirror(reflecting: value).children.compactMap(\.label) where !skipping.contains(label) {
                #expect(value.child(named: label) != nil, "\(type(of: value)).\(label)")
            }
        }
        expectAnswered(view)
        for insight in view.insights {
            expectAnswered(insight)
            let chart = try #require(insight.chart)
            // `points` is for the plain text only.
            expectAnswered(chart, skipping: ["points"])
            chart.bars.forEach { expectAnswered($0) }
            chart.columns.forEach { expectAnswered($0) }
        }
        #expect(view.insights.contains { !($0.chart?.bars.isEmpty ?? true) } && view.insights.contains { !($0.chart?.columns.isEmpty ?? true) })
    }

    @Test("text from data is escaped, in the HTML and nowhere turned into markup")
    func escaping() {
        let chart = ChartConfiguration(
            type: .bar, title: "<i>chart</i>", labels: ["<td>x"], datasets: [.init(label: "l", data: [1])])
        let insight = NotifierFixtures.insight(
            "x", .record, .positive, title: "<b>Bold & \"quoted\"</b>", text: "a <script>alert(1)</script> b",
            priority: 1, chart: chart, question: "Why <img src=x onerror=alert(1)>?")
        let recipient = Recipient(
            id: "1", name: "O'Brien <admin>", email: nil, role: "manager", hierarchyRole: nil, territory: nil)
        let html = renderer.html(
            for: NotifierFixtures.digest(tenantName: "A&B <Foods>", recipient: recipient, insights: [insight]))
        #expect(html.contains("&lt;b&gt;Bold &amp; &quot;quoted&quot;&lt;/b&gt;"))
        #expect(!html.contains("<b>"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<i>"))
        #expect(!html.contains("<td>x"))
        #expect(html.contains("O&#39;Brien &lt;admin&gt;"))
        #expect(html.contains("A&amp;B &lt;Foods&gt;"))
        // The plain text keeps the characters as they are.
        #expect(
            renderer.plainText(for: NotifierFixtures.digest(insights: [insight])).contains("<b>Bold & \"quoted\"</b>"))
    }

    @Test("an empty digest says nothing unusual happened")
    func empty() {
        let digest = NotifierFixtures.digest(insights: [])
        let html = renderer.html(for: digest)
        #expect(html.contains("Nothing unusual in Mumbai (City) up to 2026-12-06"))
        #expect(!html.contains("Ask ConvAI:"))
        #expect(renderer.plainText(for: digest).contains("Nothing unusual in Mumbai (City) up to 2026-12-06"))
    }

    @Test("the plain text has every insight in order with its numbers and the follow-up")
    func plainText() throws {
        let digest = NotifierFixtures.digest()
        let text = renderer.plainText(for: digest)
        var previous = text.startIndex
        for (index, insight) in digest.insights.enumerated() {
            let line = try #require(text.range(of: "\(index + 1). ["), "rank \(index + 1)")
            #expect(line.lowerBound >= previous)
            previous = line.lowerBound
            #expect(text.contains(insight.title))
            #expect(text.contains(insight.text))
            #expect(text.contains("Ask ConvAI: \(insight.followUpQuestion)"))
        }
        #expect(text.contains("-1,85,400"))
        #expect(text.contains("88,20,000"))
        #expect(!text.contains("<"))
    }
}

extension String {
    /// What Mustache's `{{ }}` makes of the text.
    var mustacheEscaped: String {
        replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }
}
