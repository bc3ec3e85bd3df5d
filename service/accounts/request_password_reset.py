"""« Mot de passe oublié ? »: a link to choose a new password, mailed to an active account's
address. The page says the same whether the address is known or not, and reset mails are
counted in the outbox, so the form cannot serve to flood someone's mailbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.accounts import passwords
from service.accounts.log_in import ATTEMPT_WINDOW
from service.accounts.models import User
from service.accounts.password_mail import RESET_SUBJECT, send_password_link
from service.context import Context
from service.mail.models import OutboxMessage

MAX_RESET_MAILS = 3
"""Reset mails to one address within `ATTEMPT_WINDOW`; further requests get the same answer
and send nothing."""


def request_password_reset(ctx: Context, email: str) -> None:
    now = ctx.now()
    with ctx.db.transaction() as tx:
        user = passwords.find_user(tx, email)
        if user is not None and user.active and not _too_many_reset_mails(tx, user, now):
            send_password_link(tx, user, ctx.settings, now=now, first=False)


def _too_many_reset_mails(tx: Session, user: User, now: datetime) -> bool:
    """True when the address already got `MAX_RESET_MAILS` reset mails within the window,
    counted in the outbox, shared by every process."""
    sent = tx.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(
            OutboxMessage.to_address == user.email,
            OutboxMessage.subject == RESET_SUBJECT,
            OutboxMessage.created_at >= now - ATTEMPT_WINDOW,
        )
    )
    return (sent or 0) >= MAX_RESET_MAILS
