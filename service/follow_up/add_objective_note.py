"""Noting how an objective of a completed contract stands: a dated note, its status, and for a
postponement the new deadline; each one an event of the contract's trail."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.orm import Session

from service.accounts.models import User
from service.accounts.permissions import require
from service.clock import school_day
from service.context import SYSTEM, Context, Origin
from service.documents import trail
from service.documents.links import require_current
from service.documents.models import Document
from service.documents.store import get_document, lock_document
from service.errors import ObjectiveNotFound
from service.follow_up.models import ObjectiveNote
from service.follow_up.queries import note_view, notes_of
from service.follow_up.summary import completed_reviews, contract_period
from signing.follow_up import (
    FollowedObjective,
    check_note,
    follow,
    objectives_of,
    require_followed,
)
from signing.follow_up.reviews import review_notes
from signing.follow_up.vocabulary import ObjectiveStatus
from signing.permissions import StaffAction
from signing.vocabulary import EventType


def add_objective_note(
    ctx: Context,
    user: User,
    document_id: int,
    number: int,
    *,
    status: object,
    note: object,
    day: object = None,
    new_deadline: object = None,
    origin: Origin = SYSTEM,
) -> ObjectiveNote:
    """Add the note on objective n° `number` (values as typed; `day` None is the school's
    today) and record it in the trail: ``objective_status_changed`` when the status or the
    deadline changes, ``objective_noted`` otherwise. Under the contract's lock, so two notes
    at once are numbered and chained one after the other. Nothing is stored when refused."""
    require(user, StaffAction.FOLLOW_UP)
    now = ctx.now()
    with ctx.db.transaction() as session:
        document = lock_document(session, get_document(session, user.school_id, document_id).id)
        followed = _followed(session, document, number)
        today = school_day(now, document.school.uai)
        new = check_note(
            followed,
            contract_period(document),
            today,
            status=status,
            note=note,
            day=day,
            new_deadline=new_deadline,
        )
        row = ObjectiveNote(
            document_id=document.id,
            objective=number,
            status=new.status,
            note=new.text,
            note_date=new.day,
            new_deadline=new.new_deadline,
            author_id=user.id,
            author_name=user.full_name,
            author_role=user.role,
            created_at=now,
        )
        session.add(row)
        session.flush()
        changed = new.status != followed.status or new.new_deadline is not None
        trail.record(
            session,
            document,
            EventType.OBJECTIVE_STATUS_CHANGED if changed else EventType.OBJECTIVE_NOTED,
            at=now,
            origin=origin,
            role=user.role,
            actor_name=user.full_name,
            data=_event_data(row, followed.status),
        )
    return row


def _event_data(row: ObjectiveNote, previous: ObjectiveStatus) -> dict[str, Any]:
    """What the trail keeps of a note: the objective, both statuses, its day and deadline, and
    its words' fingerprint (the words themselves stay in their table)."""
    return {
        "objective": row.objective,
        "status": row.status.value,
        "previous_status": previous.value,
        "note_id": row.id,
        "note_date": row.note_date.isoformat(),
        "new_deadline": row.new_deadline.isoformat() if row.new_deadline else None,
        "note_sha256": hashlib.sha256(row.note.encode()).hexdigest(),
    }


def _followed(session: Session, document: Document, number: int) -> FollowedObjective:
    """Objective n° `number` of a followed contract, with its notes so far (those of the
    contract's versions and of its reviews); 409 for a contract an amendment replaced."""
    require_followed(document.kind.spec.followed, document.state)
    require_current(session, document)
    objective = next((o for o in objectives_of(document.data) if o.number == number), None)
    if objective is None:
        raise ObjectiveNotFound(f"objectif {number} introuvable")
    views = [note_view(n) for n in notes_of(session, document) if n.objective == number]
    views += review_notes(completed_reviews(document), number)
    return follow(objective, views)
