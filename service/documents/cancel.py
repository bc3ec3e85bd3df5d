"""Cancelling a draft or a document awaiting signatures: every link dies, signers are told."""

from __future__ import annotations

from service.accounts.models import User
from service.accounts.permissions import require
from service.context import Context
from service.documents import trail
from service.documents.models import Document
from service.documents.store import get_document, lock_document, set_document_state
from service.mail import compose, household, outbox
from signing.data import typed_text
from signing.errors import FieldIssue, ValidationFailed
from signing.permissions import StaffAction
from signing.vocabulary import EventType
from signing.workflow import ANSWERING_SIGNERS, decide_cancel


def cancel_document(ctx: Context, user: User, document_id: int, reason: str) -> Document:
    require(user, StaffAction.CANCEL)
    now = ctx.now()
    refused = typed_text.refusal("Motif de l'annulation", reason, multiline=True)
    if refused:
        raise ValidationFailed([FieldIssue("reason", refused)])
    reason = typed_text.one_line(reason)
    if not reason or len(reason) > 500:
        raise ValidationFailed(
            [FieldIssue("reason", "indiquez le motif de l'annulation (500 caractères au plus)")]
        )
    with ctx.db.transaction() as session:
        document = lock_document(session, get_document(session, user.school_id, document_id).id)
        expected = document.state
        new = decide_cancel(expected)
        set_document_state(session, document, expected, new, at=now, cancel_reason=reason)
        school = document.school
        addressees = household.everyone(document)
        for signer in document.signers:
            if signer.link_nonce and signer.state in ANSWERING_SIGNERS:
                shared = household.shared_with(signer, addressees)
                message = compose.cancelled(document, signer, school, reason, shared_with=shared)
                outbox.queue(session, message, now=now)
            signer.link_nonce = None  # every link dies
        trail.record(
            session,
            document,
            EventType.CANCELLED,
            at=now,
            role=user.role,
            actor_name=user.full_name,
            data={"reason": reason},
        )
    return document
