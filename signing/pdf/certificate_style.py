"""The look of the certificate's pages: A4 margins, colours, paragraph styles, table grids, the
rules between sections, and the footer numbering every page « page X sur Y »."""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

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

from signing.pdf.fonts import MONO, SANS, SANS_BOLD
from signing.pdf.stamp import INK

TITLE = "Certificat de signature"


MARGIN = 2 * cm


FOOTER_HEIGHT = 0.6 * cm


WIDTH = A4[0] - 2 * MARGIN


GREY = HexColor("#3a3a3a")


MUTED = HexColor("#666666")


RULE = HexColor("#c7c7d9")


HEAD_FILL = HexColor("#ececfe")


ZEBRA = HexColor("#f6f6f6")


QR_SIZE = 3.4 * cm


def style(name: str, **changes: Any) -> ParagraphStyle:
    base: dict[str, Any] = {
        "fontName": SANS.name,
        "fontSize": 8.5,
        "leading": 11,
        "textColor": GREY,
        "alignment": TA_LEFT,
    }
    base.update(changes)
    return ParagraphStyle(name, **base)


class Styles:
    title = style("title", fontName=SANS_BOLD.name, fontSize=20, leading=24, textColor=INK)
    subtitle = style("subtitle", fontSize=11, leading=14, textColor=MUTED, spaceBefore=4)
    body = style("body", fontSize=9, leading=12.5)
    small = style("small", fontSize=7.5, leading=10, textColor=MUTED)
    section = style(
        "section",
        fontName=SANS_BOLD.name,
        fontSize=11,
        leading=14,
        textColor=INK,
        spaceBefore=14,
        spaceAfter=2,
        keepWithNext=1,
    )
    label = style("label", fontName=SANS_BOLD.name, textColor=MUTED)
    value = style("value")
    mono = style("mono", fontName=MONO.name, fontSize=8, leading=11)
    cell = style("cell", fontSize=7.5, leading=9.5)
    cell_mono = style("cell_mono", fontName=MONO.name, fontSize=7, leading=9.5)
    head = style("head", fontName=SANS_BOLD.name, fontSize=7.5, leading=9.5, textColor=INK)


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text: anything markup-like in it (a name with « < » or « & ») is
    printed as it is."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


CELL_FONT = (("FONT", (0, 0), (-1, -1), SANS.name, 7.5, 9.5),)
"""Tables select a font for every cell, even one holding paragraphs: never reportlab's
default (Helvetica, not embedded)."""


def grid(rows: int) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        *CELL_FONT,
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
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
        self.canv.setFillColor(INK)
        self.canv.rect(0, 5, 1.6 * cm, 2.2, stroke=0, fill=1)


class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
    """Pages are kept until the end, so each footer can say "page 1 sur 3"."""

    def __init__(self, *args: Any, footer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802  # reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_footer(number, total)
            super().showPage()
        super().save()

    def _draw_footer(self, number: int, total: int) -> None:
        width, _ = self._pagesize
        y = MARGIN - 0.2 * cm
        self.setStrokeColor(RULE)
        self.setLineWidth(0.5)
        self.line(MARGIN, y + 10, width - MARGIN, y + 10)
        self.setFillColor(MUTED)
        self.setFont(SANS.name, 7.5)
        self.drawString(MARGIN, y, self._footer)
        self.drawRightString(width - MARGIN, y, f"Page {number} sur {total}")
