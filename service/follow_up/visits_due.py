"""The open site visits of a school that fall due soon or are overdue, for the référent's
« Mon suivi » page and digest (issue 13 §5)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.accounts.models import User
from service.documents.models import Document
from service.follow_up.visit_model import SiteVisit
from signing.data.names import fold
from signing.follow_up.due import DueItem
from signing.follow_up.visits import visit_due
from signing.vocabulary import DocumentState


def visits_due(
    session: Session,
    school_id: int,
    *,
    user: User | None = None,
    today: date,
    within_days: int = 7,
) -> list[DueItem]:
    """The school's completed conventions whose visit is not done and planned within
    `within_days` of `today` (today included) or overdue, as `DueItem`s (what ``visit``,
    `document_id` set), by date. With `user`, only the conventions whose référent has the
    user's e-mail address, or else their name."""
    rows = session.execute(
        select(SiteVisit, Document)
        .join(Document, Document.id == SiteVisit.document_id)
        .where(
            Document.school_id == school_id,
            Document.state == DocumentState.COMPLETED,
            SiteVisit.done_date.is_(None),
            SiteVisit.planned_date.is_not(None),
        )
        .order_by(SiteVisit.planned_date, Document.id)
    )
    items = []
    for visit, document in rows:
        if user is not None and not _follows(user, document):
            continue
        item = visit_due(document.id, visit.planned_date, visit.done_date, today, within_days)
        if item is not None:
            items.append(item)
    return items


def _follows(user: User, document: Document) -> bool:
    """The user is the convention's référent (by e-mail, else by name)."""
    referent = document.data.get("referent") or {}
    email = str(referent.get("email") or "")
    if email:
        return email.casefold() == user.email.casefold()
    name = f"{referent.get('first_name', '')} {referent.get('last_name', '')}"
    return fold(name) == fold(user.full_name)
