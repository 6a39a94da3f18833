/// A Chart.js 3.9 configuration (`type`, `data.labels`, `data.datasets`, `options`) for the
/// charts ConvAI draws: lines over time, bars for a ranking or a breakdown, a doughnut for
/// the parts of a whole, bars and a line on two axes.
///
/// Encoded with Chart.js's own option names only, so a page passes it to
/// `new Chart(canvas, config)` unchanged; the e-mail digest, which cannot run JavaScript,
/// draws the same numbers as table bars. Absent options are left out of the JSON, so
/// Chart.js's defaults apply.
public struct ChartConfiguration: Codable, Sendable, Hashable {
    /// Chart.js chart types ConvAI uses.
    public enum Kind: String, Codable, Sendable, Hashable {
        /// A series over time.
        case line
        /// A ranking or a breakdown (horizontal with `options.indexAxis: "y"`).
        case bar
        /// The parts of a whole.
        case doughnut
    }

    /// A colour for a whole dataset, or one per point (doughnut slices).
    public enum Color: Codable, Sendable, Hashable {
        /// One CSS colour (`#0072B2`).
        case single(String)
        /// One CSS colour per data point.
        case perPoint([String])

        /// Reads a string or an array of strings.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .single(text)
            } else {
                self = .perPoint(try container.decode([String].self))
            }
        }

        /// Writes a string or an array of strings, as Chart.js reads them.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .single(let colour): try container.encode(colour)
            case .perPoint(let colours): try container.encode(colours)
            }
        }
    }

    /// One series.
    public struct Dataset: Codable, Sendable, Hashable {
        /// The legend text.
        public var label: String
        /// One value per label; `nil` where there is none.
        public var data: [Double?]
        /// The dataset's own type in a mixed chart (a line over bars), else the chart's.
        public var type: Kind?
        /// The id of the value axis in `options.scales` (`y` or `y1`), else the default.
        public var yAxisID: String?
        /// Fill colour (bars, slices, line points).
        public var backgroundColor: Color?
        /// Line and border colour.
        public var borderColor: Color?
        /// `false` for lines: no area under them.
        public var fill: Bool?

        /// Makes a series in Chart.js's default colours.
        public init(label: String, data: [Double?]) {
            self.label = label
            self.data = data
        }

        /// Makes a series with its own type, axis and colours.
        public init(
            label: String, data: [Double?], type: Kind? = nil, yAxisID: String? = nil, backgroundColor: Color? = nil,
            borderColor: Color? = nil, fill: Bool? = nil
        ) {
            self.label = label
            self.data = data
            self.type = type
            self.yAxisID = yAxisID
            self.backgroundColor = backgroundColor
            self.borderColor = borderColor
            self.fill = fill
        }
    }

    /// The labels and series.
    public struct ChartData: Codable, Sendable, Hashable {
        /// The x-axis (or, for horizontal bars, y-axis) labels; slice names of a doughnut.
        public var labels: [String]
        /// The series.
        public var datasets: [Dataset]
    }

    /// The options ConvAI sets.
    public struct Options: Codable, Sendable, Hashable {
        /// `plugins.title`, and a scale's `title`.
        public struct Title: Codable, Sendable, Hashable {
            /// Always shown.
            public var display: Bool
            /// The title text.
            public var text: String

            /// Makes a shown title.
            public init(display: Bool = true, text: String) {
                self.display = display
                self.text = text
            }
        }

        /// `plugins.legend`.
        public struct Legend: Codable, Sendable, Hashable {
            /// Hidden for a single series, whose name is the title.
            public var display: Bool
            /// `top`, `bottom`, `left` or `right`.
            public var position: String?

            /// Makes a legend setting.
            public init(display: Bool, position: String? = nil) {
                self.display = display
                self.position = position
            }
        }

        /// `plugins`.
        public struct Plugins: Codable, Sendable, Hashable {
            /// The chart title.
            public var title: Title
            /// The legend; Chart.js shows it when absent.
            public var legend: Legend?

            /// Makes the plugin options.
            public init(title: Title, legend: Legend? = nil) {
                self.title = title
                self.legend = legend
            }
        }

        /// A scale's grid lines.
        public struct Grid: Codable, Sendable, Hashable {
            /// `false` on a second value axis, so only one set of grid lines crosses the chart.
            public var drawOnChartArea: Bool

            /// Makes a grid setting.
            public init(drawOnChartArea: Bool) { self.drawOnChartArea = drawOnChartArea }
        }

        /// One entry of `options.scales` (`x`, `y`, `y1`).
        public struct Scale: Codable, Sendable, Hashable {
            /// `left` or `right` for a value axis.
            public var position: String?
            /// Bars start at zero so their lengths compare.
            public var beginAtZero: Bool?
            /// The axis title (the measure and its unit).
            public var title: Title?
            /// Grid lines.
            public var grid: Grid?

            /// Makes a scale.
            public init(position: String? = nil, beginAtZero: Bool? = nil, title: Title? = nil, grid: Grid? = nil) {
                self.position = position
                self.beginAtZero = beginAtZero
                self.title = title
                self.grid = grid
            }
        }

        /// Charts resize with their container.
        public var responsive: Bool
        /// `false` so the chart fills the height its container gives it.
        public var maintainAspectRatio: Bool?
        /// `"y"` for horizontal bars, absent otherwise.
        public var indexAxis: String?
        /// Title and legend.
        public var plugins: Plugins
        /// The axes by id; absent for a doughnut, which has none.
        public var scales: [String: Scale]?

        /// Makes options.
        public init(
            responsive: Bool = true, maintainAspectRatio: Bool? = nil, indexAxis: String? = nil, plugins: Plugins,
            scales: [String: Scale]? = nil
        ) {
            self.responsive = responsive
            self.maintainAspectRatio = maintainAspectRatio
            self.indexAxis = indexAxis
            self.plugins = plugins
            self.scales = scales
        }
    }

    /// `line`, `bar` or `doughnut`.
    public var type: Kind
    /// Labels and series.
    public var data: ChartData
    /// Title, layout and axes.
    public var options: Options

    /// Makes a chart; more than eight bars are drawn horizontally.
    public init(type: Kind, title: String, labels: [String], datasets: [Dataset]) {
        self.type = type
        self.data = ChartData(labels: labels, datasets: datasets)
        self.options = Options(
            indexAxis: type == .bar && labels.count > 8 ? "y" : nil, plugins: .init(title: .init(text: title)))
    }

    /// Makes a chart with the given options.
    public init(type: Kind, labels: [String], datasets: [Dataset], options: Options) {
        self.type = type
        self.data = ChartData(labels: labels, datasets: datasets)
        self.options = options
    }

    /// The chart's title.
    public var title: String { options.plugins.title.text }
}
