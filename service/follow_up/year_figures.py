"""The school year in figures (issue 13 §7): the facts of every completed contrat de parcours
of the school whose start date falls in the year, counted by `signing.follow_up.figures`.

A contract replaced by a completed amendment counts once, as its amendment. The outcome, the
reviews held on time and the visits each come from one function here (`outcome_of`,
`reviews_on_time_of`, `visits_done_of` and `visits_open_of`): the contract's completed reviews
and the site visits of its conventions (`service.follow_up.contract_visits`, issue 13 §3–4)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.accounts.models import User
from service.accounts.permissions import require
from service.clock import school_day
from service.documents.models import Document
from service.follow_up.contract_visits import ContractVisit, contract_visits
from service.follow_up.queries import note_view, notes_of
from service.follow_up.summary import completed_reviews, contract_period
from signing.follow_up import follow, objectives_of, pathway_state
from signing.follow_up.figures import PathwayFacts, YearFigures, count_year
from signing.follow_up.reviews import outcome_of as final_outcome
from signing.follow_up.visits import VisitState
from signing.kinds import Kind, spec_of
from signing.permissions import StaffAction
from signing.vocabulary import DocumentState


@dataclass(frozen=True)
class YearPathway:
    """One counted contract, for the CSV's detail lines."""

    document_id: int
    pupil: str
    facts: PathwayFacts


@dataclass(frozen=True)
class YearReport:
    year: int
    figures: YearFigures
    pathways: list[YearPathway]


def scheme_labels() -> dict[str, str]:
    """Every scheme of the contract's schema, in its order, with its French label."""
    return dict(spec_of(Kind.PARCOURS).schema.field("scheme").choices)


def outcome_of(document: Document) -> str | None:
    """The latest completed final review's outcome; None while none was held."""
    outcome = final_outcome(completed_reviews(document))
    return outcome.value if outcome is not None else None


def reviews_on_time_of(document: Document) -> int | None:
    """The contract's completed reviews held for a planned date, on that day or before it."""
    return sum(
        1
        for review in completed_reviews(document)
        if review.planned_date is not None and review.day <= review.planned_date
    )


def visits_done_of(visits: Sequence[ContractVisit]) -> int:
    """The visits of the contract's conventions recorded as done."""
    return sum(1 for visit in visits if visit.state == VisitState.DONE)


def visits_open_of(visits: Sequence[ContractVisit]) -> tuple[int, int]:
    """The visits still to do (planned, or to plan) and those overdue (their date passed
    without a report), on the day the visits were read."""
    to_do = sum(1 for v in visits if v.state in (VisitState.PLANNED, VisitState.TO_PLAN))
    return to_do, sum(1 for v in visits if v.state == VisitState.OVERDUE)


def year_report(session: Session, user: User, year: int, now: datetime) -> YearReport:
    """The figures of `year` (its first year: 2026 for 2026-2027) for the user's school, the
    pathways' states read on the school's day at `now`."""
    require(user, StaffAction.READ_FIGURES)
    documents = list(
        session.scalars(
            select(Document)
            .where(
                Document.school_id == user.school_id,
                Document.kind == Kind.PARCOURS,
                Document.state == DocumentState.COMPLETED,
                Document.school_year == year,
            )
            .order_by(Document.id)
        )
    )
    replaced = {d.amends_id for d in documents if d.amends_id is not None}
    pathways = [_pathway(session, d, now) for d in documents if d.id not in replaced]
    figures = count_year((p.facts for p in pathways), list(scheme_labels()))
    return YearReport(year, figures, pathways)


def _pathway(session: Session, document: Document, now: datetime) -> YearPathway:
    notes = notes_of(session, document)
    statuses = tuple(
        follow(o, [note_view(n) for n in notes if n.objective == o.number]).status
        for o in objectives_of(document.data)
    )
    period = contract_period(document)
    today = school_day(now, document.school.uai)
    pupil = document.data.get("pupil") or {}
    visits = contract_visits(session, document, today)
    to_do, overdue = visits_open_of(visits)
    facts = PathwayFacts(
        scheme=str(document.data.get("scheme") or ""),
        state=pathway_state(period, today),
        objectives=statuses,
        outcome=outcome_of(document),
        reviews_on_time=reviews_on_time_of(document),
        visits_done=visits_done_of(visits),
        visits_to_do=to_do,
        visits_overdue=overdue,
    )
    name = f"{pupil.get('first_name', '')} {pupil.get('last_name', '')}".strip()
    return YearPathway(document.id, name, facts)
