"""Logging in, with password guessing slowed down through the database, so every process sees
the same count: each attempt is written *before* the password is checked and removed when it
succeeds, so a burst of parallel attempts cannot slip past the limit."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from service.accounts import passwords
from service.accounts.models import LoginAttempt, User
from service.accounts.session import new_session_version
from service.context import Context, Origin
from service.errors import TooManyAttempts
from signing.errors import CosigneError

ATTEMPT_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_LOGIN = 5
"""Failed attempts on one address within `ATTEMPT_WINDOW` before that address must wait."""
MAX_FAILURES_PER_IP = 20
"""Failed attempts from one IP within the window. Higher than per address: a whole school
often goes out through one address, and one colleague's typos must not lock out the others."""
ATTEMPT_RETENTION = timedelta(days=1)

LOGIN_FAILED = "Adresse ou mot de passe incorrect."
TOO_MANY_ATTEMPTS = (
    "Trop de tentatives de connexion ont échoué. Pour protéger le compte, attendez "
    "15 minutes avant de réessayer, ou choisissez un nouveau mot de passe avec « Mot de passe "
    "oublié ? »."
)


class LoginFailed(CosigneError):
    """The address and password do not open an active account (the same words either way)."""

    def __init__(self) -> None:
        super().__init__(LOGIN_FAILED)


def _login_key(email: str) -> str:
    """What failures are counted against: the address as stored, or the raw text folded, so
    changing case or adding spaces does not start a new count."""
    return (passwords.normalize_login(email) or " ".join(email.split()).lower())[:254]


def reserve_attempt(ctx: Context, key: str, origin: Origin) -> int | None:
    """Count one attempt on `key` from `origin`, before anything is checked: its id, or None when
    `key` or the IP already failed too often within `ATTEMPT_WINDOW` (nothing counted then)."""
    ip, now = (origin.ip or "")[:45], ctx.now()
    since = now - ATTEMPT_WINDOW
    with ctx.db.transaction() as tx:
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
        throttled = (per_login or 0) >= MAX_FAILURES_PER_LOGIN
        throttled = throttled or (per_ip or 0) >= MAX_FAILURES_PER_IP
        attempt = None if throttled else LoginAttempt(login=key, ip=ip, at=now)
        if attempt is not None:
            tx.add(attempt)
    return None if attempt is None else attempt.id


def forget_attempts(tx: Session, attempt_id: int, key: str) -> None:
    """Success: this attempt and the earlier failures on `key` no longer count."""
    tx.execute(
        delete(LoginAttempt).where(or_(LoginAttempt.id == attempt_id, LoginAttempt.login == key))
    )


def log_in(ctx: Context, email: str, password: str, origin: Origin) -> User:
    """The user whom `email` and `password` open; LoginFailed, or TooManyAttempts before the
    password is even checked."""
    key = _login_key(email)
    attempt_id = reserve_attempt(ctx, key, origin)
    if attempt_id is None:  # raised once the old attempts' purge is committed
        raise TooManyAttempts(TOO_MANY_ATTEMPTS)
    with ctx.db.transaction() as tx:
        user = passwords.authenticate(tx, email, password)
        if user is None:
            raise LoginFailed
        forget_attempts(tx, attempt_id, key)
        if user.session_version is None:
            user.session_version = new_session_version()
    return user
