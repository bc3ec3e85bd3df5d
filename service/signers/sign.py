"""A signer signs through their link; the head may sign logged in instead (`sign_as_staff`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from service.context import Context, Origin
from service.documents import trail
from service.documents.models import Document
from service.documents.store import set_document_state
from service.errors import SignatureRefused
from service.signers import codes
from service.signers.invite import invite, set_signer
from service.signers.links import live_signer
from service.signers.models import Signer
from signing.data import typed_text
from signing.data.names import names_match
from signing.devices import Signature, shared_devices
from signing.errors import FieldIssue
from signing.pdf.evidence_texts import Identification
from signing.vocabulary import EventType, SignerState
from signing.workflow import ANSWERING_SIGNERS, SignerView, decide_sign

CONSENT_TEXT = (
    "J'ai lu le document et j'accepte de le signer électroniquement. Ma signature a la même "
    "valeur qu'une signature manuscrite."
)


def signature_issues(
    consent: bool, full_name: str, signer: Signer, *, who: str = "votre nom"
) -> list[FieldIssue]:
    issues = []
    if not consent:
        issues.append(FieldIssue("consent", "Cochez la case pour accepter de signer."))
    refused = typed_text.refusal("Nom", full_name)
    if refused:
        issues.append(FieldIssue("full_name", refused))
    elif not names_match(full_name, signer.full_name):
        issues.append(
            FieldIssue(
                "full_name",
                f"Saisissez {who} tel qu'il figure sur le document : {signer.full_name}.",
            )
        )
    return issues


def record_signature(
    ctx: Context,
    session: Session,
    document: Document,
    signer: Signer,
    origin: Origin,
    *,
    now: datetime,
    full_name: str,
    signature_png: bytes | None,
    extra: dict[str, Any] | None = None,
    consent_text: str = CONSENT_TEXT,
) -> None:
    """Apply the workflow's answer to one signature: the signer's row (its link dies), the event
    (and a flag when another party signed from the same device just before), the head's
    invitation once all others signed, the new state; on paper, the sheet's `consent_text`."""
    views = [SignerView(s.id, s.role, s.state) for s in document.signers]
    decision = decide_sign(document.state, views, signer.id)
    earlier = [
        Signature(s.id, s.sign_ip, s.sign_user_agent, s.signed_at)
        for s in document.signers
        if s.state == SignerState.SIGNED and s.signed_at is not None
    ]
    set_signer(
        session,
        signer,
        tuple(ANSWERING_SIGNERS),
        state=decision.signer_state.value,
        signed_at=now,
        link_nonce=None,
        sign_ip=origin.ip,
        sign_user_agent=(origin.user_agent or "")[:500] or None,
        signed_pdf_sha256=document.pdf_sha256,
        consent_text=consent_text,
        typed_name=typed_text.one_line(full_name)[:250],
        signature_png=signature_png,
    )
    trail.record(
        session,
        document,
        EventType.SIGNED,
        at=now,
        origin=origin,
        signer=signer,
        data={
            "pdf_sha256": document.pdf_sha256,
            "drawn": signature_png is not None,
            **(extra or {}),
        },
    )
    if (extra or {}).get("identification") not in (Identification.IN_PERSON, Identification.PAPER):
        # In person or on paper, the school's device is shared by design; the staff vouches.
        _flag_shared_device(ctx, session, document, signer, origin, earlier=earlier, now=now)
    for next_id in decision.invite:
        head = next(s for s in document.signers if s.id == next_id)
        set_signer(session, head, (SignerState.WAITING,), state=SignerState.INVITED, invited_at=now)
        invite(ctx, session, document=document, school=document.school, signer=head, now=now)
        trail.record(session, document, EventType.INVITED, at=now, signer=head)
    if decision.document_state != document.state:
        set_document_state(session, document, document.state, decision.document_state, at=now)


def _flag_shared_device(
    ctx: Context,
    session: Session,
    document: Document,
    signer: Signer,
    origin: Origin,
    *,
    earlier: list[Signature],
    now: datetime,
) -> None:
    """A `shared_device` event when an earlier party signed from this signature's browser and
    network (`signing.devices`), naming the most recent of them, for the staff's page and the
    certificate. One event, not one per earlier party: a family of three on one phone reads as
    a chain (the guardian after the pupil, the other guardian after the first), which names
    every link without a line for each pair."""
    new = Signature(signer.id, origin.ip, origin.user_agent, now)
    within = timedelta(minutes=ctx.settings.shared_device_minutes)
    by_id = {s.id: s for s in document.signers}
    for shared in shared_devices(earlier, new, within)[:1]:
        other = by_id[shared.signer_id]
        data = {
            "other_signer_id": other.id,
            "other_role": str(other.role),
            "other_role_label": other.role_noun,
            "other_name": other.full_name,
            "minutes": shared.minutes,
        }
        trail.record(
            session,
            document,
            EventType.SHARED_DEVICE,
            at=now,
            origin=origin,
            signer=signer,
            data=data,
        )


def sign(
    ctx: Context,
    token: str,
    origin: Origin,
    *,
    consent: bool,
    full_name: str,
    signature_png: bytes | None,
    shown_pdf_sha256: str | None,
    code: str | None = None,
) -> Signer:
    """Record one signature (the POST uses the link up). When it is the last but the head's, the
    head is invited; when it is the last of all, the document becomes `signed`. The signer
    comes back with its document and school loaded, for the page that thanks them.

    A signer whose school asks them a one-time code (`service.signers.codes`) signs only with
    their latest code, which the signature uses up; a refused code is recorded (its try and its
    event committed) and the signature refused. TooManyAttempts when this address typed too
    many wrong codes lately."""
    now = ctx.now()
    if code:
        codes.check_address(ctx, origin)
    judged = codes.Judgement(None, {})
    with ctx.db.transaction() as session:
        # The document is locked by this first query; a signer row read while waiting for the
        # lock may be older than it, which the compare-and-set on its state then refuses.
        signer, _ = live_signer(ctx, session, token, now, lock=True)
        document = signer.document
        issues = signature_issues(consent, full_name, signer)
        if shown_pdf_sha256 and shown_pdf_sha256 != document.pdf_sha256:
            issues.append(
                FieldIssue("pdf", "Le document a changé depuis son affichage : rechargez la page.")
            )
        if issues:
            raise SignatureRefused(issues)
        method = Identification.EMAIL_LINK
        if codes.required(document.school, signer):
            method = Identification.EMAIL_LINK_CODE
            judged = codes.judge_code(ctx, session, signer, code, origin=origin, now=now)
        if judged.refusal is None:
            record_signature(
                ctx,
                session,
                document,
                signer,
                origin,
                now=now,
                full_name=full_name,
                signature_png=signature_png,
                extra={"identification": method.value, **judged.signed},
            )
        _ = document.school  # the caller's page names it (reloaded if the state moved)
    if judged.refusal is not None:
        if judged.wrong:
            codes.count_wrong(ctx, origin)
        raise SignatureRefused([judged.refusal])
    return signer
