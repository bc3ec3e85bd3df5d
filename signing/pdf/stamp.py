"""Stage 1 of the final PDF: each signer's signature, placed at their anchor in the frozen PDF.

Every signing block of a template opens with its signer's anchor, a bookmark (``sig-head``,
``sig-guardian-0``…, signing/kinds/README.md) that the PDF keeps as a named destination.
`signing.pdf.anchors` finds them; `stamp` draws, under each, the signer's drawn signature
(scaled to fit, aspect ratio kept) or, without a drawing, their typed name, and the line
"Signé électroniquement par … le … à … (heure de Paris)", in an embedded TrueType font.

The drawing is one form XObject per page, painted after the page's own content, which is left as
it was; the result is an incremental update of the frozen PDF (see `signing.pdf.increment`): same
pages, same text, the frozen bytes untouched at the start of the file.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, UnidentifiedImageError
from pypdf import PageObject, PdfReader
from reportlab.lib.colors import Color
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from signing.data.french import format_date_fr
from signing.data.territory import METROPOLE, Territory
from signing.errors import (
    AnchorMissing,
    MarkDuplicated,
    SignatureImageUnreadable,
)
from signing.pdf.anchors import AnchorPlace, find_anchors_in
from signing.pdf.fonts import SANS, draw, register_fonts, width
from signing.pdf.increment import Update, open_pdf
from signing.pdf.overlay import lay_over

INK = Color(0, 0, 0x91 / 255)
"""The stamp's text colour: the French state's blue (#000091), dark enough to print."""

BOX_WIDTH = 8.5 * cm
"""The signing space drawn in, from the anchor's left edge (the template's cell is 9.8 cm)."""
BOX_HEIGHT = 3.1 * cm
"""From just under the anchor's baseline down (the template's row is at least 3.6 cm high)."""
BOX_DROP = 2.0
"""Points between the anchor's baseline and the top of the signing space."""
CAPTION_SIZE = 8.0
CAPTION_MIN_SIZE = 6.0
NAME_SIZE = 14.0
"""The typed name drawn as the signature when there is no drawing (shrunk to fit)."""
IMAGE_MAX_PIXELS = 4000 * 4000
"""Larger drawings are refused before decoding (the service sends at most 2000 × 1000)."""
IMAGE_MAX_SIZE = (1200, 450)
"""Drawings are reduced to this before embedding: ~350 dpi in the space they get."""
_INK_LEVEL = 245
"""A pixel darker than this (0–255, on white paper) is ink: the drawing is cropped to it."""

_MIN_SPACE = 12.0
"""Points kept for the drawing (or typed name) above the caption, however long the caption."""


@dataclass(frozen=True)
class SignatureMark:
    """What to stamp at one anchor."""

    anchor: str
    """``sig-head``, ``sig-guardian-0``…: the signer's anchor
    (`signing.data.parties.Party.anchor`)."""
    name: str
    """The signer's name as printed in the caption."""
    signed_at: datetime
    """When they signed: timezone aware (shown in the school's time)."""
    png: bytes | None
    """Their drawn signature (a PNG), or None when they only typed their name."""
    territory: Territory = METROPOLE
    on_paper: bool = False
    """Signed by hand on a paper sheet (`png` cut from its scan): the caption says so."""
    """The school's territory: its time is the one the caption gives, and names."""


_Placed = tuple[AnchorPlace, SignatureMark, Image.Image | None]
"""A mark, where it goes, and its drawing (cropped) if any."""


def format_clock_fr(at: datetime, territory: Territory = METROPOLE) -> str:
    """``14 h 32``, ``10 h 00``: the time of day of `at` in the territory's time."""
    local = territory.local(at)
    return f"{local.hour} h {local.minute:02d}"


def format_moment_fr(at: datetime, territory: Territory = METROPOLE) -> str:
    """``7 décembre 2026 à 14 h 32``, in the territory's time."""
    return f"{format_date_fr(territory.day(at))} à {format_clock_fr(at, territory)}"


def signed_caption(
    name: str, at: datetime, territory: Territory = METROPOLE, *, on_paper: bool = False
) -> str:
    """The stamp's line: ``Signé électroniquement par … le … à … (heure de Paris)``; on paper,
    ``Signé sur papier par …, feuille numérisée le … à …``."""
    moment = format_moment_fr(at, territory)
    if on_paper:
        return (
            f"Signé sur papier par {_clean_name(name)}, feuille numérisée le {moment} "
            f"({territory.clock_name})"
        )
    return f"Signé électroniquement par {_clean_name(name)} le {moment} ({territory.clock_name})"


def stamp(pdf: bytes, marks: Sequence[SignatureMark]) -> bytes:
    """`pdf` with each mark drawn in the signing space under its anchor.

    Anchors are looked for from the last page back, until every mark's is found.

    Raises `AnchorMissing` when a mark's anchor is not in the PDF (a template defect),
    `MarkDuplicated` for two marks on one anchor, `SignatureImageUnreadable` for a drawing that
    is not a usable PNG, `PdfUnreadable`, and `signing.errors.FontMissing`.
    """
    marks = tuple(marks)
    _check_marks(marks)
    if not marks:
        return pdf
    reader = open_pdf(pdf)
    places = find_anchors_in(reader, wanted={mark.anchor for mark in marks})
    for mark in marks:
        if mark.anchor not in places:
            raise AnchorMissing(mark.anchor)
    by_page: dict[int, list[_Placed]] = {}
    for mark in marks:
        place = places[mark.anchor]
        by_page.setdefault(place.page_index, []).append((place, mark, _signature_image(mark)))
    indexes = sorted(by_page)
    overlay = _draw_overlay([(reader.pages[index], by_page[index]) for index in indexes])
    update = Update(pdf, reader)
    for index, drawn in zip(indexes, overlay.pages, strict=True):
        lay_over(update, reader.pages[index], drawn)
    return update.to_bytes()


# Anchors


def _check_marks(marks: Iterable[SignatureMark]) -> None:
    seen: set[str] = set()
    for mark in marks:
        if mark.anchor in seen:
            raise MarkDuplicated(mark.anchor)
        seen.add(mark.anchor)
        mark.territory.local(mark.signed_at)


# Drawing


def _signature_image(mark: SignatureMark) -> Image.Image | None:
    """The drawing cropped to its ink and reduced, in RGBA; None without a drawing (or ink)."""
    if mark.png is None:
        return None
    try:
        with warnings.catch_warnings():
            # Pillow warns, then refuses, on decompression bombs; our size check comes first.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(mark.png), formats=["PNG"]) as image:
                width, height = image.size
                if width * height > IMAGE_MAX_PIXELS:
                    raise SignatureImageUnreadable(
                        mark.anchor, f"image trop grande ({width} × {height} pixels)"
                    )
                image.load()
                drawing = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise SignatureImageUnreadable(mark.anchor, str(exc) or type(exc).__name__) from exc
    paper = Image.new("RGBA", drawing.size, (255, 255, 255, 255))
    grey = Image.alpha_composite(paper, drawing).convert("L")
    box = grey.point(lambda level: 255 if level < _INK_LEVEL else 0).getbbox()
    if box is None:
        return None
    margin = 2
    left, top, right, bottom = box
    cropped = drawing.crop(
        (
            max(left - margin, 0),
            max(top - margin, 0),
            min(right + margin, drawing.width),
            min(bottom + margin, drawing.height),
        )
    )
    cropped.thumbnail(IMAGE_MAX_SIZE, Image.Resampling.LANCZOS)
    return cropped


def _draw_overlay(pages: Sequence[tuple[PageObject, Sequence[_Placed]]]) -> PdfReader:
    """One page of drawing per stamped page, in the stamped pages' coordinates."""
    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, invariant=True, initialFontName=SANS.name, initialFontSize=CAPTION_SIZE)
    for page, items in pages:
        box = page.mediabox
        canvas.setPageSize((max(float(box.right), 1.0), max(float(box.top), 1.0)))
        for place, mark, image in items:
            _draw_mark(canvas, place, mark, image)
        canvas.showPage()
    canvas.save()
    return PdfReader(io.BytesIO(out.getvalue()))


