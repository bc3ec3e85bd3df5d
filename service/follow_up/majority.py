"""The switch at 18 as an event of the contract's trail (issue 13 §6), written once.

The worker writes it on the pupil's 18th birthday (`note_birthdays`, each pass), so the pupil's
page shows the switch before any new act. An act of the contract written first (a review, an
amendment: a worker stopped that day) writes it too, when it is created or issued
(`note_coming_of_age`). Each reads the contract's trail under the contract's row lock, so of
two writers at once the second finds the event there and writes nothing.

The day the pupil's age is judged on is the school's day when the act is created or issued,
never the day a review says it was held: the parties of an act are decided on the day it is
issued (`signing.data.parties.plan_signers`), since capacity is judged when consent is given
(`signing.follow_up.majority`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.accounts.models import School
from service.context import Context
from service.documents import trail
from service.documents.models import Document, Event
from service.documents.store import lock_document
from service.follow_up.summary import contract_period
from service.follow_up.week import current_contracts
from signing.data.territory import territory_of
from signing.follow_up.majority import came_of_age
from signing.vocabulary import EventType


def contract_of(session: Session, act: Document) -> Document | None:
    """The contract `act` is an act of: the document it amends, else the one it belongs to."""
    if act.amends_id is not None:
        return session.get(Document, act.amends_id)
    return session.get(Document, act.pathway_id) if act.pathway_id else None


def note_coming_of_age(
    session: Session, act: Document, contract: Document | None, now: datetime, day: date
) -> None:
    """Record ``pupil_came_of_age`` on `contract`'s trail when the pupil is of age on `day`, the
    school's day `act` is created or issued (not the day a review was held: see the module),
    unless the trail has it already."""
    if contract is None or not contract.kind.spec.followed:
        return
    record_coming_of_age(session, contract, now, day, act=act)


def record_coming_of_age(
    session: Session, contract: Document, now: datetime, day: date, *, act: Document | None = None
) -> bool:
    """Write the event on `contract`'s trail if its pupil, who signed it with guardians, is of
    age on `day` and the trail does not have it yet; whether it was written. Takes the
    contract's row lock (the trail is written one writer at a time)."""
    contract = lock_document(session, contract.id)
    events = session.scalars(
        select(Event).where(Event.document_id == contract.id).order_by(Event.seq)
    ).all()
    if any(e.type == EventType.PUPIL_CAME_OF_AGE for e in events):
        return False
    issued = next((e for e in events if e.type == EventType.ISSUED), None)
    rule = ((issued.data or {}).get("age_rule") or {}) if issued is not None else {}
    birthday = came_of_age(contract.data, bool(rule.get("guardian_required")), day)
    if birthday is None:
        return False
    data: dict[str, object] = {"birthday": birthday.isoformat()}
    if act is not None:
        data["act"] = act.id
    trail.record(session, contract, EventType.PUPIL_CAME_OF_AGE, at=now, data=data)
    return True


def note_birthdays(ctx: Context) -> int:
    """The worker's step: the switch written on the contract of each pupil who turned 18 on or
    before the school's day, for the followed contracts in their period (completed, not
    replaced by an amendment); the number of events written."""
    now = ctx.now()
    with ctx.db.new_session() as session:
        due = [
            (document.id, day)
            for school in session.scalars(select(School).order_by(School.id))
            for document in current_contracts(session, school.id)
            if _may_switch(session, document, day := territory_of(school.uai).day(now))
        ]
    written = 0
    for document_id, day in due:
        with ctx.db.transaction() as session:
            contract = session.get_one(Document, document_id)
            written += record_coming_of_age(session, contract, now, day)
    return written


def _may_switch(session: Session, document: Document, day: date) -> bool:
    """Cheap reading first: in its period on `day`, the pupil of age then, no switch yet."""
    if not contract_period(document).holds(day):
        return False
    if came_of_age(document.data, True, day) is None:
        return False
    return not session.scalars(
        select(Event.id).where(
            Event.document_id == document.id, Event.type == EventType.PUPIL_CAME_OF_AGE
        )
    ).first()
