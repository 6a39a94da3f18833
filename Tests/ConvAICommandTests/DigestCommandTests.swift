import Foundation
import TestSupport
import Testing

/// `convai digest --dry-run` writes the national head's e-mail, and it renders in a real
/// browser: Chromium (headless) opens the file and takes a screenshot.
@Suite("convai digest", .serialized)
struct DigestCommandTests {
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }

    /// As Mustache escapes a `{{value}}`.
    static func htmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "'", with: "&#39;")
    }

    @Test("the dry run writes five ranked insights for the national head, and Chromium renders them", .timeLimit(.minutes(5)))
    func dryRunRendersInChromium() async throws {
        let cli = ConvAICommandTests()
        try await cli.withProjectAsync { folder in
            try FileManager.default.copyItem(
                at: ConvAICommandTests.packageRoot.appendingPathComponent("model"), to: folder.appendingPathComponent("model"))
            #expect(try await cli.convaiAsync(["migrate", "--tenant", "itc", "--log-level", "warning"], in: folder).status == 0)
            let seeded = try await cli.convaiAsync(
                ["seed", "--tenant", "itc", "--days", "400", "--end-date", "2026-06-30", "--scale", "0.1", "--log-level", "warning"],
                in: folder)
            try #require(seeded.status == 0, "\(seeded.stderr)")
            let transformed = try await cli.convaiAsync(["transform", "--tenant", "itc", "--log-level", "warning"], in: folder)
            try #require(transformed.status == 0, "\(transformed.stderr)")

            let html = folder.appendingPathComponent("out/digest.html")
            let digest = try await cli.convaiAsync(
                ["digest", "--tenant", "itc", "--dry-run", "--out", html.path, "--log-level", "warning"], in: folder)
            try #require(digest.status == 0, "\(digest.stderr)")
            let page = try String(contentsOf: html, encoding: .utf8)
            let text = try String(contentsOf: html.deletingPathExtension().appendingPathExtension("txt"), encoding: .utf8)
            // Five ranked insights, in order, for the NSM of the whole tenant.
            for rank in 1...5 { #expect(page.contains("#\(rank) &middot;"), "rank \(rank) missing") }
            #expect(!page.contains("#6 &middot;"))
            #expect(page.contains("All of ITC Limited"))
            #expect(!page.lowercased().contains("<script"), "an e-mail runs no JavaScript")
            let titles = digest.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") }.map {
                $0.drop { $0 != "." }.dropFirst().trimmingCharacters(in: .whitespaces)
            }
            #expect(titles.count == 5, "\(digest.stdout)")
            for title in titles {
                #expect(page.contains(Self.htmlEscaped(title)), "HTML lacks '\(title)'")
                #expect(text.contains(title), "plain text lacks '\(title)'")
            }

            let chromium = try #require(Self.chromium, "Chromium is not installed (scripts/bootstrap installs it)")
            let screenshot = folder.appendingPathComponent("out/digest.png")
            // A headless Chromium that hangs (no display, a locked profile) fails the test
            // instead of holding the run.
            let browser = try await runProcess(
                chromium,
                [
                    "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=800,2000",
                    "--user-data-dir=\(folder.appendingPathComponent("chromium-profile").path)",
                    "--screenshot=\(screenshot.path)", html.absoluteString,
                ], timeout: .seconds(180))
            #expect(browser.status == 0, "\(browser.errorText)")
            let png = try Data(contentsOf: screenshot)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
            // A blank page compresses to a few kilobytes; five insights with bars do not.
            #expect(png.count > 40_000, "screenshot of \(png.count) bytes looks blank")
            // Keep the last screenshot where a person can look at it.
            let keep = ConvAICommandTests.packageRoot.appendingPathComponent(".build/digest-screenshot.png")
            try? FileManager.default.removeItem(at: keep)
            try? FileManager.default.copyItem(at: screenshot, to: keep)
        }
    }
}
