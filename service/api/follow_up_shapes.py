"""The shapes of the follow-up's API answers: a followed contract (`service.follow_up.summary`)
and one note on an objective. Dates are ISO days, times ISO UTC, like the rest of the API."""

from __future__ import annotations

from datetime import date
from typing import Any

from service.follow_up.models import ObjectiveNote
from service.follow_up.summary import FollowUp, ObjectiveFollowUp
from signing.follow_up import DueItem
from signing.trail import iso_utc


def note_json(note: ObjectiveNote) -> dict[str, Any]:
    """One note: who wrote it (their name and role then), when, what it says."""
    return {
        "id": note.id,
        "objective": note.objective,
        "status": note.status.value,
        "status_label": note.status.label,
        "date": note.note_date.isoformat(),
        "new_deadline": note.new_deadline.isoformat() if note.new_deadline else None,
        "note": note.note,
        "author": {"name": note.author_name, "role": note.author_role},
        "created_at": iso_utc(note.created_at),
    }


def _objective_json(item: ObjectiveFollowUp) -> dict[str, Any]:
    followed = item.followed
    return {
        "number": followed.objective.number,
        "label": followed.objective.label,
        "indicator": followed.objective.indicator,
        "status": followed.status.value,
        "status_label": followed.status.label,
        "deadline": followed.deadline.isoformat(),
        "planned_deadline": followed.objective.deadline.isoformat(),
        "overdue": item.overdue,
        "notes": [note_json(n) for n in item.notes],
    }


def _due_json(item: DueItem) -> dict[str, Any]:
    return {
        "date": item.day.isoformat(),
        "what": item.what,
        "label": item.label,
        "objective": item.objective,
        "overdue": item.overdue,
        "document_id": item.document_id,
    }


def follow_up_json(document_id: int, follow_up: FollowUp) -> dict[str, Any]:
    """The follow-up of a contract as its page shows it, with its completed reviews
    (`_reviews_json`) and its conventions' site visits (`_visits_json`)."""
    period = follow_up.period
    return {
        "document_id": document_id,
        "today": follow_up.today.isoformat(),
        "state": follow_up.state.value,
        "state_label": follow_up.state.label,
        "period": {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "planned_end": period.planned_end.isoformat(),
            "ended_early_on": period.ended_early_on.isoformat() if period.ended_early_on else None,
        },
        "objectives": [_objective_json(o) for o in follow_up.objectives],
        "due": [_due_json(d) for d in follow_up.due],
        "reviews": _reviews_json(follow_up),
        "visits": _visits_json(follow_up),
        "amendment_awaited": _awaited_json(follow_up),
    }


def _awaited_json(follow_up: FollowUp) -> dict[str, Any] | None:
    """The review whose « ajuster » no amendment answered yet, if any (`FollowUp.adjusting`)."""
    review = follow_up.adjusting
    return None if review is None else {"review": review.number, "date": review.day.isoformat()}


def _reviews_json(follow_up: FollowUp) -> list[dict[str, Any]]:
    """The contract's completed reviews (bilans), oldest first: each its document's number."""
    return [
        {
            "document_id": r.number,
            "date": r.day.isoformat(),
            "type": r.type.value,
            "decision": r.decision.value,
            "planned_date": r.planned_date.isoformat() if r.planned_date else None,
            "early_end": r.early_end.isoformat() if r.early_end else None,
            "outcome": r.outcome.value if r.outcome else None,
            "statuses": {str(n): status.value for n, status in sorted(r.statuses.items())},
            "attendees": [{"name": name, "capacity": cap} for name, cap in r.attendees],
        }
        for r in follow_up.reviews
    ]


def _visits_json(follow_up: FollowUp) -> list[dict[str, Any]]:
    """The site visits of the contract's conventions (`FollowUp.visits`), by convention: each
    its state on the school's day, what was planned and what was done, and every move."""

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return [
        {
            "convention_id": v.convention_id,
            "state": v.state.value,
            "state_label": v.state.label,
            "overdue": v.overdue,
            "planned_date": day(v.visit.planned_date),
            "visitor": v.visit.visitor_name,
            "done_date": day(v.visit.done_date),
            "visited_by": v.visit.visited_by,
            "tutor_met": v.visit.tutor_met,
            "report": v.visit.report,
            "moves": [
                {
                    "date": m.day.isoformat(),
                    "previous_date": day(m.previous),
                    "reason": m.reason,
                    "moved_at": iso_utc(m.at),
                }
                for m in v.moves
            ],
        }
        for v in follow_up.visits
    ]
