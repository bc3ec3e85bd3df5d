"""The school's documents as lists and counts: the dashboard's and the API's queries."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.documents.models import Document
from signing.data.names import fold
from signing.kinds import Kind
from signing.vocabulary import DocumentState


def list_documents(
    session: Session,
    school_id: int,
    *,
    state: DocumentState | None = None,
    kind: Kind | None = None,
    pupil: str | None = None,
    school_year: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> tuple[list[Document], int]:
    query = select(Document).where(Document.school_id == school_id)
    if school_year is not None:
        query = query.where(Document.school_year == school_year)
    if state:
        query = query.where(Document.state == state)
    if kind:
        query = query.where(Document.kind == kind)
    if pupil:
        folded = fold(pupil).replace("\\", "").replace("%", "").replace("_", " ")
        query = query.where(Document.pupil_search.like(f"%{folded}%"))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    items = session.scalars(
        query.order_by(Document.id.desc()).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return list(items), total


def count_by_state(
    session: Session, school_id: int, *, school_year: int | None = None
) -> dict[str, int]:
    """How many of the school's documents are in each state (of one school year, if given), in
    one query; states without a document are absent."""
    query = select(Document.state, func.count()).where(Document.school_id == school_id)
    if school_year is not None:
        query = query.where(Document.school_year == school_year)
    return {state: int(n) for state, n in session.execute(query.group_by(Document.state))}


def school_years(session: Session, school_id: int) -> list[int]:
    """The school years of the school's documents, newest first."""
    return list(
        session.scalars(
            select(Document.school_year)
            .where(Document.school_id == school_id, Document.school_year.is_not(None))
            .distinct()
            .order_by(Document.school_year.desc())
        )
    )
