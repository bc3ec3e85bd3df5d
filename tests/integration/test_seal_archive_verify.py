"""A real convention, rendered by LibreOffice, sealed, archived and verified; checked with pyHanko,
qpdf and poppler as anyone receiving the file could."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import MDPPerm
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from signing.pdf.archive import Archive
from signing.pdf.dev_seal import ensure_dev_seal
from signing.pdf.pipeline import render_document
from signing.pdf.seal import Sealer
from signing.pdf.verify import verify_pdf


def _text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.libreoffice
def test_a_rendered_convention_is_sealed_archived_and_verified(
    make_request, school, today, converter, tmp_path: Path
) -> None:
    body = make_request("convention")
    frozen = render_document("convention", body["data"], school, today=today, converter=converter)
    sealer = Sealer(ensure_dev_seal(tmp_path / "data"))

    sealed = sealer.seal(frozen.pdf, document_id=1)
    archive = Archive(tmp_path / "archive")
    sha256 = archive.put(sealed)

    stored = archive.get(sha256)
    assert stored == sealed
    assert stored.startswith(frozen.pdf)
    assert _text(stored) == _text(frozen.pdf)  # the seal adds no visible content

    (signature,) = PdfFileReader(io.BytesIO(stored)).embedded_signatures
    status = validate_pdf_signature(signature, ValidationContext(trust_roots=sealer.trust_roots()))
    assert status.bottom_line, status.pretty_print_details()
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.docmdp_level == MDPPerm.NO_CHANGES

    report = verify_pdf(stored, trust_roots=sealer.trust_roots())
    assert report.trustworthy
    assert report.problems == ()
    assert report.sha256 == sha256

    path = tmp_path / "convention.pdf"
    path.write_bytes(stored)
    qpdf, pdfsig, pdfinfo = (_tool(name) for name in ("qpdf", "pdfsig", "pdfinfo"))
    checked = subprocess.run([qpdf, "--check", path], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    listed = subprocess.run([pdfsig, path], capture_output=True, text=True, check=False).stdout
    assert "Signature #1:" in listed
    assert "Signature #2" not in listed
    assert "Total document signed" in listed
    assert "Signature is Valid." in listed
    info = subprocess.run([pdfinfo, path], capture_output=True, text=True, check=True).stdout
    assert re.search(rf"^Pages:\s+{len(_text(frozen.pdf))}$", info, re.MULTILINE)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} manque : installez les paquets qpdf et poppler-utils")
    return path
