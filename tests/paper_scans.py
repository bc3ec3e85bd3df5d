"""A paper signature sheet as it comes back: the printed PDF's last page (the sheet) drawn by
poppler as a scanner would, with ink drawn in its « Signature » box (issue 14 §2)."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from signing.pdf.page_images import count_pages, render_page


def signed_scan(printed: bytes, *, ink: bool = True, kind: str = "JPEG") -> bytes:
    """The sheet of `printed` (its last page), signed in its box when `ink`, as JPEG or PNG."""
    last = count_pages(printed)
    page = Image.open(io.BytesIO(render_page(printed, last, width=1240))).convert("RGB")
    if ink:
        w, h = page.size
        points = [(0.15, 0.72), (0.25, 0.6), (0.35, 0.7), (0.5, 0.62)]
        ImageDraw.Draw(page).line([(x * w, y * h) for x, y in points], "black", 9)
    out = io.BytesIO()
    page.save(out, kind)
    return out.getvalue()
