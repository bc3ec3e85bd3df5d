"""The site visit's task, planned when a convention de stage is completed: from the convention's
« date prévue de la visite sur le lieu de stage » when it says one, else « à planifier »
(`signing.follow_up.visits`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.clock import school_day
from service.documents.models import Document
from service.documents.store import get_document, lock_document
from service.follow_up.visit_model import SiteVisit
from signing.errors import TransitionRefused
from signing.follow_up.visits import (
    Internship,
    has_internship,
    internship_of,
    planned_of,
    require_visited,
)


def visit_of(session: Session, document_id: int) -> SiteVisit | None:
    return session.scalars(select(SiteVisit).where(SiteVisit.document_id == document_id)).first()


def plan_visit(session: Session, document: Document, *, at: datetime) -> SiteVisit | None:
    """The visit's task of a convention (created once, from its data); None for a document
    without an internship. The caller holds the document's lock (its transaction)."""
    if not has_internship(document.kind, document.data):
        return None
    existing = visit_of(session, document.id)
    if existing is not None:
        return existing
    referent = document.data.get("referent")
    names = (referent.get("first_name"), referent.get("last_name")) if referent else ()
    visitor = " ".join(str(n) for n in names if n) or None
    visit = SiteVisit(
        document_id=document.id,
        planned_date=planned_of(document.data),
        visitor_name=visitor,
        created_at=at,
        updated_at=at,
    )
    session.add(visit)
    session.flush()
    return visit


def visited(session: Session, school_id: int, document_id: int, *, at: datetime) -> VisitTask:
    """The school's completed convention `document_id`, locked, with its visit's task (planned
    now if it was completed before visits were followed); 404 for another school's, 409 for a
    document without an internship or not completed."""
    document = lock_document(session, get_document(session, school_id, document_id).id)
    require_visited(document.kind, document.data, document.state)
    visit = plan_visit(session, document, at=at)
    if visit is None:  # pragma: no cover - require_visited: it has an internship
        raise TransitionRefused("visit", document.state, "ce document n'a pas de stage")
    today = school_day(at, document.school.uai)
    return VisitTask(document, visit, internship_of(document.data), today)


@dataclass(frozen=True)
class VisitTask:
    document: Document
    visit: SiteVisit
    internship: Internship
    today: date
