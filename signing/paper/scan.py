"""The signed sheet brought back as a scan (issue 14 §2): checked, re-encoded, read.

An upload is judged by its bytes, never its name: a PDF (``%PDF-``), a PNG or a JPEG, at most
`MAX_BYTES`. Nothing of it is kept as sent: a PDF's pages are drawn by poppler
(`signing.pdf.page_images`), an image is decoded by Pillow, and the pages are rebuilt as a new
PDF (`annex_pdf`), each titled « Annexe — feuille de signature de … », which is what is stored
and appended to the final PDF after the certificate.

The sheet is the page whose QR code (read with zxing-cpp) is a sheet code, else the last page.
Its signature box is cut out at the place `signing.paper.sheet` gives, relative to the frame of
the four registration marks found in the page's corners (else to the page's edges). Limits: the
scan must be upright (a page scanned upside down or turned by more than a few degrees gives a
box off its place: no rotation is measured), and a mark hidden by a stain or cut off by the
scanner's margin makes the page's edges the frame, which holds for a full-page scan only.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import zxingcpp
from PIL import Image, ImageOps, UnidentifiedImageError
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from signing.errors import ConversionError, PdfUnreadable
from signing.paper.sheet import SIGNATURE_BOX
from signing.pdf.fonts import SANS_BOLD, draw, register_fonts
from signing.pdf.page_images import count_pages, render_page

MAX_BYTES = 10 * 1024 * 1024
MAX_PAGES = 20
MAX_PIXELS = 50_000_000
PAGE_WIDTH_PX = 1240
"""A page drawn 1240 pixels wide: 150 dpi on A4, enough to read a signature and a QR code."""
_DARK = 110
"""A pixel darker than this (0–255) counts as a registration mark's black."""
_CORNER = 0.12
"""Each mark is looked for in this fraction of the page's width and height, from its corner."""


class ScanRefused(ValueError):
    """The upload is no usable scan; the message says why, in French."""


@dataclass(frozen=True)
class Scan:
    pages: tuple[Image.Image, ...]
    """Every page, decoded and upright as sent, RGB."""
    sheet: int
    """The index of the sheet's page."""
    codes: tuple[str, ...]
    """The texts of the QR codes read on the sheet's page (none when unreadable)."""


def kind_of(data: bytes) -> str:
    """« pdf », « png » or « jpeg », judged from the first bytes; ScanRefused otherwise."""
    if not data:
        raise ScanRefused("Le fichier est vide.")
    if len(data) > MAX_BYTES:
        raise ScanRefused(f"Le fichier dépasse {MAX_BYTES // (1024 * 1024)} Mo.")
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    raise ScanRefused("Le fichier n'est ni un PDF, ni une image PNG ou JPEG.")


def _image(data: bytes) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                if opened.width * opened.height > MAX_PIXELS:
                    raise ScanRefused("L'image est trop grande.")
                image = ImageOps.exif_transpose(opened).convert("RGB")
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombWarning,
    ) as exc:
        if isinstance(exc, ScanRefused):
            raise
        raise ScanRefused("L'image est illisible.") from exc
    if image.width < 200 or image.height < 200:
        raise ScanRefused("L'image est trop petite pour être une feuille numérisée.")
    return image


def _pdf_pages(data: bytes) -> list[Image.Image]:
    try:
        count = count_pages(data)
    except PdfUnreadable as exc:
        raise ScanRefused("Le PDF est illisible.") from exc
    if count == 0:
        raise ScanRefused("Le PDF n'a aucune page.")
    if count > MAX_PAGES:
        raise ScanRefused(f"Le PDF a plus de {MAX_PAGES} pages.")
    try:
        return [_image(render_page(data, n, width=PAGE_WIDTH_PX)) for n in range(1, count + 1)]
    except ConversionError as exc:
        raise ScanRefused("Le PDF est illisible.") from exc


