"""A signer declines to sign, with a reason: the document is declined, every link dies, the head
is told.

A refusal asks no one-time code, even where the school asks one to sign: a refusal commits the
family to nothing and the head can issue again, while a code would make saying no harder for
the families least at ease with mail. The trail records that the refusal came through the link
alone (``identification``), so the head's reading of it can weigh that."""

from __future__ import annotations

from service.context import Context, Origin
from service.documents import trail
from service.documents.store import lock_document, set_document_state
from service.errors import SignatureRefused
from service.mail import outbox, staff_messages
from service.signers.invite import set_signer
from service.signers.links import live_signer
from service.signers.models import Signer
from signing.data import typed_text
from signing.errors import FieldIssue
from signing.pdf.evidence_texts import Identification
from signing.vocabulary import EventType
from signing.workflow import ANSWERING_SIGNERS, decide_decline


def decline(ctx: Context, token: str, origin: Origin, *, reason: str) -> Signer:
    now = ctx.now()
    refused = typed_text.refusal("Motif", reason, multiline=True)
    if refused:
        raise SignatureRefused([FieldIssue("reason", refused)])
    reason = typed_text.one_line(reason)
    if not reason or len(reason) > 1000:
        raise SignatureRefused(
            [
                FieldIssue(
                    "reason",
                    "Indiquez en quelques mots pourquoi vous refusez (1 000 caractères au plus).",
                )
            ]
        )
    with ctx.db.transaction() as session:
        signer, _ = live_signer(ctx, session, token, now)
        document = lock_document(session, signer.document_id)
        decision = decide_decline(document.state, signer.state)
        set_signer(
            session,
            signer,
            tuple(ANSWERING_SIGNERS),
            state=decision.signer_state.value,
            declined_at=now,
            decline_reason=reason,
            link_nonce=None,
            sign_ip=origin.ip,
            sign_user_agent=(origin.user_agent or "")[:500] or None,
        )
        set_document_state(session, document, document.state, decision.document_state, at=now)
        for other in document.signers:
            other.link_nonce = None
        trail.record(
            session,
            document,
            EventType.DECLINED,
            at=now,
            origin=origin,
            signer=signer,
            data={"reason": reason, "identification": Identification.EMAIL_LINK.value},
        )
        outbox.queue(
            session,
            staff_messages.declined_notice(document, signer, document.school, reason),
            now=now,
        )
    return signer
