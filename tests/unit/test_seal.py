"""The seal, checked the way others would check it: pyHanko's validation, qpdf, poppler's pdfsig."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import shutil
import socket
import stat
import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.timestamps import DummyTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfWriter

from signing.errors import CosigneError, SealError
from signing.pdf.dev_seal import DEV_P12_NAME, DEV_PASSPHRASE_NAME, ensure_dev_seal
from signing.pdf.seal import Sealer, SealSettings
from signing.pdf.verify import verify_pdf


def make_pdf(pages: int = 1, producer: str = "Cosigne tests") -> bytes:
    """A small PDF whose content does not matter (blank A4 pages)."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Producer": producer})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pyhanko_status(pdf: bytes, roots: list[asn1_x509.Certificate]):
    """pyHanko's full judgment of the first signature, difference analysis included."""
    signatures = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert len(signatures) == 1
    return signatures[0], validate_pdf_signature(
        signatures[0], ValidationContext(trust_roots=roots)
    )


def needs_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} manque sur la machine de CI")
        pytest.skip(f"{name} n'est pas installé")
    return path


@pytest.fixture(scope="module")
def seal_settings(tmp_path_factory: pytest.TempPathFactory) -> SealSettings:
    return ensure_dev_seal(tmp_path_factory.mktemp("seal"))


@pytest.fixture(scope="module")
def sealer(seal_settings: SealSettings) -> Sealer:
    return Sealer(seal_settings)


# The development seal


def test_dev_seal_is_generated_once_then_reused_and_private(tmp_path: Path) -> None:
    first = ensure_dev_seal(tmp_path)
    p12 = (tmp_path / DEV_P12_NAME).read_bytes()

    second = ensure_dev_seal(tmp_path)

    assert second == first
    assert (tmp_path / DEV_P12_NAME).read_bytes() == p12
    assert Sealer(second).certificate.dump() == Sealer(first).certificate.dump()
    for name in (DEV_P12_NAME, DEV_PASSPHRASE_NAME):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600
    assert first.passphrase is not None
    assert len(first.passphrase) >= 32
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(".lock")) == sorted(
        [DEV_P12_NAME, DEV_PASSPHRASE_NAME]
    )


def test_concurrent_first_calls_agree_on_one_seal(tmp_path: Path) -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        settings = list(pool.map(lambda _: ensure_dev_seal(tmp_path), range(4)))

    assert all(each == settings[0] for each in settings)
    certificates = {Sealer(each).certificate.dump() for each in settings}
    assert len(certificates) == 1


def test_dev_certificate_is_a_ten_year_seal_issued_by_the_dev_authority(sealer: Sealer) -> None:
    certificate = x509.load_der_x509_certificate(sealer.certificate.dump())
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment  # nonRepudiation
    assert not usage.key_cert_sign
    assert certificate.public_key().key_size == 3072
    lifetime = certificate.not_valid_after_utc - certificate.not_valid_before_utc
    assert timedelta(days=3650) <= lifetime <= timedelta(days=3660)

    (root,) = sealer.trust_roots()
    assert root.ca
    assert root.subject == sealer.certificate.issuer
    assert root.dump() != sealer.certificate.dump()


# Sealing


def test_a_sealed_pdf_is_certified_no_changes_and_valid_for_pyhanko(sealer: Sealer) -> None:
    original = make_pdf(pages=3)

    sealed = sealer.seal(original, document_id=42)

    assert sealed.startswith(original)  # an incremental update: the signed bytes are untouched
    signature, status = pyhanko_status(sealed, sealer.trust_roots())
    assert status.bottom_line, status.pretty_print_details()
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.modification_level == ModificationLevel.NONE
    assert status.docmdp_ok
    assert signature.docmdp_level == MDPPerm.NO_CHANGES
    assert signature.field_name == "CachetCosigne"
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert "document n° 42" in str(signature.sig_object["/Reason"])
    assert status.md_algorithm == "sha256"


def test_a_sealed_pdf_passes_qpdf_and_pdfsig_sees_one_valid_signature(
    sealer: Sealer, tmp_path: Path
) -> None:
    qpdf, pdfsig = needs_tool("qpdf"), needs_tool("pdfsig")
    path = tmp_path / "scelle.pdf"
    path.write_bytes(sealer.seal(make_pdf(pages=2)))

    checked = subprocess.run([qpdf, "--check", path], capture_output=True, text=True, check=False)
    listed = subprocess.run([pdfsig, path], capture_output=True, text=True, check=False)

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "No syntax or stream encoding errors" in checked.stdout
    assert listed.returncode == 0, listed.stderr
    assert "Signature #1:" in listed.stdout
    assert "Signature #2" not in listed.stdout
    assert "Signature Field Name: CachetCosigne" in listed.stdout
    assert "Signature Type: ETSI.CAdES.detached" in listed.stdout
    assert "Total document signed" in listed.stdout
    assert "Signature is Valid." in listed.stdout


