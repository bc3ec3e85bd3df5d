"""Changing a draft's data (an issued document is cancelled and issued anew, or amended)."""

from __future__ import annotations

from service.accounts.models import User
from service.accounts.permissions import require
from service.context import Context
from service.documents import trail
from service.documents.links import parent_of, with_amendment
from service.documents.listed import refuse_listed
from service.documents.models import Document
from service.documents.series import check_series
from service.documents.store import get_document, lock_document, set_document_state
from service.documents.validation import reserved_emails, school_territory, validate_request
from signing.data.names import pupil_search
from signing.data.school_year import school_year_of
from signing.errors import FieldIssue, ValidationFailed
from signing.permissions import StaffAction
from signing.vocabulary import DocumentState, EventType
from signing.workflow import decide_edit


def update_document(ctx: Context, user: User, document_id: int, body: object) -> Document:
    require(user, StaffAction.PREPARE)
    now = ctx.now()
    with ctx.db.transaction() as session:
        document = get_document(session, user.school_id, document_id)
        decide_edit(document.state)
        if isinstance(body, dict) and "kind" not in body:
            body = {**body, "kind": document.kind}
        stamp = document.data.get("amends") if document.amends_id else None
        territory = school_territory(session, user.school_id)
        refuse_listed(body)
        kind, data, warnings = validate_request(
            with_amendment(body, stamp),
            territory.day(now),
            territory,
            reserved_emails(session, user.school_id),
        )
        if kind != document.kind:
            raise ValidationFailed([FieldIssue("kind", "le type d'un document ne change pas")])
        check_series(session, user.school_id, kind, data, territory, document_id=document.id)
        document = lock_document(session, document.id)
        set_document_state(
            session,
            document,
            DocumentState.DRAFT,
            DocumentState.DRAFT,
            at=now,
            data=data,
            warnings=warnings,
            pupil_search=pupil_search(data),
            pathway_id=parent_of(session, user.school_id, kind, data),
            school_year=school_year_of(data),
        )
        trail.record(
            session, document, EventType.UPDATED, at=now, role=user.role, actor_name=user.full_name
        )
    return document