def _draw_mark(
    canvas: Canvas, place: AnchorPlace, mark: SignatureMark, image: Image.Image | None
) -> None:
    left = place.x
    top = place.y - BOX_DROP
    bottom = top - BOX_HEIGHT
    size, lines = _fit_caption(
        signed_caption(mark.name, mark.signed_at, mark.territory, on_paper=mark.on_paper)
    )
    leading = size * 1.2
    canvas.setFillColor(INK)
    baseline = bottom + 2 + (len(lines) - 1) * leading
    for line in lines:
        draw(canvas, left, baseline, line, font_name=SANS.name, size=size)
        baseline -= leading
    space_bottom = bottom + 2 + (len(lines) - 1) * leading + size + 3
    space_height = max(top - space_bottom, _MIN_SPACE)
    if image is not None:
        scale = min(BOX_WIDTH / image.width, space_height / image.height)
        canvas.drawImage(
            ImageReader(image),
            left,
            space_bottom,
            width=image.width * scale,
            height=image.height * scale,
            mask="auto",
        )
    elif name := _clean_name(mark.name):
        wide = width(name, SANS.name, NAME_SIZE)
        name_size = min(NAME_SIZE, NAME_SIZE * BOX_WIDTH / wide, space_height)
        middle = space_bottom + (space_height - name_size) / 2
        draw(canvas, left, middle, name, font_name=SANS.name, size=name_size)


def _fit_caption(caption: str) -> tuple[float, list[str]]:
    """The caption's size and lines: wrapped to the box, smaller when a word is too long."""
    size = CAPTION_SIZE
    while True:
        lines = _wrap(_caption_words(caption), size)
        if size <= CAPTION_MIN_SIZE or all(
            width(line, SANS.name, size) <= BOX_WIDTH for line in lines
        ):
            return size, lines
        size -= 0.5


def _caption_words(caption: str) -> list[str]:
    """Words to wrap, with the date, the time and "(heure de Paris)" (or the school's own
    time) kept each on one line."""
    groups = re.split(
        r"(le [0-9]{1,2}(?:er)? \S+ [0-9]{4}|à [0-9]{1,2} h [0-9]{2}|\(heure [^)]*\))", caption
    )
    words: list[str] = []
    for number, group in enumerate(groups):
        if number % 2:
            words.append(group)
        else:
            words.extend(group.split())
    return words


def _wrap(words: Sequence[str], size: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and width(candidate, SANS.name, size) > BOX_WIDTH:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def _clean_name(name: str) -> str:
    """One line, composed characters (a decomposed "ễ" would print its accents apart)."""
    return " ".join(unicodedata.normalize("NFC", name).split())


# Merging
