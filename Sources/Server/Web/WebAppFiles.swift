import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// The web app's files: `/` is `index.html`, `/app/…` its modules and style sheet, and
/// `/vendor/chart.js/…` the system's Chart.js. Hummingbird's `FileMiddleware` serves them
/// only for paths no route answers, refuses `..` after percent-decoding (400), and stays
/// inside its folder.
struct WebAppFiles: Sendable {
    let webRoot: String
    let chartJSPath: String

    /// The page is revalidated on every load, so a changed module is never mixed with stale ones.
    private static let cacheControl = CacheControl([
        (.textHtml, [.noCache]), (.textJavascript, [.noCache]), (.textCss, [.noCache]),
    ])

    func register(on router: Router<ConvAIRequestContext>, logger: Logger) {
        var isFolder: ObjCBool = false
        if !FileManager.default.fileExists(atPath: webRoot, isDirectory: &isFolder) || !isFolder.boolValue {
            logger.warning(
                "web.root \(webRoot) is not a folder: the web app at / is not served", metadata: ["web.root": "\(webRoot)"])
        }
        let chartJS = URL(fileURLWithPath: chartJSPath).appendingPathComponent(Self.chartJSFile).path
        if !FileManager.default.fileExists(atPath: chartJS) {
            logger.warning(
                "Chart.js not found at \(chartJS): the web app's charts will not draw; install Debian's libjs-chart.js or set web.chartjs_path",
                metadata: ["web.chartjs_path": "\(chartJSPath)"])
        }
        router.add(
            middleware: FileMiddleware<ConvAIRequestContext, LocalFileSystem>(
                chartJSPath, urlBasePath: "/vendor/chart.js", cacheControl: Self.cacheControl, logger: logger))
        router.add(
            middleware: FileMiddleware<ConvAIRequestContext, LocalFileSystem>(
                webRoot, cacheControl: Self.cacheControl, searchForIndexHtml: true, logger: logger))
    }

    /// The UMD build the page loads as a classic script (it defines `window.Chart`).
    static let chartJSFile = "chart.min.js"
}

/// Adds the headers that keep the page to its own origin: a Content-Security-Policy that
/// allows scripts, styles, fetches and images from this server only (images also as
/// `data:`/`blob:`, which is how a chart is saved), no framing, no MIME sniffing.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = ConvAIRequestContext

    static let contentSecurityPolicy = [
        "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data: blob:",
        "connect-src 'self'", "font-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'",
        "frame-ancestors 'none'",
    ].joined(separator: "; ")

    @concurrent func handle(
        _ request: Request, context: Context, next: @concurrent (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        return response
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
}
