import Foundation
import TestSupport
import Testing

/// The golden configurations drawn by Debian's Chart.js 3.9.1 (libjs-chart.js) in headless
/// Chromium, as the web page draws them: each is accepted, and Chart.js reads its type,
/// dataset types, axes and orientation as meant.
@Suite(
    "Chart.js 3.9 in a browser",
    .enabled(
        if: FileManager.default.isExecutableFile(atPath: BrowserFiles.chromium)
            && FileManager.default.fileExists(atPath: BrowserFiles.chartJS),
        "needs chromium and libjs-chart.js (apt-get install chromium libjs-chart.js)"))
struct ChartJSBrowserTests {
    /// What Chart.js made of one configuration.
    struct Drawn: Decodable, Equatable {
        var type: String?
        var datasets: [String]?
        var scales: [String]?
        var indexAxis: String?
        var error: String?
    }

    @Test func everyGoldenConfigurationIsDrawnAsMeant() async throws {
        let drawn = try await Self.draw([Golden.line, Golden.bar, Golden.horizontalBar, Golden.doughnut, Golden.groupedBar, Golden.dualAxis])
        #expect(
            drawn == [
                Drawn(type: "line", datasets: ["line@y"], scales: ["x:bottom", "y:left"], indexAxis: "x"),
                Drawn(type: "bar", datasets: ["bar@y"], scales: ["x:bottom", "y:left"], indexAxis: "x"),
                // Horizontal: the values run along x.
                Drawn(type: "bar", datasets: ["bar@x"], scales: ["x:bottom", "y:left"], indexAxis: "y"),
                Drawn(type: "doughnut", datasets: ["doughnut@"], scales: [], indexAxis: "r"),
                Drawn(type: "bar", datasets: ["bar@y", "bar@y"], scales: ["x:bottom", "y:left"], indexAxis: "x"),
                Drawn(type: "bar", datasets: ["bar@y", "line@y1"], scales: ["x:bottom", "y:left", "y1:right"], indexAxis: "x"),
            ])
    }

    /// Draws `configurations` on one page and reads back, per chart, what Chart.js built;
    /// Chromium runs off the concurrency threads (see ``runProcess``).
    private static func draw(_ configurations: [String]) async throws -> [Drawn] {
        try await offThread { try drawBlocking(configurations) }
    }

    private static func drawBlocking(_ configurations: [String]) throws -> [Drawn] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convai-chartjs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let page = folder.appendingPathComponent("charts.html")
        try """
        <!doctype html><html><body><pre id="out"></pre>
        <script src="file://\(BrowserFiles.chartJS)"></script>
        <script>
        const out = [];
        for (const config of [\(configurations.joined(separator: ",\n"))]) {
          const canvas = document.createElement('canvas');
          canvas.width = 400; canvas.height = 300;
          document.body.appendChild(canvas);
          try {
            const chart = new Chart(canvas, config);
            out.push({
              type: chart.config.type,
              datasets: chart.data.datasets.map((d, i) => chart.getDatasetMeta(i).type + '@' + (chart.getDatasetMeta(i).vScale?.id ?? '')),
              scales: Object.keys(chart.scales).sort().map(id => id + ':' + chart.scales[id].position),
              indexAxis: chart.options.indexAxis });
          } catch (e) { out.push({ error: String(e) }); }
        }
        document.getElementById('out').textContent = 'BEGIN' + JSON.stringify(out) + 'END';
        </script></body></html>
        """.write(to: page, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: BrowserFiles.chromium)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
            "--user-data-dir=\(folder.appendingPathComponent("profile").path)", "--dump-dom", page.absoluteString,
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let dom = String(decoding: data, as: UTF8.self)
        let start = try #require(dom.range(of: "BEGIN"), "Chromium drew nothing: \(dom.prefix(500))")
        let end = try #require(dom.range(of: "END", range: start.upperBound..<dom.endIndex))
        let json = String(dom[start.upperBound..<end.lowerBound])
            .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">")
        return try JSONDecoder().decode([Drawn].self, from: Data(json.utf8))
    }
}

/// Where Debian installs the browser and Chart.js.
enum BrowserFiles {
    static let chromium = "/usr/bin/chromium"
    static let chartJS = "/usr/share/javascript/chart.js/chart.min.js"
}
