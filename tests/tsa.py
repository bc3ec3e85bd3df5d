"""A real RFC 3161 timestamp authority on 127.0.0.1, started by the tests themselves.

It answers ``application/timestamp-query`` POSTs over HTTP with a `TimeStampResp` signed by a
test key whose certificate (extended key usage: time stamping) is issued by a test root:
pyHanko's `DummyTimeStamper` builds the token in-process, and the HTTP server around it makes
the client (pyHanko's `HTTPTimeStamper`) really go over the network. `stop()` and `start()`
close and reopen the same port, so a test sees the authority fail, then come back.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.sign.timestamps import DummyTimeStamper

TSA_NAME = "Horodatage de test"
"""The common name of the authority's certificate (what verification reports)."""


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dead_url() -> str:
    """An authority that refuses connections at once."""
    return f"http://127.0.0.1:{closed_port()}/tsa"


def tsa_identity() -> tuple[asn1_x509.Certificate, asn1_x509.Certificate, asn1_keys.PrivateKeyInfo]:
    """A test root, the authority's certificate it issued, and the authority's key."""
    now = datetime.now(UTC)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Racine d'horodatage de test")])
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, TSA_NAME)]))
        .issuer_name(root_name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    der = serialization.Encoding.DER
    key = tsa_key.private_bytes(
        der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return (
        asn1_x509.Certificate.load(root.public_bytes(der)),
        asn1_x509.Certificate.load(tsa.public_bytes(der)),
        asn1_keys.PrivateKeyInfo.load(key),
    )


@dataclass
class LocalTsa:
    """The running authority: its URL, the root to trust, the time it stamps."""

    root: asn1_x509.Certificate
    time: datetime
    stamper: DummyTimeStamper
    port: int = 0
    requests: int = 0
    _server: ThreadingHTTPServer | None = field(default=None, repr=False)
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/tsa"

    def root_pem(self, folder: Path) -> Path:
        """The root in a PEM file (what COSIGNE_TSA_ROOTS names)."""
        path = folder / "tsa-root.pem"
        cert = x509.load_der_x509_certificate(self.root.dump())
        path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return path

    def start(self) -> None:
        if self._server is not None:
            return
        server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self.port = server.server_port
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None


def _handler(tsa: LocalTsa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if self.headers.get("Content-Type") != "application/timestamp-query":
                self.send_error(415)
                return
            request = tsp.TimeStampReq.load(self.rfile.read(length))
            body = tsa.stamper.request_tsa_response(request).dump()
            tsa.requests += 1
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — stdlib name
            pass

    return Handler


def start_local_tsa() -> LocalTsa:
    root, certificate, key = tsa_identity()
    moment = (datetime.now(UTC) - timedelta(seconds=30)).replace(microsecond=0)
    stamper = DummyTimeStamper(tsa_cert=certificate, tsa_key=key, fixed_dt=moment)
    tsa = LocalTsa(root=root, time=moment, stamper=stamper)
    tsa.start()
    return tsa
