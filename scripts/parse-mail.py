#!/usr/bin/env python3
"""Parses a stored e-mail (RFC 5322 file) with Python's email package and prints JSON:
subject (decoded), from, to, the top-level content type, the parts' content types in
order, the decoded text and html bodies, and the longest raw line, so that tests check
the message as a real mail reader sees it.

    scripts/parse-mail.py FILE
"""

import email
import email.policy
import json
import sys


def main():
    with open(sys.argv[1], "rb") as f:
        raw = f.read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [part for part in message.walk() if not part.is_multipart()]
    def body(content_type):
        content = next((p.get_content() for p in parts if p.get_content_type() == content_type), None)
        # The wire's CRLF is transport; readers see lines.
        return content.replace("\r\n", "\n") if content is not None else None

    text = body("text/plain")
    html = body("text/html")
    lines = raw.split(b"\r\n")
    print(
        json.dumps(
            {
                "subject": str(message["subject"]),
                "from": str(message["from"]),
                "to": str(message["to"]),
                "date": str(message["date"]),
                "message_id": str(message["message-id"]),
                "mime_version": str(message["mime-version"]),
                "content_type": message.get_content_type(),
                "part_types": [p.get_content_type() for p in parts],
                "part_charsets": [p.get_content_charset() for p in parts],
                "part_encodings": [str(p["content-transfer-encoding"]) for p in parts],
                "text": text,
                "html": html,
                "max_line_length": max(len(line) for line in lines),
                "bare_lf": b"\n" in raw.replace(b"\r\n", b""),
                "defects": [str(d) for d in message.defects],
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
