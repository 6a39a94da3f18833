/// A Chart.js configuration (`type`, `data.labels`, `data.datasets`, `options`) for the
/// charts ConvAI draws: a line over time, bars for a ranking or a breakdown.
///
/// Encoded with Chart.js's own key names, so a page passes it to `new Chart(canvas, config)`
/// unchanged; the e-mail digest, which cannot run JavaScript, draws the same numbers as
/// table bars.
public struct ChartConfiguration: Codable, Sendable, Hashable {
    /// Chart.js chart types ConvAI uses.
    public enum Kind: String, Codable, Sendable, Hashable {
        /// A series over time.
        case line
        /// A ranking or a breakdown.
        case bar
    }

    /// One series.
    public struct Dataset: Codable, Sendable, Hashable {
        /// The legend text.
        public var label: String
        /// One value per label; `nil` where there is none.
        public var data: [Double?]

        /// Makes a series.
        public init(label: String, data: [Double?]) {
            self.label = label
            self.data = data
        }
    }

    /// The labels and series.
    public struct ChartData: Codable, Sendable, Hashable {
        /// The x-axis (or, for horizontal bars, y-axis) labels.
        public var labels: [String]
        /// The series.
        public var datasets: [Dataset]
    }

    /// The options ConvAI sets.
    public struct Options: Codable, Sendable, Hashable {
        /// `plugins.title`.
        public struct Title: Codable, Sendable, Hashable {
            /// Always shown.
            public var display: Bool
            /// The title text.
            public var text: String
        }

        /// `plugins`.
        public struct Plugins: Codable, Sendable, Hashable {
            /// The chart title.
            public var title: Title
        }

        /// Charts resize with their container.
        public var responsive: Bool
        /// `"y"` for horizontal bars (long rankings), absent otherwise.
        public var indexAxis: String?
        /// The title.
        public var plugins: Plugins
    }

    /// `line` or `bar`.
    public var type: Kind
    /// Labels and series.
    public var data: ChartData
    /// Title and layout.
    public var options: Options

    /// Makes a chart; more than eight bars are drawn horizontally.
    public init(type: Kind, title: String, labels: [String], datasets: [Dataset]) {
        self.type = type
        self.data = ChartData(labels: labels, datasets: datasets)
        self.options = Options(
            responsive: true, indexAxis: type == .bar && labels.count > 8 ? "y" : nil,
            plugins: .init(title: .init(display: true, text: title)))
    }

    /// The chart's title.
    public var title: String { options.plugins.title.text }
}