def test_one_sealer_serves_many_threads(sealer: Sealer) -> None:
    documents = [make_pdf(producer=f"document {n}") for n in range(6)]

    with ThreadPoolExecutor(max_workers=3) as pool:
        sealed = list(pool.map(sealer.seal, documents))

    for original, result in zip(documents, sealed, strict=True):
        assert result.startswith(original)
        _, status = pyhanko_status(result, sealer.trust_roots())
        assert status.bottom_line


def test_a_sealed_pdf_cannot_be_sealed_again(sealer: Sealer) -> None:
    sealed = sealer.seal(make_pdf())

    with pytest.raises(SealError) as caught:
        sealer.seal(sealed, document_id=7)

    assert caught.value.document_id == 7
    assert str(caught.value).startswith("document 7 : ")


def test_bytes_that_are_not_a_pdf_are_refused(sealer: Sealer) -> None:
    with pytest.raises(SealError, match="illisible"):
        sealer.seal(b"PK\x03\x04 un fichier DOCX, pas un PDF")


def test_a_wrong_passphrase_is_a_seal_error(seal_settings: SealSettings) -> None:
    with pytest.raises(SealError, match="phrase de passe incorrecte"):
        Sealer(dataclasses.replace(seal_settings, passphrase=b"pas la bonne"))


def test_a_missing_key_file_is_a_seal_error(tmp_path: Path) -> None:
    with pytest.raises(SealError, match="introuvable"):
        Sealer(SealSettings(p12_path=tmp_path / "absent.p12", passphrase=None))


def test_a_garbage_key_file_is_a_seal_error(tmp_path: Path) -> None:
    (tmp_path / "abime.p12").write_bytes(b"\x30\x03\x02\x01\x00 pas un PKCS#12")
    with pytest.raises(SealError) as caught:
        Sealer(SealSettings(p12_path=tmp_path / "abime.p12", passphrase=b"x"))
    assert isinstance(caught.value, CosigneError)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_timestamp_authority_is_a_seal_error(seal_settings: SealSettings) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/tsa"
    sealer = Sealer(dataclasses.replace(seal_settings, tsa_url=url, tsa_timeout=2.0))

    with pytest.raises(SealError, match="horodatage") as caught:
        sealer.seal(make_pdf(), document_id=3)

    assert url in str(caught.value)
    assert caught.value.document_id == 3


# Timestamped seals (PAdES B-T), against a timestamp authority served locally


@dataclasses.dataclass(frozen=True)
class LocalTsa:
    url: str
    root: asn1_x509.Certificate
    time: datetime


def _tsa_identity() -> tuple[
    asn1_x509.Certificate, asn1_x509.Certificate, asn1_keys.PrivateKeyInfo
]:
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
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Horodatage de test")]))
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


@pytest.fixture(scope="module")
def local_tsa() -> Iterator[LocalTsa]:
    root, certificate, key = _tsa_identity()
    moment = (datetime.now(UTC) - timedelta(seconds=30)).replace(microsecond=0)
    stamper = DummyTimeStamper(tsa_cert=certificate, tsa_key=key, fixed_dt=moment)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
            body = stamper.request_tsa_response(request).dump()
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 — stdlib name
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LocalTsa(f"http://127.0.0.1:{server.server_port}/tsa", root, moment)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_with_a_timestamp_authority_the_seal_is_pades_b_t(
    seal_settings: SealSettings, local_tsa: LocalTsa
) -> None:
    sealer = Sealer(dataclasses.replace(seal_settings, tsa_url=local_tsa.url))
    roots = [*sealer.trust_roots(), local_tsa.root]

    sealed = [sealer.seal(make_pdf(producer=f"horodaté {n}")) for n in range(2)]

    for each in sealed:
        _, status = pyhanko_status(each, roots)
        assert status.bottom_line, status.pretty_print_details()
        assert status.timestamp_validity is not None
        assert status.timestamp_validity.trusted
        assert status.timestamp_validity.timestamp == local_tsa.time
        report = verify_pdf(each, trust_roots=roots)
        assert report.seal_valid
        assert report.intact
        assert report.sealed_at == local_tsa.time  # the authority's time, not the sealer's
        assert report.problems == ()


def test_an_untrusted_timestamp_falls_back_to_the_declared_time(
    seal_settings: SealSettings, local_tsa: LocalTsa
) -> None:
    sealer = Sealer(dataclasses.replace(seal_settings, tsa_url=local_tsa.url))

    report = verify_pdf(sealer.seal(make_pdf()), trust_roots=sealer.trust_roots())

    assert report.seal_valid
    assert report.sealed_at is not None
    assert report.sealed_at != local_tsa.time
    assert any("horodatage" in problem for problem in report.problems)


def test_the_archive_key_of_a_seal_is_its_sha256(sealer: Sealer) -> None:
    sealed = sealer.seal(make_pdf())
    report = verify_pdf(sealed, trust_roots=sealer.trust_roots())
    assert report.sha256 == hashlib.sha256(sealed).hexdigest()
