"""A completed review (bilan) written on its contract's trail, in the transaction that completes
it (`service.finalize.finalize`): each objective whose status it changes, the early end it
decides, the outcome a final review gives (`signing.follow_up.reviews.effects_of`). Once: the
events name the review, and a review already written is not written again."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.documents import trail
from service.documents.models import Document, Event
from service.documents.store import lock_document
from service.follow_up.queries import note_view, notes_of
from service.follow_up.summary import completed_reviews
from signing.follow_up import NoteView, objectives_of
from signing.follow_up.reviews import ReviewEffects, effects_of
from signing.vocabulary import DocumentState, EventType

REVIEW_EVENTS = (
    EventType.OBJECTIVE_STATUS_CHANGED,
    EventType.PATHWAY_ENDED_EARLY,
    EventType.PATHWAY_OUTCOME,
)
"""The contract's events a review writes; each names it in ``data.review``."""


def record_review_effects(session: Session, document: Document, *, at: datetime) -> int:
    """Write what the completed review `document` changes on its contract's trail; the number
    of events written (none for another kind, a review of a contract signed on paper, or one
    already written). The caller holds the review's lock; the contract's is taken here, so its
    events are numbered and chained one writer at a time."""
    link = document.kind.spec.parent
    if (
        link is None
        or not link.reviews_parent
        or document.pathway_id is None
        or document.state != DocumentState.COMPLETED
    ):
        return 0
    contract = lock_document(session, document.pathway_id)
    if _written(session, contract.id, document.id):
        return 0
    reviews = completed_reviews(contract)
    review = next((r for r in reviews if r.number == document.id), None)
    if review is None:  # pragma: no cover - a completed child of the contract is listed
        return 0
    notes: dict[int, list[NoteView]] = defaultdict(list)
    for note in notes_of(session, contract):
        notes[note.objective].append(note_view(note))
    effects = effects_of(review, objectives_of(contract.data), notes, reviews)
    events = _events(effects, document.id)
    for type_, data in events:
        trail.record(session, contract, type_, at=at, data=data)
    return len(events)


def _events(effects: ReviewEffects, review_id: int) -> list[tuple[EventType, dict[str, Any]]]:
    events: list[tuple[EventType, dict[str, Any]]] = [
        (
            EventType.OBJECTIVE_STATUS_CHANGED,
            {
                "objective": change.objective,
                "previous_status": change.previous.value,
                "status": change.status.value,
                "review": review_id,
            },
        )
        for change in effects.changes
    ]
    if effects.early_end is not None:
        data = {"early_end": effects.early_end.isoformat(), "review": review_id}
        events.append((EventType.PATHWAY_ENDED_EARLY, data))
    if effects.outcome is not None:
        data = {"outcome": effects.outcome.value, "review": review_id}
        events.append((EventType.PATHWAY_OUTCOME, data))
    return events


def _written(session: Session, contract_id: int, review_id: int) -> bool:
    """Whether the contract's trail already has an event of review `review_id`."""
    found = session.scalars(
        select(Event.data).where(Event.document_id == contract_id, Event.type.in_(REVIEW_EVENTS))
    )
    return any((data or {}).get("review") == review_id for data in found)
