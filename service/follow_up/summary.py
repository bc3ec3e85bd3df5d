"""A followed contract as the page and the API show it: its state today, each objective with its
status, deadline and notes, what falls due next. Reviews and visits are empty lists until they
exist (issue 13 §3–4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from service.clock import school_day
from service.documents.models import Document
from service.follow_up.models import ObjectiveNote
from service.follow_up.queries import note_view, notes_of
from signing.follow_up import (
    DueItem,
    FollowedObjective,
    Period,
    follow,
    is_followed,
    next_due,
    objectives_of,
    pathway_state,
    period_of,
)
from signing.follow_up.vocabulary import PathwayState


@dataclass(frozen=True)
class ObjectiveFollowUp:
    followed: FollowedObjective
    notes: list[ObjectiveNote]
    """Oldest first."""
    overdue: bool


@dataclass(frozen=True)
class FollowUp:
    period: Period
    state: PathwayState
    today: date
    objectives: list[ObjectiveFollowUp]
    due: list[DueItem]
    reviews: list[Any] = field(default_factory=list)
    visits: list[Any] = field(default_factory=list)


def early_end_of(document: Document) -> date | None:
    """The day the pathway ended before its end date: none yet. A review's decision « mettre
    fin » (issue 13 §3) will set it, and every reading of the period takes it from here."""
    return None


def contract_period(document: Document) -> Period:
    return period_of(document.data, ended_early_on=early_end_of(document))


def follow_up_of(session: Session, document: Document, now: datetime) -> FollowUp | None:
    """The follow-up of `document` at `now` (read in the school's calendar); None when the
    document is not followed (not a completed contract)."""
    if not is_followed(document.kind.spec.followed, document.state):
        return None
    today = school_day(now, document.school.uai)
    period = contract_period(document)
    notes = notes_of(session, document.id)
    objectives = []
    for objective in objectives_of(document.data):
        own = [n for n in notes if n.objective == objective.number]
        followed = follow(objective, [note_view(n) for n in own])
        objectives.append(ObjectiveFollowUp(followed, own, followed.overdue(today)))
    due = next_due(document.data, period, [o.followed for o in objectives], today)
    return FollowUp(period, pathway_state(period, today), today, objectives, due)
