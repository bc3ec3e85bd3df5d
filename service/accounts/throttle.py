"""Slowing down password guessing, through the database so every process sees the same count.

Each login attempt is written *before* the password is checked and removed when it succeeds, so
a burst of parallel attempts cannot slip past the limit. Password-reset mails are counted in the
outbox, so the form cannot serve to flood someone's mailbox.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import (
    request,
)
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from service import db
from service.accounts import passwords
from service.accounts.models import LoginAttempt, User
from service.accounts.password_mail import RESET_SUBJECT
from service.accounts.session import app_now, new_session_version
from service.mail.models import OutboxMessage

ATTEMPT_WINDOW = timedelta(minutes=15)


MAX_FAILURES_PER_LOGIN = 5
"""Failed attempts on one address within `ATTEMPT_WINDOW` before that address must wait."""


MAX_FAILURES_PER_IP = 20
"""Failed attempts from one IP within the window. Higher than per address: a whole school
often goes out through one address, and one colleague's typos must not lock out the others."""


ATTEMPT_RETENTION = timedelta(days=1)


MAX_RESET_MAILS = 3
"""Reset mails to one address within `ATTEMPT_WINDOW`; further requests get the same answer
and send nothing."""


LOGIN_FAILED = "Adresse ou mot de passe incorrect."


TOO_MANY_ATTEMPTS = (
    "Trop de tentatives de connexion ont échoué. Pour protéger le compte, attendez "
    "15 minutes avant de réessayer, ou choisissez un nouveau mot de passe avec « Mot de passe "
    "oublié ? »."
)


def _login_key(email: str) -> str:
    """What failures are counted against: the address as stored, or the raw text folded, so
    changing case or adding spaces does not start a new count."""
    return (passwords.normalize_login(email) or " ".join(email.split()).lower())[:254]


def attempt_login(email: str, password: str) -> tuple[str, User | None]:
    key, ip, now = _login_key(email), (request.remote_addr or "")[:45], app_now()
    since = now - ATTEMPT_WINDOW
    with db.transaction() as tx:
        tx.execute(delete(LoginAttempt).where(LoginAttempt.at < now - ATTEMPT_RETENTION))
        per_login = tx.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.login == key, LoginAttempt.at >= since)
        )
        per_ip = tx.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.ip == ip, LoginAttempt.at >= since)
        )
        if (per_login or 0) >= MAX_FAILURES_PER_LOGIN or (per_ip or 0) >= MAX_FAILURES_PER_IP:
            return TOO_MANY_ATTEMPTS, None
        attempt = LoginAttempt(login=key, ip=ip, at=now)
        tx.add(attempt)
    with db.transaction() as tx:
        user = passwords.authenticate(tx, email, password)
        if user is None:
            return LOGIN_FAILED, None
        # Success: this attempt and the address's earlier failures no longer count.
        tx.execute(
            delete(LoginAttempt).where(
                or_(LoginAttempt.id == attempt.id, LoginAttempt.login == key)
            )
        )
        if user.session_version is None:
            user.session_version = new_session_version()
    return "", user


def too_many_reset_mails(tx: Session, user: User, now: datetime) -> bool:
    """True when the address already got `MAX_RESET_MAILS` reset mails within the window: the
    form must not serve to flood someone's mailbox. Counted in the outbox, shared by every
    process."""
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
