import Foundation
import Insights
import Testing

@Suite("MIME message")
struct MIMEMessageTests {
    func message(
        subject: String = "Nestlé India · Your 5 insights", text: String = "plain", html: String = "<p>html</p>"
    )
        -> MIMEMessage
    {
        MIMEMessage(
            from: .init(email: "insights@convai.example", name: "ConvAI Insights"),
            to: [.init(email: "asha.mehta@nestle.example", name: "Asha Mehta")], subject: subject, textBody: text,
            htmlBody: html, date: Date(timeIntervalSince1970: 1_796_657_483))
    }

    @Test(
        "headers: From with name, To, encoded Subject, RFC 5322 Date, Message-ID, MIME-Version, multipart/alternative")
    func headers() throws {
        let message = message()
        let rendered = message.rendered()
        let head = try #require(rendered.components(separatedBy: "\r\n\r\n").first)
        #expect(head.contains("From: \"ConvAI Insights\" <insights@convai.example>\r\n"))
        #expect(head.contains("To: \"Asha Mehta\" <asha.mehta@nestle.example>\r\n"))
        #expect(head.contains("Subject: =?utf-8?B?"))
        #expect(!head.contains("Nestlé"))
        #expect(head.contains("Date: Mon, 07 Dec 2026 15:31:23 +0000\r\n"))
        #expect(head.contains("Message-ID: <\(message.messageID)>\r\n"))
        #expect(message.messageID.hasSuffix("@convai.localhost"))
        #expect(head.contains("MIME-Version: 1.0\r\n"))
        #expect(head.contains("Content-Type: multipart/alternative;\r\n boundary=\"\(message.boundary)\""))
    }

    @Test("CRLF everywhere, no line over 76 characters in the bodies, text part before the HTML part")
    func lines() throws {
        let long =
            String(repeating: "Net sales ₹18,45,320 = down 12.4%; ", count: 20) + "\nline two \n.starts with a dot"
        let rendered = message(text: long, html: "<p>" + long + "</p>").rendered()
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(!rendered.replacingOccurrences(of: "\r\n", with: "").contains("\r"))
        for line in rendered.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 78, "\(line)") }
        let text = try #require(rendered.range(of: "Content-Type: text/plain; charset=utf-8"))
        let html = try #require(rendered.range(of: "Content-Type: text/html; charset=utf-8"))
        #expect(text.lowerBound < html.lowerBound)
        #expect(rendered.contains("Content-Transfer-Encoding: quoted-printable"))
        // Trailing space before a hard break is encoded, "=" is encoded, so is a leading dot.
        #expect(rendered.contains("line two=20\r\n=2Estarts with a dot"))
        #expect(rendered.contains("=3D"))
        #expect(rendered.hasSuffix("--\r\n"))
    }

    @Test("a line break in a subject or name cannot add a header")
    func headerInjection() {
        let rendered = message(subject: "Hello\r\nBcc: victim@example.com").rendered()
        #expect(!rendered.contains("\r\nBcc:"))
    }
}
