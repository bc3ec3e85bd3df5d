"""« Mon suivi » (issue 13 §5): the contracts a staff member follows in their school (the head:
every one; a référent: those naming their address as référent, `signing.follow_up.week.follows`)
and what falls due in each, read at the school's day. Contracts replaced by a completed
amendment, and pathways already ended, are left out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from service.accounts.models import User
from service.accounts.permissions import require
from service.clock import school_day
from service.documents.models import Document
from service.follow_up.summary import follow_up_of
from service.follow_up.visits_due import visits_due
from signing.follow_up.vocabulary import PathwayState
from signing.follow_up.week import WITHIN_DAYS, Week, WeekItem, follows, week_of
from signing.kinds import Kind
from signing.permissions import StaffAction
from signing.vocabulary import DocumentState, StaffRole


@dataclass(frozen=True)
class Followed:
    """One contract followed, with its pupil's name and its state today."""

    document: Document
    pupil_name: str
    state: PathwayState
    items: list[WeekItem]


@dataclass(frozen=True)
class MyWeek:
    today: date
    within_days: int
    followed: list[Followed]
    week: Week


def pupil_name(document: Document) -> str:
    pupil = document.data.get("pupil") or {}
    return f"{pupil.get('first_name', '')} {pupil.get('last_name', '')}".strip()


def current_contracts(session: Session, school_id: int) -> list[Document]:
    """The school's completed followed contracts that no completed amendment replaced."""
    newer = aliased(Document)
    replaced = exists().where(
        newer.amends_id == Document.id, newer.state == DocumentState.COMPLETED
    )
    kinds = [kind for kind in Kind if kind.spec.followed]
    return list(
        session.scalars(
            select(Document)
            .where(
                Document.school_id == school_id,
                Document.kind.in_(kinds),
                Document.state == DocumentState.COMPLETED,
                ~replaced,
            )
            .order_by(Document.id)
        )
    )


def followed_by(session: Session, user: User, now: datetime) -> list[Followed]:
    """The contracts `user` follows that are not over, each with its items due."""
    found = []
    for document in current_contracts(session, user.school_id):
        if not follows(user.role, user.email, (document.data.get("referent") or {}).get("email")):
            continue
        follow_up = follow_up_of(session, document, now)
        if follow_up is None or follow_up.state == PathwayState.ENDED:
            continue
        name = pupil_name(document)
        items = [WeekItem(document.id, name, item) for item in follow_up.due]
        found.append(Followed(document, name, follow_up.state, items))
    return found


def my_week(session: Session, user: User, now: datetime, within_days: int = WITHIN_DAYS) -> MyWeek:
    """What `user` follows and what falls due for them within `within_days` days; NotAllowed
    (403) for a role that follows no pupil."""
    require(user, StaffAction.FOLLOW_UP_WEEK)
    today = school_day(now, user.school.uai)
    followed = followed_by(session, user, now)
    items = [i for f in followed for i in f.items] + _visits(session, user, today, within_days)
    week = week_of(items, today, within_days)
    return MyWeek(today, within_days, followed, week)


def _visits(session: Session, user: User, today: date, within_days: int) -> list[WeekItem]:
    """The site visits due of the conventions `user` follows (the head: the school's)."""
    mine = None if user.role == StaffRole.HEAD else user
    found = []
    for item in visits_due(
        session, user.school_id, user=mine, today=today, within_days=within_days
    ):
        document = session.get(Document, item.document_id)
        if document is not None:
            found.append(WeekItem(document.id, pupil_name(document), item))
    return found
