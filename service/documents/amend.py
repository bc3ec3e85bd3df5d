"""Starting an amendment (avenant) of a completed document."""

from __future__ import annotations

import copy

from sqlalchemy import select

from service.accounts.models import User
from service.accounts.permissions import require
from service.context import Context
from service.documents.create import add_document
from service.documents.links import amendment_stamp, with_amendment
from service.documents.models import Document
from service.documents.store import get_document, lock_document
from service.documents.validation import reserved_emails, school_territory, validate_request
from signing.data.validate import validate_document
from signing.errors import FieldIssue, ValidationFailed
from signing.permissions import StaffAction
from signing.workflow import AmendmentView, decide_amend


def create_amendment(
    ctx: Context, user: User, document_id: int, body: object | None = None
) -> Document:
    """Start an amendment (avenant) of a completed document: a new draft linked to it, to be
    issued and signed again; the amended document stays as it is, readable.

    The workflow decides (`decide_amend`: the latest completed version only, one amendment at a
    time), under the amended document's lock, so a double click makes one draft. Without `body`
    the draft takes the amended document's data; with it (the API) the data given, of the same
    kind. The data signed then may no longer hold today (past dates): the draft keeps it and its
    warnings say what to correct before issuing.
    """
    require(user, StaffAction.PREPARE)
    now = ctx.now()
    with ctx.db.transaction() as session:
        source = lock_document(session, get_document(session, user.school_id, document_id).id)
        amendments = [
            AmendmentView(id_, state)
            for id_, state in session.execute(
                select(Document.id, Document.state).where(Document.amends_id == source.id)
            )
        ]
        decide_amend(source.state, amendments)  # the new one is a draft
        stamp = amendment_stamp(source)
        territory = school_territory(session, user.school_id)
        today = territory.day(now)
        if body is None:
            data = {**copy.deepcopy(source.data), "amends": stamp}
            try:
                validated = validate_document(source.kind, data, today=today, territory=territory)
            except ValidationFailed as exc:
                warnings = [issue.as_json() for issue in (*exc.errors, *exc.warnings)]
            else:
                data = validated.data
                warnings = [issue.as_json() for issue in validated.warnings]
        else:
            reserved = reserved_emails(session, user.school_id)
            kind, data, warnings = validate_request(
                with_amendment(body, stamp), today, territory, reserved
            )
            if kind != source.kind:
                raise ValidationFailed(
                    [FieldIssue("kind", "un avenant est du même type que le document modifié")]
                )
        return add_document(session, user, source.kind, data, warnings, now=now, amends=source)
