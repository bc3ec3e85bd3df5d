"""The seal, checked the way others would check it: pyHanko's validation, qpdf, poppler's pdfsig."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import shutil
import stat
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import ModificationLevel, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfWriter
from tsa import LocalTsa, dead_url

from signing.errors import CosigneError, SealError, TimestampUnavailable
from signing.pdf.dev_seal import DEV_P12_NAME, DEV_PASSPHRASE_NAME, ensure_dev_seal
from signing.pdf.seal import Sealer, SealSettings
from signing.pdf.timestamp import seal_trying, timestamp_document
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


def test_an_unreachable_timestamp_authority_is_a_timestamp_unavailable(
    seal_settings: SealSettings,
) -> None:
    url = dead_url()
    sealer = Sealer(dataclasses.replace(seal_settings, tsa_url=url, tsa_timeout=2.0))

    with pytest.raises(TimestampUnavailable, match="horodatage") as caught:
        sealer.seal(make_pdf(), document_id=3)

    assert isinstance(caught.value, SealError)
    assert caught.value.authorities == (url,)
    assert caught.value.document_id == 3


# Timestamped seals (PAdES B-T), against a timestamp authority served locally (tests/tsa.py)


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
        assert report.timestamped_at == local_tsa.time
        assert report.timestamped_by == "Horodatage de test"
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


# Sealed while no authority answered, timestamped later (signing.pdf.timestamp)


def _sealed_pending(seal_settings: SealSettings) -> tuple[Sealer, bytes]:
    sealer = Sealer(seal_settings)
    outcome = seal_trying(
        sealer, (dead_url(), dead_url()), lambda authority, unanswered: make_pdf(), document_id=7
    )
    assert outcome.timestamp_authority is None
    assert outcome.timestamp_pending
    assert len(outcome.unanswered) == 2
    return sealer, outcome.pdf


def test_a_document_timestamp_after_the_seal_keeps_it_intact_and_dates_it(
    seal_settings: SealSettings, local_tsa: LocalTsa
) -> None:
    sealer, sealed = _sealed_pending(seal_settings)
    roots = [*sealer.trust_roots(), local_tsa.root]
    assert verify_pdf(sealed, trust_roots=roots).timestamped_at is None

    stamped = timestamp_document(sealed, (dead_url(), local_tsa.url), timeout=2.0)

    assert stamped.authority == local_tsa.url
    assert stamped.pdf.startswith(sealed)
    report = verify_pdf(stamped.pdf, trust_roots=roots)
    assert report.trustworthy, report.problems
    assert report.problems == ()
    assert report.timestamped_at == local_tsa.time
    assert report.timestamped_by == "Horodatage de test"
    assert report.sealed_document_id == 7


def test_a_document_timestamp_from_an_unknown_authority_is_said_so(
    seal_settings: SealSettings, local_tsa: LocalTsa
) -> None:
    sealer, sealed = _sealed_pending(seal_settings)

    stamped = timestamp_document(sealed, (local_tsa.url,))

    report = verify_pdf(stamped.pdf, trust_roots=sealer.trust_roots())
    assert report.seal_valid
    assert report.intact
    assert report.timestamped_at is None
    assert any("autorité non reconnue" in problem for problem in report.problems)


def _rotated(pdf: bytes) -> bytes:
    """An incremental update that changes the page (turned a quarter)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_change_hidden_under_a_document_timestamp_is_not_intact(
    seal_settings: SealSettings, local_tsa: LocalTsa
) -> None:
    sealer, sealed = _sealed_pending(seal_settings)
    roots = [*sealer.trust_roots(), local_tsa.root]

    for forged in (
        timestamp_document(_rotated(sealed), (local_tsa.url,)).pdf,  # changed, then stamped
        _rotated(timestamp_document(sealed, (local_tsa.url,)).pdf),  # stamped, then changed
    ):
        report = verify_pdf(forged, trust_roots=roots)
        assert report.seal_valid
        assert not report.intact
        assert not report.trustworthy
        assert report.problems


def test_no_authority_answering_a_document_timestamp_is_timestamp_unavailable(
    seal_settings: SealSettings,
) -> None:
    _, sealed = _sealed_pending(seal_settings)
    first, second = dead_url(), dead_url()

    with pytest.raises(TimestampUnavailable) as caught:
        timestamp_document(sealed, (first, second), timeout=2.0)

    assert caught.value.authorities == (first, second)
