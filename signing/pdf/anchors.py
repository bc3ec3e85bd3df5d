"""Finding the signature anchors of a PDF: every signing block of a template opens with a
bookmark named after its signer (``sig-head``, ``sig-guardian-0``…, signing/kinds/README.md),
which LibreOffice exports as a named destination: a place, with no text a reader could copy or a
screen reader read. This module says where each one is.

Documents issued before the bookmarks marked the place with white 6 pt text
(``[[sig:head]]``); a PDF with no destination for a signer is still read that way, so a document
frozen then is still signed where its template said."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from signing.data.parties import anchor_text, legacy_anchor_text
from signing.errors import (
    AnchorDuplicated,
    PdfUnreadable,
)
from signing.pdf.increment import open_pdf
from signing.vocabulary import Role

ANCHOR_LINE = 6.0
"""Points from a bookmark's top to the line under which the signing space starts: the place the
white text's baseline had, so both kinds of anchor put the signature at the same spot."""

_ANCHOR = re.compile(r"\[\[sig:([a-z_]+)(?::([0-9]+))?\]\]")


@dataclass(frozen=True)
class AnchorPlace:
    """Where an anchor's text starts: page (0-based), baseline origin in the page's user
    space (points), and its printed size."""

    page_index: int
    x: float
    y: float
    font_size: float


def find_anchors(pdf: bytes) -> dict[str, AnchorPlace]:
    """Every signer anchor of `pdf`, with its place.

    Named destinations come first; for a signer without one, a text run that is exactly the
    old white-text anchor counts (`signing.data.parties.legacy_anchor_text`). An old anchor
    found twice raises `AnchorDuplicated`; a file that is not a PDF raises `PdfUnreadable`.
    """
    return find_anchors_in(open_pdf(pdf))


def find_anchors_in(reader: PdfReader, wanted: set[str] | None = None) -> dict[str, AnchorPlace]:
    """Every anchor, or, given `wanted`, those of them the PDF has: its named destinations,
    then, for those still missing, the text of its pages from the last one back (the signing
    blocks end the document, and reading text is the slow part)."""
    places = _destinations(reader)
    texts: set[str] | None = None
    if wanted is not None:
        places = {name: place for name, place in places.items() if name in wanted}
        texts = {legacy_anchor_text(name) for name in wanted - places.keys()}
        if not texts:
            return places
    elif places:
        return places
    for name, place in _legacy_anchors(reader, texts).items():
        places.setdefault(name, place)
    return places


def _destinations(reader: PdfReader) -> dict[str, AnchorPlace]:
    """The named destinations that are signer anchors, at the top left of their place."""
    try:
        named = reader.named_destinations
        known = _every_anchor()
        places: dict[str, AnchorPlace] = {}
        for name, destination in named.items():
            anchor = str(name).removeprefix("/")
            if anchor not in known:
                continue
            page = reader.get_destination_page_number(destination)
            left, top = destination.left, destination.top
            if page is None or page < 0 or left is None or top is None:
                continue
            places[anchor] = AnchorPlace(page, float(left), float(top) - ANCHOR_LINE, ANCHOR_LINE)
    except (PyPdfError, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise PdfUnreadable(str(exc) or type(exc).__name__) from exc
    return places


@functools.cache
def _every_anchor() -> frozenset[str]:
    """Each anchor a signer can have (guardians: the first ten), made once."""
    names = {anchor_text(role) for role in Role if role is not Role.GUARDIAN}
    return frozenset(names | {anchor_text(Role.GUARDIAN, index) for index in range(10)})


def _legacy_anchors(reader: PdfReader, wanted: set[str] | None) -> dict[str, AnchorPlace]:
    """The old white-text anchors (`wanted` is their texts), by the anchor they stand for."""
    found: dict[str, list[AnchorPlace]] = {}
    indexes = range(len(reader.pages))
    try:
        for index in indexes if wanted is None else reversed(indexes):
            reader.pages[index].extract_text(visitor_text=_AnchorCollector(found, index))
            if wanted is not None and wanted <= found.keys():
                break
    except (PyPdfError, KeyError, ValueError, TypeError) as exc:
        raise PdfUnreadable(str(exc) or type(exc).__name__) from exc
    by_text = {legacy_anchor_text(name): name for name in _every_anchor()}
    for text, places in found.items():
        if len(places) > 1:
            raise AnchorDuplicated(by_text[text], tuple(place.page_index for place in places))
    return {by_text[text]: places[0] for text, places in found.items()}


class _AnchorCollector:
    """A pypdf text visitor that keeps the runs of one page that are exactly an anchor."""

    def __init__(self, found: dict[str, list[AnchorPlace]], page_index: int) -> None:
        self.found = found
        self.page_index = page_index

    def __call__(
        self,
        text: str,
        cm_matrix: Sequence[float],
        tm_matrix: Sequence[float],
        _font: object,
        font_size: float,
    ) -> None:
        anchor = text.strip()
        if not anchor.startswith("[[sig:") or not _is_anchor(anchor):
            return
        a, b, c, d, e, f = (float(value) for value in cm_matrix)
        tm = [float(value) for value in tm_matrix]
        # The run's origin in text space, through the text matrix then the CTM (row vectors).
        x = tm[4] * a + tm[5] * c + e
        y = tm[4] * b + tm[5] * d + f
        vertical = (tm[2] * a + tm[3] * c, tm[2] * b + tm[3] * d)
        size = float(font_size) * (vertical[0] ** 2 + vertical[1] ** 2) ** 0.5
        self.found.setdefault(anchor, []).append(AnchorPlace(self.page_index, x, y, size))


def _is_anchor(text: str) -> bool:
    match = _ANCHOR.fullmatch(text)
    if match is None:
        return False
    try:
        role = Role(match.group(1))
    except ValueError:
        return False
    return legacy_anchor_text(anchor_text(role, int(match.group(2) or 0))) == text
