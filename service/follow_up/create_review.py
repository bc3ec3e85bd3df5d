"""Holding a review of a completed contract through the API: its draft, prefilled from the
contract and completed from the body (`signing.follow_up.review_request`)."""

from __future__ import annotations

from service.accounts.models import User
from service.accounts.permissions import require
from service.context import Context
from service.documents.create import create_document
from service.documents.models import Document
from service.documents.store import get_document
from signing.errors import FieldIssue, ValidationFailed
from signing.follow_up import require_followed
from signing.follow_up.review_request import as_body_field, review_data
from signing.kinds import children_of
from signing.permissions import StaffAction


def create_review(ctx: Context, user: User, contract_id: int, body: object) -> Document:
    """The review's draft of contract n° `contract_id` (another school's: NotFound; not
    completed: TransitionRefused); ValidationFailed names the body's fields."""
    require(user, StaffAction.PREPARE)
    with ctx.db.new_session() as session:
        contract = get_document(session, user.school_id, contract_id)
        require_followed(contract.kind.spec.followed, contract.state)
        kind, link = next((k, ln) for k, ln in children_of(contract.kind) if ln.reviews_parent)
        prefill = link.prefill(contract.data, contract.id)
    try:
        data = review_data(prefill, body)
        return create_document(ctx, user, {"kind": kind, "data": data})
    except ValidationFailed as exc:
        raise ValidationFailed(
            [FieldIssue(as_body_field(e.field), e.message) for e in exc.errors],
            [FieldIssue(as_body_field(w.field), w.message) for w in exc.warnings],
        ) from None
