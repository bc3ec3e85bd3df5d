"""Staff accounts: login addresses, passwords and one-time password links.

Passwords are hashed with scrypt (werkzeug). Password links are signed tokens (`signing.links`,
purpose PASSWORD_RESET) whose nonce lives on the user's row, so each works once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from service.accounts.models import User
from service.settings import Settings
from signing.data.identifiers import normalize_email
from signing.errors import CosigneError, LinkRevoked
from signing.links import LinkPurpose, LinkSigner, check_nonce, new_nonce

MIN_PASSWORD_LENGTH = 12


MAX_PASSWORD_LENGTH = 1024
"""Longer inputs are refused before hashing: scrypt over megabytes is a denial of service."""


PASSWORD_LINK_MAX_AGE = timedelta(days=7)


PASSWORD_LINK_PATH = "/compte/mot-de-passe/"  # noqa: S105 — a URL path, not a secret


_DUMMY_HASH = generate_password_hash("cosigne: no such account", method="scrypt")
"""Checked against when the address is unknown, so a login takes as long either way."""


class BadPassword(CosigneError):
    """A new password breaks the length rule; the message says which."""


def normalize_login(raw: str) -> str | None:
    """The address as stored on a user row: email-validator's form, all lowercase (addresses
    are unique case-insensitively). None when it is not an email address."""
    normalized = normalize_email(raw.strip())
    return normalized.lower() if normalized else None


def find_user(session: Session, email: str) -> User | None:
    """The user of that address, in any case; None for an unknown or malformed address."""
    login = normalize_login(email)
    if login is None:
        return None
    return session.scalar(select(User).where(User.email == login))


def check_new_password(password: str) -> None:
    """Raise `BadPassword` unless `password` is acceptable as a new password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadPassword(f"le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise BadPassword(f"le mot de passe ne doit pas dépasser {MAX_PASSWORD_LENGTH} caractères")


def hash_password(password: str) -> str:
    """The scrypt hash of an acceptable password (`check_new_password` first)."""
    check_new_password(password)
    return generate_password_hash(password, method="scrypt")


def set_password(user: User, password: str) -> None:
    """Give `user` this password; any pending password link dies."""
    user.password_hash = hash_password(password)
    user.password_reset_nonce = None


def check_password(user: User, password: str) -> bool:
    """True when `password` is the user's. False when they have none yet."""
    if user.password_hash is None or len(password) > MAX_PASSWORD_LENGTH:
        check_password_hash(_DUMMY_HASH, password[:MAX_PASSWORD_LENGTH])
        return False
    return check_password_hash(user.password_hash, password)


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with that address and password, or None, in about the same time whether
    the address exists or not."""
    user = find_user(session, email)
    if user is None or not user.active:
        check_password_hash(_DUMMY_HASH, password[:MAX_PASSWORD_LENGTH])
        return None
    return user if check_password(user, password) else None


def password_link_signer(settings: Settings) -> LinkSigner:
    """The signer of password links: every configured key verifies, the current one signs."""
    return LinkSigner(
        [*settings.secret_key_fallbacks, settings.secret_key],
        LinkPurpose.PASSWORD_RESET,
        PASSWORD_LINK_MAX_AGE,
    )


def start_password_reset(user: User, signer: LinkSigner, *, now: datetime) -> str:
    """A new one-time token for `user` to choose a password; earlier ones die."""
    user.password_reset_nonce = new_nonce()
    return signer.make(user.id, user.password_reset_nonce, now=now)


def password_link(settings: Settings, token: str) -> str:
    """The address of the page where a token is used."""
    return f"{settings.base_url}{PASSWORD_LINK_PATH}{token}"


def user_for_password_token(
    session: Session, signer: LinkSigner, token: str, *, now: datetime
) -> User:
    """The user a password token was made for, if it is still theirs to use.

    Raises `LinkInvalid`, `LinkExpired` or `LinkRevoked` (used, replaced, or account disabled).
    """
    claims = signer.read(token, now=now)
    user = session.get(User, claims.subject_id)
    if user is None or not user.active:
        raise LinkRevoked
    check_nonce(claims, user.password_reset_nonce)
    return user