def sheet_codes(image: Image.Image) -> tuple[str, ...]:
    """The texts of the QR codes zxing-cpp reads on `image`."""
    found = zxingcpp.read_barcodes(image)
    return tuple(result.text for result in found if result.valid)


def read_scan(data: bytes) -> Scan:
    """The scan's pages, decoded, and which one is the sheet; ScanRefused when unusable."""
    pages = _pdf_pages(data) if kind_of(data) == "pdf" else [_image(data)]
    for index in reversed(range(len(pages))):
        codes = sheet_codes(pages[index])
        if any(code.upper().startswith("FS-") for code in codes):
            return Scan(tuple(pages), index, codes)
    return Scan(tuple(pages), len(pages) - 1, ())


def _mark_corner(gray: Image.Image, left: int, top: int) -> tuple[int, int, int, int] | None:
    w, h = int(gray.width * _CORNER), int(gray.height * _CORNER)
    region = gray.crop((left, top, left + w, top + h)).point(lambda v: 255 if v < _DARK else 0)
    box = region.getbbox()
    return None if box is None else (box[0] + left, box[1] + top, box[2] + left, box[3] + top)


def mark_frame(image: Image.Image) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the frame the four marks' outer corners draw; the page's
    edges when a mark is not found."""
    gray = image.convert("L")
    w, h = int(gray.width * _CORNER), int(gray.height * _CORNER)
    corners = [
        _mark_corner(gray, x, y) for x, y in ((0, 0), (gray.width - w, 0), (0, gray.height - h))
    ]
    corners.append(_mark_corner(gray, gray.width - w, gray.height - h))
    if any(c is None for c in corners):
        return (0, 0, image.width, image.height)
    tl, tr, bl, br = (c for c in corners if c is not None)
    return (min(tl[0], bl[0]), min(tl[1], tr[1]), max(tr[2], br[2]), max(bl[3], br[3]))


def signature_png(sheet: Image.Image) -> bytes:
    """The inside of the sheet's signature box, its paper made white (so that the stamp crops
    the drawing to its ink), as a PNG; a little inside the box's border so the border stays out."""
    left, top, right, bottom = mark_frame(sheet)
    span_x, span_y = right - left, bottom - top
    fl, ft, fr, fb = SIGNATURE_BOX
    inset = 0.03
    box = (
        int(left + span_x * (fl + inset * (fr - fl))),
        int(top + span_y * (ft + inset * 2 * (fb - ft))),
        int(left + span_x * (fr - inset * (fr - fl))),
        int(top + span_y * (fb - inset * 2 * (fb - ft))),
    )
    cut = sheet.convert("L").crop(box).point(lambda v: 255 if v > 170 else v)
    out = io.BytesIO()
    cut.save(out, "PNG")
    return out.getvalue()


def has_ink(png: bytes) -> bool:
    """Whether the cut-out box holds a drawing (not a blank box)."""
    with Image.open(io.BytesIO(png)) as image:
        dark = sum(image.convert("L").point(lambda v: 1 if v < 128 else 0).histogram()[1:])
        return dark > 0.002 * image.width * image.height


def annex_pdf(scan: Scan, signer_name: str) -> bytes:
    """The scan rebuilt: one A4 page per scanned page, titled, the image fitted below."""
    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    width, height = A4
    title = f"Annexe — feuille de signature de {signer_name}"
    for number, page in enumerate(scan.pages, start=1):
        suffix = f" (page {number}/{len(scan.pages)})" if len(scan.pages) > 1 else ""
        draw(canvas, 1.5 * cm, height - 1.5 * cm, title + suffix, font_name=SANS_BOLD.name, size=11)
        box_w, box_h = width - 3 * cm, height - 3.5 * cm
        scale = min(box_w / page.width, box_h / page.height)
        w, h = page.width * scale, page.height * scale
        buffer = io.BytesIO()
        page.save(buffer, "JPEG", quality=85)
        canvas.drawImage(ImageReader(buffer), (width - w) / 2, height - 2.2 * cm - h, w, h)
        canvas.showPage()
    canvas.save()
    return out.getvalue()
