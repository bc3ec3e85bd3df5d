"""Creating a draft: from the staff's form or the API, or as an amendment (`amend`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.accounts.models import User
from service.accounts.permissions import require
from service.context import Context
from service.documents import trail
from service.documents.links import parent_of, with_amendment
from service.documents.listed import refuse_listed
from service.documents.models import Document
from service.documents.series import check_series
from service.documents.validation import reserved_emails, school_territory, validate_request
from service.follow_up.majority import contract_of, note_coming_of_age
from signing.data.names import pupil_search
from signing.data.school_year import school_year_of
from signing.kinds import Kind
from signing.permissions import StaffAction
from signing.vocabulary import EventType


def create_document(ctx: Context, user: User, body: object) -> Document:
    require(user, StaffAction.PREPARE)
    now = ctx.now()
    with ctx.db.transaction() as session:
        territory = school_territory(session, user.school_id)
        refuse_listed(body)
        kind, data, warnings = validate_request(
            with_amendment(body, None),
            territory.day(now),
            territory,
            reserved_emails(session, user.school_id),
        )
        check_series(session, user.school_id, kind, data, territory)
        return add_document(session, user, kind, data, warnings, now=now)


def add_document(
    session: Session,
    user: User,
    kind: Kind,
    data: dict[str, Any],
    warnings: list[dict[str, str]],
    *,
    now: datetime,
    amends: Document | None = None,
) -> Document:
    """A new draft of the user's school, with what is derived from its data, and its `created`
    event (naming the document it amends, if any)."""
    document = Document(
        school_id=user.school_id,
        kind=kind,
        data=data,
        pupil_search=pupil_search(data),
        warnings=warnings,
        amends_id=amends.id if amends else None,
        pathway_id=parent_of(session, user.school_id, kind, data),
        school_year=school_year_of(data),
        created_at=now,
        updated_at=now,
    )
    session.add(document)
    session.flush()
    trail.record(
        session,
        document,
        EventType.CREATED,
        at=now,
        role=user.role,
        actor_name=user.full_name,
        data={"amends": amends.id} if amends else None,
    )
    # The act's day is the day it is created (it is issued on that day or later, when its
    # parties are decided): a pupil of age today signs it alone.
    note_coming_of_age(
        session,
        document,
        contract_of(session, document),
        now,
        school_territory(session, user.school_id).day(now),
    )
    return document
