"""Reminding a signer who has not answered: by the staff, or by the worker when it is time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from service.accounts.models import User
from service.accounts.permissions import require
from service.context import Context
from service.documents import trail
from service.documents.models import Document
from service.documents.store import get_document, lock_document
from service.errors import NotFound
from service.signers.invite import invite
from service.signers.models import Signer
from signing.errors import TransitionRefused
from signing.permissions import StaffAction
from signing.vocabulary import EventType
from signing.workflow import ANSWERING_SIGNERS, REMINDS_IN, decide_remind


def remind_signer(
    ctx: Context,
    user: User | None,
    document_id: int,
    signer_id: int,
    *,
    school_id: int | None = None,
    rotate: bool = False,
    due_before: datetime | None = None,
) -> Signer | None:
    """Send the signer a reminder. With `rotate` (resend a link), the previous link dies.

    `due_before` (automatic reminders): remind only if the last message is older, checked under
    the lock, so two workers never send the same reminder twice (None is returned then).
    """
    if user is not None:
        require(user, StaffAction.REMIND)
    now = ctx.now()
    with ctx.db.transaction() as session:
        scope = user.school_id if user else school_id
        assert scope is not None  # noqa: S101
        document = lock_document(session, get_document(session, scope, document_id).id)
        signer = next((s for s in document.signers if s.id == signer_id), None)
        if signer is None:
            raise NotFound(f"signataire {signer_id} introuvable")
        decide_remind(document.state, signer.state, signer.signs_by)
        last_message = signer.last_reminded_at or signer.invited_at
        if due_before is not None and last_message is not None and last_message > due_before:
            return None
        invite(
            ctx,
            session,
            document=document,
            school=document.school,
            signer=signer,
            now=now,
            reminder=True,
            rotate=rotate,
        )
        signer.reminder_count += 1
        signer.last_reminded_at = now
        trail.record(
            session,
            document,
            EventType.REMINDED,
            at=now,
            signer=signer,
            data={"by": user.full_name if user else "rappel automatique"},
        )
    return signer


def remind_due(ctx: Context) -> int:
    """Remind signers who were invited or last reminded `remind_every_days` ago; not those who
    sign in person or on paper, whom the workflow mails no link (`decide_remind`)."""
    now = ctx.now()
    cutoff = now - timedelta(days=ctx.settings.remind_every_days)
    with ctx.db.new_session() as session:
        due = session.execute(
            select(Signer.id, Signer.document_id, Document.school_id)
            .join(Document)
            .where(
                Document.state.in_(REMINDS_IN),
                Signer.state.in_(ANSWERING_SIGNERS),
                func.coalesce(Signer.last_reminded_at, Signer.invited_at) <= cutoff,
            )
        ).all()
    sent = 0
    for signer_id, document_id, school_id in due:
        try:
            reminded = remind_signer(
                ctx, None, document_id, signer_id, school_id=school_id, due_before=cutoff
            )
        except TransitionRefused:
            continue  # the document or the signer moved on since the query, or signs unmailed
        sent += reminded is not None
    return sent
