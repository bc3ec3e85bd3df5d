"""A site visit as the pages and the API show it: its state today and its JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from service.follow_up.visit_model import SiteVisit
from signing.follow_up.visits import VisitState, visit_state


@dataclass(frozen=True)
class VisitView:
    visit: SiteVisit
    state: VisitState

    @property
    def overdue(self) -> bool:
        return self.state == VisitState.OVERDUE


def view_of(visit: SiteVisit, today: date) -> VisitView:
    return VisitView(visit, visit_state(visit.planned_date, visit.done_date, today))


def visit_json(visit: SiteVisit, today: date) -> dict[str, Any]:
    state = visit_state(visit.planned_date, visit.done_date, today)

    def day(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "document_id": visit.document_id,
        "state": state.value,
        "state_label": state.label,
        "overdue": state == VisitState.OVERDUE,
        "planned_date": day(visit.planned_date),
        "visitor": visit.visitor_name,
        "done_date": day(visit.done_date),
        "visited_by": visit.visited_by,
        "tutor_met": visit.tutor_met,
        "report": visit.report,
        "moved_reason": visit.moved_reason,
        "recorded_by": visit.recorded_by_name,
    }
