"""Reading and writing one document's row: found within its school, locked, compare-and-set."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.documents.models import Document
from service.errors import Conflict, NotFound


def get_document(session: Session, school_id: int, document_id: int) -> Document:
    document = session.get(Document, document_id)
    if document is None or document.school_id != school_id:
        raise NotFound(f"document {document_id} introuvable")
    return document


def lock_document(session: Session, document_id: int) -> Document:
    """The document's row, locked until the transaction ends (SQLite: BEGIN IMMEDIATE already
    serialises writers), so events are numbered and chained one writer at a time."""
    document = session.scalars(
        select(Document).where(Document.id == document_id).with_for_update()
    ).one_or_none()
    if document is None:
        raise NotFound(f"document {document_id} introuvable")
    return document


def set_document_state(
    session: Session, document: Document, expected: str, new: str, **values: Any
) -> None:
    """Compare-and-set the document's state; Conflict when someone moved it first."""
    result = session.execute(
        update(Document)
        .where(Document.id == document.id, Document.state == expected)
        .values(state=new, updated_at=values.pop("at"), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict("le document vient d'être modifié par ailleurs ; rechargez la page")
    session.refresh(document)
