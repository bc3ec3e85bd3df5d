"""Finding the signature anchors in a PDF's text: every signing block of a template opens with
its signer's anchor (``[[sig:head]]``, ``[[sig:guardian:0]]``…) in white 6 pt text
(signing/kinds/README.md); this module says where each one is printed."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from signing.data.parties import anchor_text
from signing.errors import (
    AnchorDuplicated,
    PdfUnreadable,
)
from signing.pdf.increment import open_pdf
from signing.vocabulary import Role

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
    """Every signer anchor in `pdf`'s text, with its place.

    Only a text run that is exactly an anchor counts (``[[sig:head]]``, ``[[sig:guardian:0]]``,
    for the roles of `signing.vocabulary.Role`). An anchor found twice raises `AnchorDuplicated`; a
    file that is not a PDF raises `PdfUnreadable`. Reads every page: run it on the frozen PDF
    at issue time to refuse a document whose data prints an anchor.
    """
    return find_anchors_in(open_pdf(pdf))


def find_anchors_in(reader: PdfReader, wanted: set[str] | None = None) -> dict[str, AnchorPlace]:
    """Every anchor, or, given `wanted`, the pages from the last one back until all of those
    are found: the signing blocks end the document, and reading text is the slow part."""
    found: dict[str, list[AnchorPlace]] = {}
    indexes = range(len(reader.pages))
    try:
        for index in indexes if wanted is None else reversed(indexes):
            reader.pages[index].extract_text(visitor_text=_AnchorCollector(found, index))
            if wanted is not None and wanted <= found.keys():
                break
    except (PyPdfError, KeyError, ValueError, TypeError) as exc:
        raise PdfUnreadable(str(exc) or type(exc).__name__) from exc
    for anchor, places in found.items():
        if len(places) > 1:
            raise AnchorDuplicated(anchor, tuple(place.page_index for place in places))
    return {anchor: places[0] for anchor, places in found.items()}


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
    return anchor_text(role, int(match.group(2) or 0)) == text
