"""A document's PDF as the staff see it: the draft's preview (rendered now), the frozen PDF once
issued, the archived final PDF once completed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from service.accounts.models import School
from service.accounts.schools import school_identity
from service.clock import school_day
from service.context import Context
from service.documents.listed import with_listed
from service.documents.models import Document
from signing.errors import ArchiveMismatch
from signing.pdf.archive import Archive
from signing.pdf.render import render_docx
from signing.vocabulary import DocumentState


def document_pdf(ctx: Context, session: Session, document: Document) -> bytes:
    """The draft preview (rendered now), the frozen PDF once issued, the archived final PDF
    once completed (read through the archive, which checks its hash)."""
    if document.final_pdf_sha256 and document.state == DocumentState.COMPLETED:
        final = Archive(ctx.settings.archive_dir).get(document.final_pdf_sha256)
        if document.pdf is not None and not final.startswith(document.pdf):
            # The final PDF is the issued one plus incremental updates: another document's
            # file under this one's pointer is refused, never served.
            raise ArchiveMismatch(document.id, document.final_pdf_sha256)
        return final
    if document.pdf is not None:
        return document.pdf
    school = session.get(School, document.school_id)
    assert school is not None  # noqa: S101 — a foreign key guarantees it
    data = with_listed(session, document, document.data, required=False)
    today = school_day(ctx.now(), school.uai)
    docx = render_docx(document.kind, data, school_identity(school), on=today)
    return ctx.converter().convert(docx)
