"""What a contract's completed reviews (bilans, kind « bilan ») make of its follow-up, derived
from their data alone: each assessment is a note on its objective (dated the review's day), a
« mettre fin » ends the pathway early, a final review gives its outcome."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from signing.follow_up.objectives import NoteView, Objective, follow
from signing.follow_up.vocabulary import (
    ObjectiveStatus,
    PathwayOutcome,
    ReviewDecision,
    ReviewType,
)

REVIEW_ORDER = 10**9
"""A review's notes come after the notes written by hand on the same day."""


@dataclass(frozen=True)
class ReviewView:
    """What the follow-up needs of a completed review."""

    number: int
    day: date
    type: ReviewType
    decision: ReviewDecision
    statuses: Mapping[int, ObjectiveStatus]
    """Objective number → the status the review gives it."""
    planned_date: date | None = None
    early_end: date | None = None
    outcome: PathwayOutcome | None = None
    attendees: tuple[tuple[str, str], ...] = ()
    """(name, capacity) of each person who attended, as recorded."""


def review_view(number: int, data: Mapping[str, Any]) -> ReviewView:
    """The view of review n° `number` from its validated data."""

    def day(key: str) -> date | None:
        value = data.get(key)
        return date.fromisoformat(str(value)) if value else None

    held = day("review_date")
    assert held is not None  # noqa: S101  # a required field of validated data
    return ReviewView(
        number,
        held,
        ReviewType(str(data["review_type"])),
        ReviewDecision(str(data["decision"])),
        {int(o["number"]): ObjectiveStatus(str(o["status"])) for o in data.get("objectives") or []},
        day("planned_date"),
        day("early_end_date"),
        PathwayOutcome(str(data["outcome"])) if data.get("outcome") else None,
        tuple((str(a["name"]), str(a["capacity"])) for a in data.get("attendees") or []),
    )


def review_notes(reviews: Iterable[ReviewView], objective: int) -> list[NoteView]:
    """The notes the reviews give objective n° `objective`."""
    return [
        NoteView(r.statuses[objective], r.day, None, REVIEW_ORDER + r.number)
        for r in reviews
        if objective in r.statuses
    ]


def ended_early_on(reviews: Iterable[ReviewView]) -> date | None:
    """The first day a review ended the pathway on (« mettre fin »), if any."""
    days = [r.early_end for r in reviews if r.decision == ReviewDecision.END and r.early_end]
    return min(days) if days else None


def outcome_of(reviews: Iterable[ReviewView]) -> PathwayOutcome | None:
    """The outcome of the pathway: the latest final review's, if one was held."""
    finals = sorted((r for r in reviews if r.type == ReviewType.FINAL), key=lambda r: r.day)
    return finals[-1].outcome if finals else None


def held_dates(reviews: Iterable[ReviewView]) -> frozenset[date]:
    """The planned review dates a review was held for (`signing.follow_up.due` drops them)."""
    return frozenset(r.planned_date for r in reviews if r.planned_date is not None)


@dataclass(frozen=True)
class StatusChange:
    """An objective whose status a review changed: the status before it and the one after."""

    objective: int
    previous: ObjectiveStatus
    status: ObjectiveStatus


@dataclass(frozen=True)
class ReviewEffects:
    """What completing a review changes of its contract, as its trail records it."""

    changes: tuple[StatusChange, ...]
    early_end: date | None
    """The day the pathway ends, when the review decided « mettre fin »."""
    outcome: PathwayOutcome | None
    """The pathway's outcome, when the review is the final one."""


def effects_of(
    review: ReviewView,
    objectives: Iterable[Objective],
    notes: Mapping[int, Sequence[NoteView]],
    reviews: Iterable[ReviewView],
) -> ReviewEffects:
    """What `review` changes of a contract with these `objectives`, their hand-written `notes`
    (by objective number) and its completed `reviews` (with or without `review`): each
    objective's status followed without the review, then with it (a later note keeps its own
    status: the review changes nothing there)."""
    others = [r for r in reviews if r.number != review.number]
    changes = []
    for objective in objectives:
        own = list(notes.get(objective.number, ()))
        before = follow(objective, own + review_notes(others, objective.number)).status
        after = follow(objective, own + review_notes([*others, review], objective.number)).status
        if after != before:
            changes.append(StatusChange(objective.number, before, after))
    ends = review.early_end if review.decision == ReviewDecision.END else None
    outcome = review.outcome if review.type == ReviewType.FINAL else None
    return ReviewEffects(tuple(changes), ends, outcome)


def awaiting_amendment(
    reviews: Iterable[ReviewView], amendments_issued: Iterable[date]
) -> ReviewView | None:
    """The latest review when it decided « ajuster » and no amendment of the contract was
    issued since the day it was held (`amendments_issued`: the days the contract's amendments
    still standing were issued); None otherwise."""
    held = sorted(reviews, key=lambda r: (r.day, r.number))
    if not held or held[-1].decision != ReviewDecision.ADJUST:
        return None
    latest = held[-1]
    return None if any(day >= latest.day for day in amendments_issued) else latest
