"""A document judged with the pupil's other documents of its kind and school year, when the kind
asks (`KindSpec.series`: an observation's five days in collège, its one or two hosts in seconde).
The rule is the kind's; this finds the documents it needs: the school's live ones, of the same
pupil (as searched) and school year, the document itself, the one it amends and any document
an amendment replaces left out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.documents.listed import LIVE
from service.documents.models import Document
from signing.data.names import pupil_search
from signing.data.school_year import school_year_of
from signing.data.territory import Territory
from signing.errors import ValidationFailed
from signing.kinds import Kind


def check_series(
    session: Session,
    school_id: int,
    kind: Kind,
    data: dict[str, Any],
    territory: Territory,
    *,
    document_id: int | None = None,
) -> None:
    """ValidationFailed naming the field when `data` breaks its kind's series rule."""
    year = school_year_of(data)
    if year is None:
        return
    rows = session.scalars(
        select(Document).where(
            Document.school_id == school_id,
            Document.kind == kind,
            Document.state.in_(LIVE),
            Document.school_year == year,
            Document.pupil_search == pupil_search(data),
        )
    ).all()
    amended = (data.get("amends") or {}).get("id")
    replaced = {row.amends_id for row in rows if row.amends_id is not None}
    others = [
        (row.id, row.data)
        for row in rows
        if row.id not in (document_id, amended) and row.id not in replaced
    ]
    issues = kind.spec.series(data, others, territory) if others else []
    if issues:
        raise ValidationFailed(issues)
