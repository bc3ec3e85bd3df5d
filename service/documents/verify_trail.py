"""Checking a document's audit trail: every event still chained to the one before, and the last
one still the document's head (`signing.trail`)."""

from __future__ import annotations

from dataclasses import dataclass

from service.context import Context
from service.documents import trail
from service.documents.models import Document
from service.errors import NotFound


@dataclass(frozen=True)
class TrailCheck:
    events: int
    breaks: list[str]
    """Each break, in French; none when the trail is intact."""


def verify_trail(ctx: Context, document_id: int) -> TrailCheck:
    """Any school's document: for an operator (`cosigne audit verify`)."""
    with ctx.db.new_session() as session:
        document = session.get(Document, document_id)
        if document is None:
            raise NotFound(f"aucun document n° {document_id}")
        events = list(document.events)
        return TrailCheck(len(events), trail.check_chain(events, document.last_event_hash))
