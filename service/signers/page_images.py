"""The frozen PDF's pages as images, kept in the data folder by the PDF's SHA-256: each page
drawn once, at its first request (`signing.pdf.page_images`), then read from disk. The page
count is kept beside them, so the signer's page reads the PDF once per document version.

They show the pupil's and the family's data: the worker removes them once no signer's page
shows them (`prune_page_images`), so they are kept no longer than the signing takes."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from service.context import Context
from service.documents.models import Document
from signing.links import COPY_READS_IN
from signing.pdf.page_images import count_pages, render_page
from signing.workflow import LINKS_LIVE_IN

SHOWN_IN = LINKS_LIVE_IN | COPY_READS_IN
"""The document states in which a signer's page (or a signer's copy) shows the pages."""

RECENT_SECONDS = 3600
"""A folder written this recently is left alone: its document may have been issued after the
worker read which ones are shown (it is drawn again at its next visit anyway)."""

_SHA256_HEX = frozenset("0123456789abcdef")


def _folder(ctx: Context, sha256: str) -> Path:
    if len(sha256) != 64 or not set(sha256) <= _SHA256_HEX:
        raise ValueError(f"not a SHA-256: {sha256!r}")
    return ctx.settings.data_dir / "pages" / sha256


def _keep(path: Path, content: bytes) -> None:
    """Whole or absent: written aside, then renamed (two visits at once write the same)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, aside = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "wb") as file:
        file.write(content)
    Path(aside).replace(path)


def _frozen_pdf(ctx: Context, document: Document) -> bytes | None:
    """The frozen PDF, only while its bytes are those of `pdf_sha256`: the images always show
    the file the signer signs."""
    with ctx.db.new_session() as session:
        pdf = session.scalar(select(Document.pdf).where(Document.id == document.id))
    if pdf is None or hashlib.sha256(pdf).hexdigest() != document.pdf_sha256:
        return None
    return bytes(pdf)


def page_count(ctx: Context, document: Document) -> int:
    """How many pages the document's frozen PDF has (0 without one)."""
    if not document.pdf_sha256:
        return 0
    kept = _folder(ctx, document.pdf_sha256) / "count"
    if kept.is_file():
        return int(kept.read_text("ascii"))
    pdf = _frozen_pdf(ctx, document)
    if pdf is None:
        return 0
    count = count_pages(pdf)
    _keep(kept, str(count).encode("ascii"))
    return count


def page_image(ctx: Context, document: Document, number: int) -> bytes | None:
    """Page `number` (1-based) of the frozen PDF as a PNG; None when it has no such page."""
    if not 1 <= number <= page_count(ctx, document):
        return None
    path = _folder(ctx, str(document.pdf_sha256)) / f"{number}.png"
    if path.is_file():
        return path.read_bytes()
    pdf = _frozen_pdf(ctx, document)
    if pdf is None:
        return None
    png = render_page(pdf, number)
    _keep(path, png)
    return png


def prune_page_images(ctx: Context) -> int:
    """Remove the images of every PDF no document shows to its signers any more (completed,
    cancelled, declined, expired, replaced by a new version); how many PDFs' images went."""
    root = ctx.settings.data_dir / "pages"
    if not root.is_dir():
        return 0
    with ctx.db.new_session() as session:
        shown = set(
            session.scalars(
                select(Document.pdf_sha256).where(
                    Document.state.in_(SHOWN_IN), Document.pdf_sha256.is_not(None)
                )
            )
        )
    old = time.time() - RECENT_SECONDS
    removed = 0
    for folder in root.iterdir():
        if folder.is_dir() and folder.name not in shown and folder.stat().st_mtime < old:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed
