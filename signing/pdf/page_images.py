"""The pages of a PDF as PNG images, drawn by poppler's ``pdftoppm``: the signer's page shows
the frozen document inline, page by page, on a phone that has no PDF viewer of its own.

Bytes in, images out: no cache and no settings here (`service.signers.page_images` keeps them
by the PDF's SHA-256).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from signing.errors import ConversionError

PAGE_WIDTH_PX = 1000
"""Each image's width: sharp on a phone's screen (390 CSS pixels at 2.5 device pixels each)
and a 6-page document under a megabyte."""

RENDER_TIMEOUT_S = 60


def render_pages(pdf: bytes, *, width: int = PAGE_WIDTH_PX) -> list[bytes]:
    """Every page of `pdf`, in order, as a PNG `width` pixels wide. ConversionError when
    poppler is missing, too slow, or cannot read the file."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise ConversionError("pdftoppm (poppler-utils) est introuvable sur ce serveur")
    with tempfile.TemporaryDirectory(prefix="cosigne-pages-") as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        command = [tool, "-png", "-scale-to-x", str(width), "-scale-to-y", "-1"]
        try:
            subprocess.run(
                [*command, str(source), str(Path(folder) / "page")],
                check=True,
                capture_output=True,
                timeout=RENDER_TIMEOUT_S,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            reason = f"les pages du document n'ont pas pu être dessinées : {exc}"
            raise ConversionError(reason) from exc
        # pdftoppm pads the page number to the count's width (page-01.png…): order by number.
        images = sorted(Path(folder).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))
        if not images:
            raise ConversionError("le document n'a aucune page")
        return [image.read_bytes() for image in images]
