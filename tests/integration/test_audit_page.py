"""The certificate appended to a real stamped convention: pages kept, pages added, file valid."""

from __future__ import annotations

import hashlib
import io
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pdftools import page_texts, pdffonts, qpdf_check, scribble_png, squash, tool
from pypdf import PdfReader
from trails import ISSUED_AT, VERIFY_URL, make_trail

from signing.data.schema import example_school
from signing.kinds import Kind
from signing.pdf.certificate import append_audit_pages
from signing.pdf.pipeline import render_document
from signing.pdf.stamp import SignatureMark, stamp

pytestmark = pytest.mark.libreoffice

ISSUED = date(2026, 11, 28)


@pytest.fixture(scope="module")
def frozen(converter: Any) -> tuple[bytes, list[str]]:
    data = Kind.CONVENTION.spec.example["data"]
    school = example_school()
    rendered = render_document("convention", data, school, today=ISSUED, converter=converter)
    plan = Kind.CONVENTION.spec.plan(rendered.data, rendered.school, ISSUED)
    return rendered.pdf, [party.anchor for party in plan.parties]


@pytest.fixture(scope="module")
def stamped(frozen: tuple[bytes, list[str]]) -> bytes:
    pdf, anchors = frozen
    drawing = scribble_png()
    return stamp(
        pdf, [SignatureMark(anchor, "Nguyễn Thị Lan", ISSUED_AT, drawing) for anchor in anchors]
    )


def test_the_certificate_follows_the_stamped_pages_which_stay_as_they_were(
    frozen, stamped, tmp_path: Path
) -> None:
    frozen_pdf, _ = frozen
    trail = make_trail(frozen_sha256=hashlib.sha256(frozen_pdf).hexdigest())

    final = append_audit_pages(stamped, trail)

    assert final[: len(stamped)] == stamped
    # So the PDF the signers saw is still there, byte for byte, and its hash can be checked.
    assert hashlib.sha256(final[: len(frozen_pdf)]).hexdigest() == trail.frozen_sha256
    before, after = page_texts(stamped), page_texts(final)
    assert after[: len(before)] == before
    added = squash("\n".join(after[len(before) :]))
    assert added.startswith("Certificat de signature")
    assert trail.frozen_sha256 in added
    assert "nadia.martin@example.org" in added  # as registered: the address the link went to
    assert VERIFY_URL in added
    pages = len(after) - len(before)
    assert f"Page {pages} sur {pages}" in added
    reader = PdfReader(io.BytesIO(final))
    assert len(reader.pages[len(before)].images) == 1  # the QR code
    assert reader.metadata is not None
    assert reader.metadata.title == "Convention de stage"  # the document's own metadata kept


def test_the_final_pdf_passes_qpdf_and_embeds_every_font(stamped, tmp_path: Path) -> None:
    final = append_audit_pages(stamped, make_trail(rounds=6))

    checked = qpdf_check(final, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    fonts = pdffonts(final, tmp_path)
    assert any("LiberationSans" in name for name in fonts)
    assert any("LiberationMono" in name for name in fonts)
    assert all(fonts.values()), fonts
    (tmp_path / "final.pdf").write_bytes(final)
    info = subprocess.run(
        [tool("pdfinfo"), str(tmp_path / "final.pdf")], capture_output=True, text=True, check=True
    ).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages == len(PdfReader(io.BytesIO(final)).pages)
    assert pages >= len(PdfReader(io.BytesIO(stamped)).pages) + 2  # a long trail: two pages


def test_the_certificate_reads_as_part_of_the_document(frozen, stamped) -> None:
    """Its pages carry the document's running header and footer, in the document's font; a
    viewer numbers them « Certificat 1 »… after the document's own 1, 2…"""
    trail = make_trail(school_uai="0440021J")
    document_pages = len(PdfReader(io.BytesIO(stamped)).pages)

    final = append_audit_pages(stamped, trail)

    reader = PdfReader(io.BytesIO(final))
    added = reader.pages[document_pages:]
    for number, page in enumerate(added, start=1):
        text = squash(page.extract_text())
        assert "Lycée professionnel Michelet – UAI 0440021J" in text
        assert "Certificat de signature – Convention de stage n° 42, version 1" in text
        assert f"Page {number} sur {len(added)}" in text
        fonts = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
        assert fonts
        assert all("Liberation" in name for name in fonts), fonts
    assert reader.page_labels == [
        *(str(n) for n in range(1, document_pages + 1)),
        *(f"Certificat {n}" for n in range(1, len(added) + 1)),
    ]


def test_a_character_the_document_font_lacks_is_drawn_by_the_fallback(stamped) -> None:
    """An emoji in a name: Liberation Sans has none, so Symbola draws it, never a box."""
    trail = make_trail()
    first = trail.signers[0]
    signers = (replace(first, name="Lou 🌻 Martin"), *trail.signers[1:])

    final = append_audit_pages(stamped, replace(trail, signers=signers))

    reader = PdfReader(io.BytesIO(final))
    page = reader.pages[len(PdfReader(io.BytesIO(stamped)).pages)]
    fonts = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("Symbola" in name for name in fonts), fonts
    assert "Lou" in page.extract_text()
