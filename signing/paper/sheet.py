"""The signature sheet printed for a signer who signs on paper (issue 14 §2), and where on it the
signature is: one A4 page that names the document and the signer, gives the consent sentence, a
box « Signature », « Fait à … le … », and the sheet's code (`signing.paper.sheet_code`), as text
and as a QR code.

The layout is ours, so the signature box is found on a scan by known coordinates: four black
squares (registration marks) sit near the page's corners, and the box's place is given relative
to the frame they draw (`SIGNATURE_BOX`), which a scan's margins and scale do not change.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen.canvas import Canvas

from signing.pdf.fonts import SANS, SANS_BOLD, draw, register_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARK_SIZE = 0.8 * cm
MARK_MARGIN = 1.0 * cm
"""Each registration mark's outer corner is this far from the page's corner."""
BOX = (2.0 * cm, 7.5 * cm, 12.0 * cm, 6.0 * cm)
"""The signature box on the page: left, bottom, width, height, in points (PDF coordinates)."""
QR_SIZE = 4.0 * cm


def _frame_relative(box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """`box` as fractions (left, top, right, bottom; top-down, as an image's pixels) of the frame
    the registration marks' outer corners draw."""
    left, bottom, w, h = box
    span_x, span_y = PAGE_WIDTH - 2 * MARK_MARGIN, PAGE_HEIGHT - 2 * MARK_MARGIN
    top = PAGE_HEIGHT - MARK_MARGIN - (bottom + h)
    return (
        (left - MARK_MARGIN) / span_x,
        top / span_y,
        (left + w - MARK_MARGIN) / span_x,
        (top + h) / span_y,
    )


SIGNATURE_BOX = _frame_relative(BOX)
"""Where the signature box is within the marks' frame: (left, top, right, bottom) fractions."""


@dataclass(frozen=True)
class SheetText:
    """What the sheet says."""

    school: str
    document: str
    """« Convention de stage n° 12 — élève : Nadia M. »"""
    signer_name: str
    signer_role: str
    consent: str
    code: str
    version: str = ""
    """« version 1, fichier SHA-256 1A2B3C4D… »: which file this sheet signs."""


def _qr_png(code: str) -> bytes:
    image = qrcode.make(code, border=2, box_size=8)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


def _lines(canvas: Canvas, x: float, y: float, text: str, *, bold: bool = False) -> float:
    font = SANS_BOLD.name if bold else SANS.name
    for line in simpleSplit(text, font, 11, PAGE_WIDTH - 4 * cm):
        draw(canvas, x, y, line, font_name=font, size=11)
        y -= 15
    return y


def _marks(canvas: Canvas) -> None:
    near, far = MARK_MARGIN, PAGE_WIDTH - MARK_MARGIN - MARK_SIZE
    low, high = MARK_MARGIN, PAGE_HEIGHT - MARK_MARGIN - MARK_SIZE
    for x, y in ((near, low), (near, high), (far, low), (far, high)):
        canvas.rect(x, y, MARK_SIZE, MARK_SIZE, stroke=0, fill=1)


def sheet_pdf(text: SheetText) -> bytes:
    """The sheet alone, one A4 page."""
    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle(f"Feuille de signature — {text.signer_name}")
    _marks(canvas)
    x, y = 2 * cm, PAGE_HEIGHT - 3 * cm
    draw(canvas, x, y, "Feuille de signature sur papier", font_name=SANS_BOLD.name, size=16)
    y = _lines(canvas, x, y - 24, text.school)
    y = _lines(canvas, x, y - 4, f"Document : {text.document}", bold=True)
    if text.version:
        y = _lines(canvas, x, y - 2, f"Version : {text.version}")
    y = _lines(canvas, x, y - 4, f"Signataire : {text.signer_name} ({text.signer_role})", bold=True)
    y = _lines(canvas, x, y - 10, f"« {text.consent} »")
    _lines(
        canvas,
        x,
        y - 10,
        "Signez à la main dans le cadre ci-dessous, sans déborder, puis rendez cette feuille "
        "à l'établissement. Elle n'est valable que pour ce document, dans cette version, "
        "et pour ce signataire.",
    )
    left, bottom, w, h = BOX
    draw(canvas, left, bottom + h + 6, "Signature", font_name=SANS_BOLD.name, size=11)
    canvas.setLineWidth(1.2)
    canvas.rect(left, bottom, w, h, stroke=1, fill=0)
    draw(
        canvas,
        left,
        bottom - 1.2 * cm,
        "Fait à ……………………………………… le ……………………………",
        font_name=SANS.name,
        size=11,
    )
    draw(canvas, left, 3.2 * cm, "Code de la feuille :", font_name=SANS.name, size=10)
    draw(canvas, left, 2.6 * cm, text.code, font_name=SANS_BOLD.name, size=13)
    qr = ImageReader(io.BytesIO(_qr_png(text.code)))
    canvas.drawImage(qr, PAGE_WIDTH - 2 * cm - QR_SIZE, 2.2 * cm, QR_SIZE, QR_SIZE)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
