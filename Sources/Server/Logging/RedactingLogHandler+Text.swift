import Foundation

extension RedactingLogHandler {
    /// One rewrite: a pattern and its replacement template, tried only when the text holds
    /// one of `triggers` (a cheap test that skips most log lines).
    private struct Rule: Sendable {
        let triggers: [String]
        let pattern: NSRegularExpression
        let template: String

        init(_ triggers: [String], _ pattern: String, _ template: String) {
            self.triggers = triggers
            // The patterns are constants checked by the tests; a typo is a programming error.
            self.pattern = try! NSRegularExpression(pattern: pattern)
            self.template = template
        }
    }

    // Keys of `key=value` and `"key": "value"` pairs whose value is a secret.
    private static let secretKey =
        #"(?:[A-Za-z0-9_.\-]*(?:password|passwd|pwd|secret|api[_\-]?key)[A-Za-z0-9_.\-]*"#
        + #"|\b(?:access_|refresh_|id_|auth_)?token)"#
    private static let separator = #"["']?\s*[:=]\s*"#

    private static let rules: [Rule] = [
        // scheme://user:PASSWORD@host → scheme://user:***@host (the last @ before the path).
        Rule(["://"], #"\b([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/?#@]*):([^\s/]+)@"#, "$1:***@"),
        // JSON Web Tokens: three base64url segments, the first a JSON header ("eyJ" = `{"`).
        Rule(["eyJ"], #"eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*"#, "***"),
        // Authorization header values, with or without a scheme word.
        Rule(
            ["uthorization", "UTHORIZATION"],
            #"(?i)(\bauthorization["']?\s*[:=]\s*["']?)((?:bearer|basic|token)\s+)?[^\s"',;]+"#, "$1$2***"),
        // A bearer token anywhere.
        Rule(["earer", "EARER"], #"(?i)\b(bearer\s+)[A-Za-z0-9._~+/\-]{8,}=*"#, "$1***"),
        // "password": "…" and 'secret': '…' (JSON, YAML, Python reprs).
        Rule([], "(?i)(" + secretKey + separator + #")"([^"\\]|\\.)*""#, "$1\"***\""),
        Rule([], "(?i)(" + secretKey + separator + #")'[^']*'"#, "$1'***'"),
        // password=…, PWD={…}; api_key: … (query strings, ODBC strings, YAML, prose).
        Rule([], "(?i)(" + secretKey + separator + #")(?:\{[^}]*\}|[^\s&;,"'}\]\)]+)"#, "$1***"),
        // OpenAI (sk-…, sk-proj-…) and Anthropic (sk-ant-…) API keys.
        Rule(["sk-"], #"\bsk-[A-Za-z0-9_\-]{8,}"#, "***"),
    ]

    // Words one of which must appear for the key-value rules (lowercased text).
    private static let keyValueTriggers = ["pass", "pwd", "secret", "key", "token"]

    /// `text` with secrets replaced by `***`: passwords in URLs
    /// (`postgres://convai:***@host`), JSON Web Tokens, `Authorization` values, bearer
    /// tokens, values of `password=`, `pwd=`, `secret=`, `api_key=`, `apikey=`, `token=`
    /// pairs (query strings, ODBC `;PWD=…;`, `"password": "…"`), and OpenAI/Anthropic
    /// `sk-…` keys. The rest of the text is kept.
    public static func redact(_ text: String) -> String {
        var text = text
        var lowered: String?
        for rule in rules {
            if rule.triggers.isEmpty {
                let lower = lowered ?? text.lowercased()
                lowered = lower
                guard keyValueTriggers.contains(where: { lower.contains($0) }) else { continue }
            } else if !rule.triggers.contains(where: { text.contains($0) }) {
                continue
            }
            let range = NSRange(text.startIndex..., in: text)
            let replaced = rule.pattern.stringByReplacingMatches(
                in: text, range: range, withTemplate: rule.template)
            if replaced != text {
                text = replaced
                lowered = nil
            }
        }
        return text
    }
}
