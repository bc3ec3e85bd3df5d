"""The pages of a PDF as PNG images, drawn by poppler's ``pdftoppm``: the signer's page shows
the frozen document inline, page by page, on a phone that has no PDF viewer of its own.

Bytes in, bytes out: no cache and no settings here (`service.signers.page_images` keeps the
images by the PDF's SHA-256).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from signing.errors import ConversionError, PdfUnreadable

PAGE_WIDTH_PX = 1000
"""Each image's width: sharp on a phone's screen (390 CSS pixels at 2.5 device pixels each)."""

COLOURS = 64
"""A page is text on white with a logo: 64 colours keep it exact to the eye, and make the
image a third of its full-colour size (about 70 kB a page), for families on mobile data."""

RENDER_TIMEOUT_S = 30


def count_pages(pdf: bytes) -> int:
    """How many pages `pdf` has; PdfUnreadable when it is no PDF."""
    try:
        return len(PdfReader(io.BytesIO(pdf)).pages)
    except (PyPdfError, ValueError, OSError) as exc:
        raise PdfUnreadable(str(exc)) from exc


def render_page(pdf: bytes, number: int, *, width: int = PAGE_WIDTH_PX) -> bytes:
    """Page `number` (1-based) of `pdf` as a PNG `width` pixels wide. ConversionError when
    poppler is missing, too slow, or cannot draw it."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise ConversionError("pdftoppm (poppler-utils) est introuvable sur ce serveur")
    with tempfile.TemporaryDirectory(prefix="cosigne-page-") as folder:
        source, drawn = Path(folder) / "document.pdf", Path(folder) / "page"
        source.write_bytes(pdf)
        pages = ["-f", str(number), "-l", str(number), "-singlefile"]
        size = ["-scale-to-x", str(width), "-scale-to-y", "-1"]
        try:
            subprocess.run(
                [tool, "-png", *pages, *size, str(source), str(drawn)],
                check=True,
                capture_output=True,
                timeout=RENDER_TIMEOUT_S,
            )
            with Image.open(drawn.with_suffix(".png")) as image:
                fewer = image.convert("RGB").quantize(COLOURS, method=Image.Quantize.MEDIANCUT)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            reason = f"la page {number} du document n'a pas pu être dessinée : {exc}"
            raise ConversionError(reason) from exc
    out = io.BytesIO()
    fewer.save(out, "PNG", optimize=True)
    return out.getvalue()
