import Foundation
import Insights
import Semantic
import Visualization

/// Digests that look like the generator's: five insights for a city sales officer of a
/// company whose name is not ASCII.
enum NotifierFixtures {
    static let recipient = Recipient(
        id: "1042", name: "Asha Mehta", email: "asha.mehta@nestle.example", role: "sales_rep", hierarchyRole: "SO",
        territory: RecipientTerritory(level: "City", name: "Mumbai"))

    static func insight(
        _ id: String, _ type: InsightType, _ tone: InsightTone, title: String, text: String, priority: Double,
        chart: ChartConfiguration, values: [InsightEvidence.Value] = [], question: String
    ) -> Insight {
        Insight(
            id: id, type: type, title: title, text: text, tone: tone, priority: priority, subject: "City:Mumbai",
            periodStart: "2026-11-30", periodEnd: "2026-12-06",
            evidence: InsightEvidence(
                query: CubeQuery(
                    measures: ["Transactions.netSales"],
                    timeDimensions: [
                        .init(
                            dimension: "Transactions.transactionDate", granularity: .week,
                            dateRange: .absolute("2026-09-01", "2026-12-06"))
                    ]),
                values: values),
            chart: chart, followUpQuestion: question)
    }

    /// Sixteen weeks of net sales, the last one down.
    static let weeklySales: [Double?] = [
        1_912_400, 1_954_300, 2_011_870, 1_987_000, 2_043_100, 2_101_560, 2_065_900, nil, 2_089_450, 2_120_300,
        2_098_770, 2_134_050, 2_087_600, 2_110_900, 2_106_750, 1_845_320,
    ]

    static let insights: [Insight] = [
        insight(
            "period_change:City:Mumbai:2026-12-06", .periodChange, .negative,
            title: "Net sales down 12.4% week over week",
            text: "Net sales in Mumbai fell to ₹18,45,320 in the week to 6 Dec from ₹21,06,750 the week before.",
            priority: 92,
            chart: ChartConfiguration(
                type: .line, title: "Weekly net sales, Mumbai",
                labels: (0..<16).map { "W\($0 + 34)" }, datasets: [.init(label: "Net sales", data: weeklySales)]),
            values: [.init(name: "net sales, week to 2026-12-06", value: 1_845_320)],
            question: "Which brands drove the drop in Mumbai last week?"),
        insight(
            "change_drivers:City:Mumbai:2026-12-06", .changeDrivers, .negative,
            title: "Maggi drove most of the drop",
            text: "Maggi lost ₹1,85,400 of net sales, three quarters of Mumbai's fall; KitKat lost ₹42,300.",
            priority: 85,
            chart: ChartConfiguration(
                type: .bar, title: "Change in net sales by brand",
                labels: ["Maggi", "KitKat", "Nescafé", "Munch", "Milkybar"],
                datasets: [.init(label: "Change", data: [-185_400, -42_300, 12_050, nil, 3_975.5])]),
            question: "Why did Maggi sales fall in Mumbai?"),
        insight(
            "lapsed_outlets:City:Mumbai:2026-12-06", .lapsedOutlets, .warning,
            title: "7 regular outlets stopped buying",
            text:
                "7 outlets that bought every week for two months bought nothing in the last 14 days, worth ₹64,800 a week.",
            priority: 71,
            chart: ChartConfiguration(
                type: .bar, title: "Usual weekly purchase of the lapsed outlets",
                labels: ["Shree Ganesh Stores", "Metro Wholesale Andheri", "Patel Kirana", "Joshi Provisions"],
                datasets: [.init(label: "Weekly net sales", data: [21_400, 17_250, 14_100, 12_050])]),
            question: "Which outlets in Mumbai stopped buying in the last two weeks?"),
        insight(
            "record:Brand:Nescafé:2026-12-06", .record, .positive,
            title: "Best week on record for Nescafé",
            text: "Nescafé sold ₹3,12,900 in Mumbai in the week to 6 Dec, its highest week on record.",
            priority: 64,
            chart: ChartConfiguration(
                type: .line, title: "Weekly net sales of Nescafé",
                labels: (0..<8).map { "W\($0 + 42)" },
                datasets: [
                    .init(
                        label: "Nescafé",
                        data: [241_000, 250_300, 238_900, 262_000, 270_450, 281_300, 295_000, 312_900])
                ]),
            question: "How did Nescafé do in each outlet type last week?"),
        insight(
            "month_end_projection:City:Mumbai:2026-12", .monthEndProjection, .neutral,
            title: "December on course for ₹88 lakh",
            text: "At the current pace Mumbai closes December at ₹88,20,000, 2% above November's ₹86,45,700.",
            priority: 40,
            chart: ChartConfiguration(
                type: .bar, title: "Month net sales",
                labels: ["October", "November", "December (projected)"],
                datasets: [.init(label: "Net sales", data: [8_412_300, 8_645_700, 8_820_000])]),
            question: "What are net sales month to date in Mumbai?"),
    ]

    static func digest(
        tenantName: String = "Nestlé India", recipient: Recipient = recipient, insights: [Insight] = insights
    ) -> Digest {
        Digest(tenant: "nestle", tenantName: tenantName, recipient: recipient, asOf: "2026-12-06", insights: insights)
    }

    /// The repository's root, for the scripts the tests run.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
}
