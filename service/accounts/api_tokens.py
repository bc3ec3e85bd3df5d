"""Bearer tokens of the JSON API: random, stored as their SHA-256 only, so the database never
holds anything that opens the API; `prefix` names a token in lists."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.accounts.models import ApiToken, User
from service.orm import utcnow

TOKEN_PREFIX_LENGTH = 8


@dataclass(frozen=True)
class NewApiToken:
    """A token just made: `secret` is shown once and never stored; `row` holds its hash."""

    row: ApiToken
    secret: str


def hash_api_token(secret: str) -> str:
    """The SHA-256 (hex) under which a token is stored and looked up."""
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(session: Session, user: User, *, now: datetime | None = None) -> NewApiToken:
    """A new API token for `user`, added to `session` (the caller's transaction commits it)."""
    secret = secrets.token_urlsafe(32)
    row = ApiToken(
        user=user,
        token_hash=hash_api_token(secret),
        prefix=secret[:TOKEN_PREFIX_LENGTH],
        created_at=now or utcnow(),
    )
    session.add(row)
    return NewApiToken(row=row, secret=secret)


def find_api_token(session: Session, secret: str) -> ApiToken | None:
    """The live token of that secret, its user active; None otherwise. Recording `last_used_at`
    is the caller's choice (it is a write)."""
    if not secret or len(secret) > 256:
        return None
    token = session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == hash_api_token(secret), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None or not token.user.active:
        return None
    return token


def revoke_api_token(token: ApiToken, *, now: datetime | None = None) -> None:
    """The token stops working now; its row stays for the record."""
    if token.revoked_at is None:
        token.revoked_at = now or utcnow()
