"""The frozen PDF's pages as images, drawn by the real poppler: one PNG per page, as wide as
asked, in the page's proportions, read back with Pillow."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfWriter

from signing.errors import PdfUnreadable
from signing.pdf.page_images import count_pages, render_page


def _pdf(*sizes: tuple[float, float]) -> bytes:
    writer = PdfWriter()
    for width, height in sizes:
        writer.add_blank_page(width, height)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


A4 = (595.28, 841.89)
A4_LANDSCAPE = (841.89, 595.28)


def test_each_page_is_drawn_as_wide_as_asked_in_its_own_proportions() -> None:
    pdf = _pdf(A4, A4_LANDSCAPE)

    assert count_pages(pdf) == 2
    with Image.open(io.BytesIO(render_page(pdf, 1))) as portrait:
        assert portrait.format == "PNG"
        assert portrait.width == 1000
        assert portrait.height == pytest.approx(1414, abs=2)
        assert portrait.convert("L").getextrema() == (255, 255)  # a blank page stays white
    with Image.open(io.BytesIO(render_page(pdf, 2, width=600))) as landscape:
        assert (landscape.width, landscape.height) == (600, pytest.approx(424, abs=2))


def test_a_file_that_is_no_pdf_is_refused() -> None:
    with pytest.raises(PdfUnreadable):
        count_pages(b"%PDF-1.7 nothing else")
