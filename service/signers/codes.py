"""The one-time code before signing (`signing.codes` holds the rules): whether a signer must
type one, sending it (mailed at once, worker or not), and judging a typed code inside the
signature's transaction. Every step is an event of the document's trail; failed codes are also
counted per address (`service.attempts`), across every app process."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service import i18n
from service.accounts.models import School
from service.attempts import counts
from service.attempts.models import AttemptKind
from service.context import Context, Origin
from service.documents import trail
from service.errors import SignatureRefused
from service.mail import compose, household, outbox
from service.mail.deliver import deliver_due
from service.signers.links import live_signer
from service.signers.models import Signer, SigningCode
from signing import codes
from signing.errors import FieldIssue
from signing.vocabulary import EventType
from signing.workflow import mails_links

log = logging.getLogger(__name__)

_LATEST = select(SigningCode).order_by(SigningCode.id.desc()).limit(1)


def required(school: School, signer: Signer) -> bool:
    """Whether `signer` types a code before signing through their link, by their school's
    setting (`signing.codes.code_roles`); never one who signs in person or on paper, who has no
    link and gets no mail but the final PDF (`mails_links`)."""
    return signer.role in codes.code_roles(school.code_roles) and mails_links(signer.signs_by)


def latest(session: Session, signer_id: int) -> codes.StoredCode | None:
    row = session.scalars(_LATEST.where(SigningCode.signer_id == signer_id)).first()
    if row is None:
        return None
    return codes.StoredCode(row.id, row.digest, row.sent_at, row.expires_at, row.tries, row.used_at)


def mask_email(email: str) -> str:
    """« m•••••@example.fr »: enough for the signer to recognise their address, not enough for
    someone else holding the link to learn it."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••••@{domain}"


@dataclass(frozen=True)
class CodeState:
    """What the signer's page says about the code."""

    required: bool
    sent_to: str = ""
    alive: bool = False
    sent_at: datetime | None = None
    expires_at: datetime | None = None


def code_state(ctx: Context, school: School, signer: Signer) -> CodeState:
    """The page's view of the signer's code (one read when a code is required)."""
    if not required(school, signer):
        return CodeState(required=False)
    with ctx.db.new_session() as session:
        stored = latest(session, signer.id)
    alive = codes.is_alive(stored, ctx.now())
    return CodeState(
        required=True,
        sent_to=mask_email(signer.email),
        alive=alive,
        sent_at=stored.sent_at if alive and stored else None,
        expires_at=stored.expires_at if alive and stored else None,
    )


def send_code(ctx: Context, token: str, origin: Origin) -> None:
    """Mail the signer a new code (the older one dies), then hand it to the mail server at once:
    a worker may not be running, and a code is worth 10 minutes. A code asked again within a
    minute is refused (SignatureRefused, field ``code``). When the mail server cannot be reached,
    the code stays in the outbox, retried like any message."""
    now = ctx.now()
    with ctx.db.transaction() as session:
        signer, _ = live_signer(ctx, session, token, now, lock=True)
        school = signer.document.school
        if not required(school, signer):
            return
        wait = codes.resend_wait(latest(session, signer.id), now)
        if wait is not None:
            seconds = max(1, int(wait.total_seconds()))
            message = (
                f"Un code vient de vous être envoyé : patientez {seconds} s avant d'en "
                "demander un autre."
            )
            raise SignatureRefused([FieldIssue("code", message)])
        message_id = _write_code(ctx, session, signer, origin, now=now)
    try:
        deliver_due(ctx.db, ctx.settings, now=now, only=message_id)
    except Exception:  # the outbox keeps it; the worker tries again
        log.exception("code de signature %s : envoi immédiat impossible", message_id)


def _write_code(
    ctx: Context, session: Session, signer: Signer, origin: Origin, *, now: datetime
) -> int:
    code = codes.new_code()
    row = SigningCode(
        signer_id=signer.id,
        digest=codes.code_digest(code, signer.id, ctx.settings.secret_key),
        sent_at=now,
        expires_at=now + codes.CODE_VALIDITY,
        tries=0,
    )
    session.add(row)
    session.flush()
    document = signer.document
    expires = i18n.moment(row.expires_at, document.school.uai, signer.language)
    shared = household.shared_with(signer, household.everyone(document))
    mail = compose.signing_code(
        document, signer, document.school, code, expires, shared_with=shared
    )
    queued = outbox.queue(session, mail, now=now, signer_id=signer.id, purpose="code")
    trail.record(
        session,
        document,
        EventType.CODE_SENT,
        at=now,
        origin=origin,
        signer=signer,
        data={"code_id": row.id, "to": signer.email, "expires_at": row.expires_at.isoformat()},
    )
    session.flush()
    return queued.id


def check_address(ctx: Context, origin: Origin) -> None:
    """TooManyAttempts when this address typed too many wrong codes lately (before any read)."""
    counts.check(ctx, AttemptKind.CODE, origin.ip)


def count_wrong(ctx: Context, origin: Origin) -> None:
    """Count a wrong code against its address (after the signature's transaction is over)."""
    counts.count_failure(ctx, AttemptKind.CODE, origin.ip)


@dataclass(frozen=True)
class Judgement:
    refusal: FieldIssue | None
    """Why the signature is refused; None when the code was good."""
    signed: dict[str, Any]
    """What the `signed` event records of the code."""
    wrong: bool = False
    """A wrong guess, counted against the address."""


def judge_code(
    ctx: Context,
    session: Session,
    signer: Signer,
    typed: str | None,
    *,
    origin: Origin,
    now: datetime,
) -> Judgement:
    """In the signature's transaction: the typed code judged against the signer's latest. A
    wrong code counts a try; a refusal is a `code_rejected` event (the caller commits it, then
    refuses the signature); a good code is used up and `code_accepted`."""
    document = signer.document
    stored = latest(session, signer.id)
    text = codes.typed_code(typed)
    digest = codes.code_digest(text, signer.id, ctx.settings.secret_key) if text else None
    verdict = codes.judge(stored, text, digest, now)
    data: dict[str, Any] = {"code_id": stored.id if stored else None, "verdict": verdict.value}
    if verdict is codes.CodeVerdict.ACCEPTED:
        assert stored is not None  # noqa: S101 — accepted means there is one
        _write_code_row(session, stored.id, used_at=now)
        trail.record(
            session,
            document,
            EventType.CODE_ACCEPTED,
            at=now,
            origin=origin,
            signer=signer,
            data=data,
        )
        signed = {"code_id": stored.id, "code_sent_at": stored.sent_at.isoformat()}
        return Judgement(None, signed)
    tries = stored.tries if stored else 0
    if verdict is codes.CodeVerdict.WRONG and stored is not None:
        tries += 1
        _write_code_row(session, stored.id, tries=tries)
        data["tries"] = tries
    if verdict is not codes.CodeVerdict.MISSING:
        trail.record(
            session,
            document,
            EventType.CODE_REJECTED,
            at=now,
            origin=origin,
            signer=signer,
            data=data,
        )
    issue = FieldIssue("code", codes.refusal(verdict, tries))
    return Judgement(issue, {}, wrong=verdict is codes.CodeVerdict.WRONG)


def _write_code_row(session: Session, code_id: int, **values: Any) -> None:
    session.execute(
        update(SigningCode)
        .where(SigningCode.id == code_id, SigningCode.used_at.is_(None))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
