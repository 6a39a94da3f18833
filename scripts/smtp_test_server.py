"""The server behind scripts/smtp-test-server: aiosmtpd in the folder given as argument.

Writes cert.pem/key.pem (self-signed, for 127.0.0.1, ::1 and localhost), user, password
and port into the folder, then `ready` once it accepts connections; each accepted message
becomes NNNN.eml (raw bytes) and NNNN.json (envelope). Runs until SIGTERM.
"""

import datetime
import ipaddress
import json
import os
import secrets
import signal
import socket
import ssl
import string
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

FOLDER = sys.argv[1]
# starttls (the default), implicit (TLS from the first byte, as on port 465) or none.
TLS = os.environ.get("CONVAI_SMTP_TLS", "starttls")


def path(name):
    return os.path.join(FOLDER, name)


def make_certificate():
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ConvAI test SMTP")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    x509.IPAddress(ipaddress.ip_address("::1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    with open(path("cert.pem"), "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(path("key.pem"), "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


def secret(length):
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


USER = "convai-" + secret(6).lower()
PASSWORD = secret(24)
lock = threading.Lock()


def record_command(line):
    with lock, open(path("commands.log"), "a") as f:
        f.write(line + "\n")


class Authenticator:
    def __call__(self, server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == USER.encode()
            and auth_data.password == PASSWORD.encode()
        )
        return AuthResult(success=ok, handled=False)


class Handler:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        with lock:
            Handler.count += 1
            stem = path("%04d" % Handler.count)
        with open(stem + ".eml.part", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        with open(stem + ".json", "w") as f:
            json.dump(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                    "tls": session.ssl is not None,
                    "authenticated": bool(session.authenticated),
                },
                f,
            )
        # Renamed last, so that a reader never sees half a message.
        os.rename(stem + ".eml.part", stem + ".eml")
        return "250 Message accepted for delivery"


class RecordingSMTP(SMTP):
    """Logs each command's verb (never its argument: AUTH carries the password)."""

    async def smtp_EHLO(self, arg):
        record_command("EHLO")
        return await super().smtp_EHLO(arg)

    async def smtp_STARTTLS(self, arg):
        record_command("STARTTLS")
        return await super().smtp_STARTTLS(arg)

    async def smtp_AUTH(self, arg):
        secure = self._tls_protocol is not None or TLS == "implicit"
        record_command("AUTH " + (arg or "").split(" ")[0] + (" (TLS)" if secure else " (plaintext)"))
        return await super().smtp_AUTH(arg)

    async def smtp_MAIL(self, arg):
        record_command("MAIL")
        return await super().smtp_MAIL(arg)

    async def smtp_DATA(self, arg):
        record_command("DATA")
        return await super().smtp_DATA(arg)


class RecordingController(Controller):
    def factory(self):
        return RecordingSMTP(self.handler, **self.SMTP_kwargs)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    with open(path("user"), "w") as f:
        f.write(USER)
    with open(path("password"), "w") as f:
        f.write(PASSWORD)
    kwargs = dict(
        hostname="127.0.0.1",
        authenticator=Authenticator(),
        auth_required=True,
        ready_timeout=10,
    )
    if TLS in ("starttls", "implicit"):
        make_certificate()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(path("cert.pem"), path("key.pem"))
        if TLS == "starttls":
            kwargs.update(tls_context=context, require_starttls=True, auth_require_tls=True)
        else:
            # aiosmtpd counts only STARTTLS as TLS for AUTH; here the whole session is TLS.
            kwargs.update(ssl_context=context, auth_require_tls=False)
    else:
        # A server a careless client would happily send its password to.
        kwargs.update(auth_require_tls=False)
    controller = None
    for _ in range(5):
        port = free_port()
        try:
            controller = RecordingController(Handler(), port=port, **kwargs)
            controller.start()
            break
        except Exception as error:  # the port was taken between the probe and the bind
            print("port %d: %s" % (port, error), file=sys.stderr)
            controller = None
    if controller is None:
        sys.exit("could not start aiosmtpd")
    with open(path("port"), "w") as f:
        f.write(str(port))
    open(path("ready"), "w").close()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    while not stopped.wait(0.1):
        pass
    controller.stop()


if __name__ == "__main__":
    main()
