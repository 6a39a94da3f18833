import Foundation

/// Quoted-printable (RFC 2045 §6.7) for message bodies: line breaks become CRLF hard
/// breaks, and longer lines are cut with soft breaks so that none exceeds 76 characters.
enum QuotedPrintable {
    static func encode(_ text: String) -> String {
        // Normalise every line ending to LF first, so CR never appears on its own.
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return normalised.split(separator: "\n", omittingEmptySubsequences: false)
            .map { encodeLine(Array($0.utf8)) }
            .joined(separator: "\r\n")
    }

    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var output: [String] = []
        var line = ""
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let token: String
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                // Whitespace at the end of a line would be stripped in transit.
                token = isLast ? hex(byte) : String(UnicodeScalar(byte))
            case UInt8(ascii: "."):
                // A leading dot is escaped so that no transport mistakes it for the end of DATA.
                token = line.isEmpty ? hex(byte) : "."
            case 33...60, 62...126:
                token = String(UnicodeScalar(byte))
            default:
                token = hex(byte)
            }
            // Room for the token plus "=" of a soft break must remain within 76.
            if line.utf8.count + token.utf8.count > (isLast ? 76 : 75) {
                output.append(line + "=")
                line = ""
            }
            line += token
        }
        output.append(line)
        return output.joined(separator: "\r\n")
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return "=" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
    }
}
