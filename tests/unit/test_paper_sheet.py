"""The paper signature sheet (issue 14 §2): its code, its page, and the scan brought back."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from signing.paper import scan as scans
from signing.paper.sheet import SheetText, sheet_pdf
from signing.paper.sheet_code import SheetCodeInvalid, make_code, read_code
from signing.pdf.page_images import render_page

KEYS = ("old-secret", "new-secret")
SHA = "1a2b3c4d" + "e" * 56


def test_a_code_reads_back_with_every_key_and_survives_typing_slips() -> None:
    code = make_code(KEYS, 12, 34, SHA)
    assert code.startswith("FS-12-34-1A2B3C4D-")
    claims = read_code(KEYS, f"  {code.lower().replace('-', ' - ', 1)} ")
    assert (claims.document_id, claims.signer_id, claims.sha_prefix) == (12, 34, "1A2B3C4D")
    assert claims.matches(SHA)
    assert not claims.matches("f" * 64)
    assert read_code(("new-secret",), code) == claims  # the newest key signs


@pytest.mark.parametrize(
    "forged",
    [
        lambda c: c.replace("FS-12-34", "FS-12-35"),  # another signer
        lambda c: c.replace("FS-12-34", "FS-13-34"),  # another document
        lambda c: c.replace("1A2B3C4D", "1A2B3C4E"),  # another version
        lambda c: c[:-1] + ("A" if c[-1] != "A" else "B"),  # a signature made up
        lambda c: "n'importe quoi",
        lambda c: "",
    ],
)
def test_a_forged_or_altered_code_is_refused(forged) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SheetCodeInvalid):
        read_code(KEYS, forged(make_code(KEYS, 12, 34, SHA)))


def test_a_code_signed_with_another_secret_is_refused() -> None:
    with pytest.raises(SheetCodeInvalid):
        read_code(KEYS, make_code(("someone-else",), 12, 34, SHA))


def _sheet(code: str) -> bytes:
    return sheet_pdf(
        SheetText(
            school="Lycée Jean Moulin",
            document="Convention de stage n° 12 — élève : Nadia M.",
            signer_name="Karim Martin",
            signer_role="Le représentant légal",
            consent="J'ai lu le document et j'accepte de le signer.",
            code=code,
        )
    )


def signed_scan(sheet: bytes, *, ink: bool = True) -> Image.Image:
    """The sheet printed, signed in its box and scanned: drawn by poppler, ink added."""
    page = Image.open(io.BytesIO(render_page(sheet, 1, width=1240))).convert("RGB")
    if ink:
        pen = ImageDraw.Draw(page)
        w, h = page.size
        pen.line([(0.2 * w, 0.7 * h), (0.3 * w, 0.62 * h), (0.4 * w, 0.68 * h)], "black", 8)
    return page


def test_the_sheet_names_document_signer_consent_and_code() -> None:
    code = make_code(KEYS, 12, 34, SHA)
    text = PdfReader(io.BytesIO(_sheet(code))).pages[0].extract_text()
    for expected in (
        "Feuille de signature sur papier",
        "Convention de stage n° 12 — élève : Nadia M.",
        "Karim Martin (Le représentant légal)",
        "j'accepte de le signer",
        "Signature",
        "Fait à",
        code,
    ):
        assert expected in text


def test_the_scan_gives_back_the_code_and_the_ink_in_the_box() -> None:
    code = make_code(KEYS, 12, 34, SHA)
    page = signed_scan(_sheet(code))
    out = io.BytesIO()
    page.save(out, "JPEG")
    scan = scans.read_scan(out.getvalue())
    assert scan.codes == (code,)
    png = scans.signature_png(scan.pages[scan.sheet])
    assert scans.has_ink(png)
    blank = scans.read_scan(_png(signed_scan(_sheet(code), ink=False)))
    assert not scans.has_ink(scans.signature_png(blank.pages[0]))
    annex = PdfReader(io.BytesIO(scans.annex_pdf(scan, "Karim Martin")))
    assert "Annexe — feuille de signature de Karim Martin" in annex.pages[0].extract_text()


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "vide"),
        (b"GIF89a" + b"\0" * 100, "ni un PDF"),
        (b"%PDF-1.7 garbage", "illisible"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "illisible"),
        (b"%PDF-" + b"\0" * (scans.MAX_BYTES), "dépasse"),
    ],
)
def test_an_unusable_upload_is_refused_in_french(data: bytes, message: str) -> None:
    with pytest.raises(scans.ScanRefused, match=message):
        scans.read_scan(data)


def test_the_box_is_found_by_the_marks_on_a_scan_with_margins_and_another_scale() -> None:
    """A scanner leaves a margin and its own resolution: the box is still where the ink is,
    and the same blank sheet still reads as blank."""
    sheet = _sheet(make_code(KEYS, 12, 34, SHA))
    for ink in (True, False):
        page = signed_scan(sheet, ink=ink)
        scanned = Image.new("RGB", (page.width + 160, page.height + 120), (238, 238, 236))
        scanned.paste(page, (90, 50))
        scanned = scanned.resize((int(scanned.width * 0.8), int(scanned.height * 0.8)))
        frame = scans.mark_frame(scanned)
        assert frame[0] > 60  # the marks, not the paper's edge
        assert scans.has_ink(scans.signature_png(scanned)) is ink


def test_a_pdf_scan_is_drawn_again_and_its_qr_code_read() -> None:
    code = make_code(KEYS, 12, 34, SHA)
    out = io.BytesIO()
    signed_scan(_sheet(code)).save(out, "PDF", resolution=150)
    scan = scans.read_scan(out.getvalue())
    assert len(scan.pages) == 1
    assert scan.codes == (code,)
    assert scans.has_ink(scans.signature_png(scan.pages[scan.sheet]))
