"""A followed contract as the page and the API show it: its state today, each objective with its
status, deadline and notes, what falls due next, its completed reviews and its conventions' site
visits (issue 13 §3–4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session, object_session

from service.clock import school_day
from service.documents.links import amendments_of, children_of, replacement_of, versions_of
from service.documents.models import Document
from service.follow_up.contract_visits import ContractVisit, contract_visits
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
from signing.follow_up.reviews import (
    ReviewView,
    awaiting_amendment,
    ended_early_on,
    held_dates,
    outcome_of,
    review_notes,
    review_view,
)
from signing.follow_up.visits import visit_due
from signing.follow_up.vocabulary import PathwayOutcome, PathwayState
from signing.kinds import children_of as child_kinds
from signing.vocabulary import DocumentState
from signing.workflow import AMENDMENT_OVER


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
    reviews: list[ReviewView] = field(default_factory=list)
    outcome: PathwayOutcome | None = None
    review_kind: str | None = None
    """The kind of the contract's reviews, which its page offers to hold (« Tenir un bilan »)."""
    planned_reviews: list[tuple[date, str]] = field(default_factory=list)
    """The reviews the contract planned and none was held for: (day, review type)."""
    visits: list[ContractVisit] = field(default_factory=list)
    """The site visits of the contract's conventions (`contract_visits`), by convention."""
    adjusting: ReviewView | None = None
    """The latest review, when it decided « ajuster » and no amendment was issued since."""


def completed_reviews(document: Document) -> list[ReviewView]:
    """The contract's completed reviews (documents whose parent link `reviews_parent`), and
    those held on the versions it amends, oldest first; none for a document outside a
    session."""
    session = object_session(document)
    if session is None:
        return []
    children = [c for version in versions_of(document) for c in children_of(session, version)]
    return [
        review_view(child.id, child.data)
        for child in sorted(children, key=lambda c: c.id)
        if child.state == DocumentState.COMPLETED
        and (link := child.kind.spec.parent) is not None
        and link.reviews_parent
    ]


def early_end_of(document: Document) -> date | None:
    """The day the pathway ended before its end date: a completed review's « mettre fin »
    (`signing.follow_up.reviews.ended_early_on`); every reading of the period takes it here."""
    return ended_early_on(completed_reviews(document))


def contract_period(document: Document) -> Period:
    return period_of(document.data, ended_early_on=early_end_of(document))


def follow_up_of(session: Session, document: Document, now: datetime) -> FollowUp | None:
    """The follow-up of `document` at `now` (read in the school's calendar); None when the
    document is not followed (not a completed contract, or one a completed amendment replaced:
    its follow-up goes on on the amendment, with this version's notes and reviews)."""
    if not is_followed(document.kind.spec.followed, document.state):
        return None
    if replacement_of(session, document) is not None:
        return None
    today = school_day(now, document.school.uai)
    reviews = completed_reviews(document)
    period = period_of(document.data, ended_early_on=ended_early_on(reviews))
    notes = notes_of(session, document)
    objectives = []
    for objective in objectives_of(document.data):
        own = [n for n in notes if n.objective == objective.number]
        views = [note_view(n) for n in own] + review_notes(reviews, objective.number)
        followed = follow(objective, views)
        objectives.append(ObjectiveFollowUp(followed, own, followed.overdue(today)))
    all_followed = [o.followed for o in objectives]
    visits = contract_visits(session, document, today)
    due = next_due(document.data, period, all_followed, today, held_dates(reviews))
    due = _with_visits(due, visits, today, period)
    state = pathway_state(period, today)
    return FollowUp(
        period,
        state,
        today,
        objectives,
        due,
        reviews,
        outcome=outcome_of(reviews),
        review_kind=_review_kind(document),
        planned_reviews=_planned(document.data, held_dates(reviews)),
        visits=visits,
        adjusting=awaiting_amendment(reviews, _amendments_issued(session, document)),
    )


def _amendments_issued(session: Session, document: Document) -> list[date]:
    """The school days the amendments of the contract and of its versions were issued (the
    amendment that replaced an earlier version answers that version's « ajuster »), but those
    that came to nothing."""
    return [
        school_day(a.issued_at, document.school.uai)
        for version in versions_of(document)
        for a in amendments_of(session, version)
        if a.issued_at is not None and a.state not in AMENDMENT_OVER
    ]


def _with_visits(
    due: list[DueItem], visits: list[ContractVisit], today: date, period: Period
) -> list[DueItem]:
    """`due` with the open site visits of the contract's conventions (`visit_due`: dated, not
    done; overdue or before the contract's end), in date order."""
    horizon = max((period.end - today).days, 0)
    items = [
        visit_due(v.convention_id, v.visit.planned_date, v.visit.done_date, today, horizon)
        for v in visits
    ]
    found = due + [item for item in items if item is not None]
    return sorted(found, key=lambda i: (i.day, i.objective or 0, i.what))


def _review_kind(document: Document) -> str | None:
    return next((k for k, link in child_kinds(document.kind) if link.reviews_parent), None)


def _planned(data: dict[str, Any], held: frozenset[date]) -> list[tuple[date, str]]:
    planned = [(date.fromisoformat(str(d)), "intermediate") for d in data.get("reviews") or []]
    if data.get("final_review"):
        planned.append((date.fromisoformat(str(data["final_review"])), "final"))
    return [(day, kind) for day, kind in planned if day not in held]
