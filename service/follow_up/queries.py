"""What the follow-up reads: a contract's notes, and a pupil's documents."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.documents.links import versions_of
from service.documents.models import Document
from service.follow_up.models import ObjectiveNote
from signing.data.names import pupil_identity
from signing.follow_up import NoteView


def notes_of(session: Session, document: Document) -> list[ObjectiveNote]:
    """The contract's notes, and those of the versions it amends (an objective keeps its number
    through an amendment), by objective, oldest first (by their day, then as written)."""
    ids = [version.id for version in versions_of(document)]
    return list(
        session.scalars(
            select(ObjectiveNote)
            .where(ObjectiveNote.document_id.in_(ids))
            .order_by(ObjectiveNote.objective, ObjectiveNote.note_date, ObjectiveNote.id)
        )
    )


def note_view(note: ObjectiveNote) -> NoteView:
    return NoteView(note.status, note.note_date, note.new_deadline, note.id)


def pupil_documents(session: Session, document: Document) -> list[Document]:
    """Every document of the school for the pupil of `document` (the same names, folded, and
    birth date: there is no pupil record), in the order they were made: a contract, then its
    conventions and amendments, as they came."""
    candidates = session.scalars(
        select(Document)
        .where(
            Document.school_id == document.school_id,
            Document.pupil_search == document.pupil_search,
        )
        .order_by(Document.id)
    )
    identity = pupil_identity(document.data)
    return [d for d in candidates if pupil_identity(d.data) == identity]
