"""The frozen PDF's pages as images, kept in the data folder by the PDF's SHA-256: drawn once
per document version (`signing.pdf.page_images`), then read from disk by every visit."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import select

from service.context import Context
from service.documents.models import Document
from service.settings import Settings
from signing.pdf.page_images import render_pages

_SHA256_HEX = frozenset("0123456789abcdef")


def _folder(settings: Settings, sha256: str) -> Path:
    if len(sha256) != 64 or not set(sha256) <= _SHA256_HEX:
        raise ValueError(f"not a SHA-256: {sha256!r}")
    return settings.data_dir / "pages" / sha256


def _count(folder: Path) -> int:
    return len(list(folder.glob("*.png")))


def _frozen_pdf(ctx: Context, document_id: int) -> bytes | None:
    with ctx.db.new_session() as session:
        pdf: bytes | None = session.scalar(select(Document.pdf).where(Document.id == document_id))
        return pdf


def page_count(ctx: Context, document: Document) -> int:
    """How many pages the document's frozen PDF has (0 without one); drawn and kept first if
    they are not yet. The PDF is read only then, and only when its bytes are still those of
    `pdf_sha256`: the images always show the file the signer signs."""
    sha256 = document.pdf_sha256
    if not sha256:
        return 0
    folder = _folder(ctx.settings, sha256)
    if folder.is_dir():
        return _count(folder)
    pdf = _frozen_pdf(ctx, document.id)
    if pdf is None or hashlib.sha256(pdf).hexdigest() != sha256:
        return 0
    _draw(pdf, folder)
    return _count(folder)


def _draw(pdf: bytes, folder: Path) -> None:
    folder.parent.mkdir(parents=True, exist_ok=True)
    drawing = Path(tempfile.mkdtemp(prefix=f".{folder.name[:12]}-", dir=folder.parent))
    try:
        for number, png in enumerate(render_pages(pdf), start=1):
            (drawing / f"{number}.png").write_bytes(png)
        # Whole or absent: another visit drawing the same pages at once keeps its own copy.
        with contextlib.suppress(OSError):
            drawing.rename(folder)
    finally:
        shutil.rmtree(drawing, ignore_errors=True)


def page_image(settings: Settings, sha256: str, number: int) -> bytes | None:
    """Page `number` (1-based) of the PDF of `sha256`, once drawn; None for any other."""
    path = _folder(settings, sha256) / f"{number}.png"
    if number < 1 or not path.is_file():
        return None
    return path.read_bytes()
