"""The site visits of a pathway contract (issue 13 §4): one per completed convention de stage
that belongs to the contract (its child documents with an internship, `children_of`), or to a
contract it amends (a convention made before the amendment stays linked to the contract it was
made for), each with its state on the school's day and its moves, read from the convention's
trail (the visit's row keeps the last reason only). The contract's follow-up
(`service.follow_up.summary`), its page, its API and the year's figures all read them here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.documents.links import children_of, versions_of
from service.documents.models import Document, Event
from service.follow_up.visit_model import SiteVisit
from signing.follow_up.visits import VisitState, has_internship, visit_state
from signing.vocabulary import DocumentState, EventType


@dataclass(frozen=True)
class VisitMove:
    """One move of a visit already dated: its new date, the one before, why, and when."""

    day: date
    previous: date | None
    reason: str | None
    at: datetime


@dataclass(frozen=True)
class ContractVisit:
    """The visit of one of the contract's conventions, as it stands on `today`."""

    convention_id: int
    visit: SiteVisit
    state: VisitState
    moves: list[VisitMove]
    """Oldest first."""

    @property
    def overdue(self) -> bool:
        return self.state == VisitState.OVERDUE


def contract_visits(session: Session, contract: Document, today: date) -> list[ContractVisit]:
    """The visits of the completed conventions of the contract and of the contracts it amends,
    by convention, oldest first. A
    convention completed before visits were followed has no visit's task yet: none is shown
    for it (its page plans it at the first record or move)."""
    conventions = sorted(
        child.id
        for version in versions_of(contract)
        for child in children_of(session, version)
        if child.state == DocumentState.COMPLETED and has_internship(child.kind, child.data)
    )
    if not conventions:
        return []
    visits = session.scalars(
        select(SiteVisit)
        .where(SiteVisit.document_id.in_(conventions))
        .order_by(SiteVisit.document_id)
    )
    moves = _moves(session, conventions)
    return [
        ContractVisit(
            visit.document_id,
            visit,
            visit_state(visit.planned_date, visit.done_date, today),
            moves.get(visit.document_id, []),
        )
        for visit in visits
    ]


def _moves(session: Session, conventions: list[int]) -> dict[int, list[VisitMove]]:
    events = session.scalars(
        select(Event)
        .where(Event.document_id.in_(conventions), Event.type == EventType.VISIT_MOVED)
        .order_by(Event.document_id, Event.seq)
    )
    found: dict[int, list[VisitMove]] = {}
    for event in events:
        data = event.data or {}
        found.setdefault(event.document_id, []).append(
            VisitMove(
                date.fromisoformat(str(data["planned_date"])),
                _day(data.get("previous_date")),
                data.get("reason"),
                event.at,
            )
        )
    return found


def _day(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None
