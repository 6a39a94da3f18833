public import Foundation

/// Where the web app's files come from (`web:`).
public struct WebSettings: Sendable, Hashable, Decodable {
    /// The folder holding `index.html` and `app/`; relative paths resolve against the
    /// configuration's root.
    public var root: String
    /// The folder of Debian's libjs-chart.js (Chart.js 3.9), served under `/vendor/chart.js/`
    /// so that the page loads nothing from another host.
    public var chartJSPath: String

    /// The Debian package's folder.
    public static let debianChartJSPath = "/usr/share/javascript/chart.js"

    /// Makes settings.
    public init(root: String = "web", chartJSPath: String = Self.debianChartJSPath) {
        self.root = root
        self.chartJSPath = chartJSPath
    }

    enum CodingKeys: String, CodingKey {
        case root
        case chartJSPath = "chartjs_path"
    }

    /// Decodes, with the defaults above.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        root = try container.decodeIfPresent(String.self, forKey: .root) ?? "web"
        chartJSPath = try container.decodeIfPresent(String.self, forKey: .chartJSPath) ?? Self.debianChartJSPath
    }

    /// `path` as an absolute path, relative ones taken from `base`.
    static func resolve(_ path: String, against base: String) -> String {
        let url = path.hasPrefix("/") ? URL(fileURLWithPath: path) : URL(fileURLWithPath: base).appendingPathComponent(path)
        return url.standardizedFileURL.path
    }
}
