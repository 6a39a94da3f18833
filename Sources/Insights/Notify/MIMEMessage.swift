public import Foundation

/// An e-mail with a plain-text and an HTML version of the same content (RFC 5322 with MIME
/// `multipart/alternative`), ready for SMTP's DATA.
///
/// Every header value is stripped of line breaks, so that no text taken from data (a
/// tenant's name in the subject) can add a header.
public struct MIMEMessage: Sendable, Hashable {
    /// A mailbox: an address and an optional display name.
    public struct Address: Sendable, Hashable {
        /// `asha.mehta@itc.example`.
        public var email: String
        /// `Asha Mehta`.
        public var name: String?

        /// Makes an address.
        public init(email: String, name: String? = nil) {
            self.email = email
            self.name = name
        }
    }

    /// The author.
    public var from: Address
    /// The recipients.
    public var to: [Address]
    /// The subject, any Unicode.
    public var subject: String
    /// The `Date:` header.
    public var date: Date
    /// The `Message-ID:` without angle brackets (`uuid@host`).
    public var messageID: String
    /// The plain-text alternative.
    public var textBody: String
    /// The HTML alternative.
    public var htmlBody: String
    /// The multipart boundary; random, so that it appears in neither body.
    public var boundary: String

    /// Makes a message with a fresh Message-ID and boundary.
    public init(
        from: Address, to: [Address], subject: String, textBody: String, htmlBody: String, date: Date = Date(),
        messageIDHost: String = "convai.localhost"
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.date = date
        self.messageID = "\(UUID().uuidString.lowercased())@\(messageIDHost)"
        self.boundary = "=_convai_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
    }

    /// The whole message with CRLF line endings, no line longer than 78 characters.
    public func rendered() -> String {
        var lines: [String] = []
        lines.append("From: " + Self.mailbox(from))
        lines.append("To: " + to.map(Self.mailbox).joined(separator: ",\r\n "))
        lines.append("Subject: " + Self.encodedHeaderText(subject, headerNameLength: 9))
        lines.append("Date: " + Self.rfc5322Date(date))
        lines.append("Message-ID: <\(Self.headerSafe(messageID))>")
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"")
        lines.append("")
        lines.append("This is a multi-part message in MIME format.")
        for (type, body) in [("text/plain", textBody), ("text/html", htmlBody)] {
            lines.append("--" + boundary)
            lines.append("Content-Type: \(type); charset=utf-8")
            lines.append("Content-Transfer-Encoding: quoted-printable")
            lines.append("")
            lines.append(QuotedPrintable.encode(body))
        }
        lines.append("--" + boundary + "--")
        lines.append("")
        return lines.joined(separator: "\r\n")
    }

    // MARK: Headers

    /// `"Name" <address>` or `=?utf-8?B?…?= <address>`.
    static func mailbox(_ address: Address) -> String {
        let email = headerSafe(address.email)
        guard let name = address.name.map(headerSafe), !name.isEmpty else { return "<\(email)>" }
        if name.allSatisfy({ $0.isASCII }) {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(quoted)\" <\(email)>"
        }
        return encodedWords(name) + " <\(email)>"
    }

    /// The text as is when it is short ASCII, otherwise as RFC 2047 encoded words folded
    /// onto continuation lines.
    static func encodedHeaderText(_ text: String, headerNameLength: Int) -> String {
        let text = headerSafe(text)
        if text.allSatisfy({ $0.isASCII && $0 != "=" }) && text.count + headerNameLength <= 78 { return text }
        return encodedWords(text)
    }

    /// Base64 encoded words, each at most 75 characters and never splitting a character's
    /// UTF-8 bytes (RFC 2047 §5 forbids it).
    static func encodedWords(_ text: String) -> String {
        let prefix = "=?utf-8?B?"
        let suffix = "?="
        // 39 bytes make 52 base64 characters, a 64-character word: with "Subject: " or
        // "From: " in front the line stays under 76.
        let maxBytes = 39
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > maxBytes, !chunk.isEmpty {
                words.append(prefix + Data(chunk).base64EncodedString() + suffix)
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty || words.isEmpty { words.append(prefix + Data(chunk).base64EncodedString() + suffix) }
        return words.joined(separator: "\r\n ")
    }

    /// The value without the line breaks that would start a new header.
    static func headerSafe(_ value: String) -> String {
        String(value.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }

    /// `Mon, 07 Dec 2026 15:31:23 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String {
            let value = value ?? 0
            return value < 10 ? "0\(value)" : "\(value)"
        }
        return
            "\(days[(parts.weekday ?? 1) - 1]), \(two(parts.day)) \(months[(parts.month ?? 1) - 1]) \(parts.year ?? 1970) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }
}
