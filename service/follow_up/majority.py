"""The switch at 18 as an event of the contract's trail, written once, when the contract's first
act the pupil signs alone is created (a review, an amendment): that act is where the switch
first matters, and it needs no worker pass of its own."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.documents import trail
from service.documents.models import Document, Event
from signing.follow_up.majority import came_of_age
from signing.vocabulary import EventType


def note_coming_of_age(
    session: Session, act: Document, contract: Document | None, now: datetime, today: date
) -> None:
    """Record ``pupil_came_of_age`` on `contract`'s trail if `act` is its first act after the
    pupil's 18th birthday (once: a later act finds the event there)."""
    if contract is None or not contract.kind.spec.followed:
        return
    events = session.scalars(
        select(Event).where(Event.document_id == contract.id).order_by(Event.seq)
    ).all()
    if any(e.type == EventType.PUPIL_CAME_OF_AGE for e in events):
        return
    issued = next((e for e in events if e.type == EventType.ISSUED), None)
    rule = ((issued.data or {}).get("age_rule") or {}) if issued is not None else {}
    signed_with = bool(rule.get("guardian_required"))
    day = act.data.get("review_date")
    act_day = date.fromisoformat(str(day)) if day else today
    birthday = came_of_age(contract.data, signed_with, act_day)
    if birthday is None:
        return
    trail.record(
        session,
        contract,
        EventType.PUPIL_CAME_OF_AGE,
        at=now,
        data={"birthday": birthday.isoformat(), "act": act.id},
    )
