"""The look of the certificate's pages, the documents' own (signing/kinds/*/template.docx): their
font (Liberation Sans), their palette, their margins, a running header naming the school and the
document, and a footer like theirs, numbering the certificate's pages « page X sur Y »."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    Paragraph,
    TableStyle,
)

from signing.pdf.fonts import DOCUMENT_MONO, DOCUMENT_SANS, DOCUMENT_SANS_BOLD, markup

TITLE = "Certificat de signature"


MARGIN = 2 * cm


FOOTER_HEIGHT = 0.6 * cm


RUNNING_EDGE = 0.9 * cm
"""From the page's edge to its header or footer, as in the templates (510 twips)."""


WIDTH = A4[0] - 2 * MARGIN


NAVY = HexColor("#1F3A5F")
"""The templates' titles and headings (styles Title, Heading1, CellHead)."""
GREY = HexColor("#000000")
"""The templates' body text (style Normal)."""
MUTED = HexColor("#555F6D")
"""The templates' secondary text (Subtitle, Header, Footer, Visa)."""
RULE = HexColor("#A7B3C2")
"""The templates' table borders."""
HEAD_FILL = HexColor("#DCE4EE")
"""The templates' table heads."""
ZEBRA = HexColor("#F3F6F9")
"""Every other row of a long table: the head's fill, much lighter."""


QR_SIZE = 3.4 * cm


BOLD = DOCUMENT_SANS_BOLD.name
FIXED = DOCUMENT_MONO.name


def style(name: str, **changes: Any) -> ParagraphStyle:
    base: dict[str, Any] = {
        "fontName": DOCUMENT_SANS.name,
        "fontSize": 8.5,
        "leading": 11,
        "textColor": GREY,
        "alignment": TA_LEFT,
    }
    base.update(changes)
    return ParagraphStyle(name, **base)


class Styles:
    title = style("title", fontName=BOLD, fontSize=20, leading=24, textColor=NAVY)
    subtitle = style("subtitle", fontSize=11, leading=14, textColor=MUTED, spaceBefore=4)
    body = style("body", fontSize=9, leading=12.5)
    small = style("small", fontSize=7.5, leading=10, textColor=MUTED)
    section = style(
        "section",
        fontName=BOLD,
        fontSize=11,
        leading=14,
        textColor=NAVY,
        spaceBefore=14,
        spaceAfter=2,
        keepWithNext=1,
    )
    label = style("label", fontName=BOLD, textColor=MUTED)
    value = style("value")
    mono = style("mono", fontName=FIXED, fontSize=8, leading=11)
    cell = style("cell", fontSize=7.5, leading=9.5)
    cell_mono = style("cell_mono", fontName=FIXED, fontSize=7, leading=9.5)
    head = style("head", fontName=BOLD, fontSize=7.5, leading=9.5, textColor=NAVY)


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: anything markup-like in it (a name with « < » or « & ») is
    printed as it is."""
    return Paragraph(markup(text, style.fontName).replace("\n", "<br/>"), style)


CELL_FONT = (("FONT", (0, 0), (-1, -1), DOCUMENT_SANS.name, 7.5, 9.5),)
"""Tables select a font for every cell, even one holding paragraphs: never reportlab's
default (Helvetica, not embedded)."""


def grid(rows: int) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        *CELL_FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, NAVY),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    commands.extend(("BACKGROUND", (0, row), (-1, row), ZEBRA) for row in range(2, rows, 2))
    return TableStyle(commands)


class Rule(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A short, thick rule under the title, in the French state's blue."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return available_width, 12

    def draw(self) -> None:
        self.canv.setFillColor(NAVY)
        self.canv.rect(0, 5, 1.6 * cm, 2.2, stroke=0, fill=1)


@dataclass(frozen=True)
class Running:
    """The running texts of the certificate's pages, as the document's header and footer have
    them: the school (bold) and its UAI at the top left, the kind at the top right, the
    certificate's name at the bottom left."""

    school: str
    uai: str
    kind: str
    footer: str


class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """Pages are kept until the end, so each footer can say "page 1 sur 3"."""

    def __init__(self, *args: Any, running: Running, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._running = running
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802  # reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_header()
            self._draw_footer(number, total)
            super().showPage()
        super().save()

    def _draw_header(self) -> None:
        """8.5 pt, muted, a rule under it (the templates' Header style, 0.9 cm from the top)."""
        width, height = self._pagesize
        y = height - RUNNING_EDGE - 8.5
        self.setFillColor(MUTED)
        self.setFont(BOLD, 8.5)
        self.drawString(MARGIN, y, self._running.school)
        if self._running.uai:
            offset = self.stringWidth(self._running.school, BOLD, 8.5)
            self.setFont(DOCUMENT_SANS.name, 8.5)
            self.drawString(MARGIN + offset, y, f" – UAI {self._running.uai}")
        self.setFont(DOCUMENT_SANS.name, 8.5)
        self.drawRightString(width - MARGIN, y, self._running.kind)
        self._rule(y - 5)

    def _draw_footer(self, number: int, total: int) -> None:
        """8 pt, muted, a rule above it (the templates' Footer style, 0.9 cm from the bottom)."""
        width, _ = self._pagesize
        y = RUNNING_EDGE + 2
        self._rule(y + 12)
        self.setFillColor(MUTED)
        self.setFont(DOCUMENT_SANS.name, 8)
        self.drawString(MARGIN, y, self._running.footer)
        self.drawRightString(width - MARGIN, y, f"Page {number} sur {total}")

    def _rule(self, y: float) -> None:
        width, _ = self._pagesize
        self.setStrokeColor(RULE)
        self.setLineWidth(0.75)
        self.line(MARGIN, y, width - MARGIN, y)
