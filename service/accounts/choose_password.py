"""Choosing a password through a one-time link (a new account's first, or a forgotten one's
replacement): the link is checked at every use, works once, and every session ends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from service.accounts import passwords
from service.accounts.models import User
from service.accounts.password_mail import RESET_LINK_MAX_AGE
from service.accounts.session import end_sessions
from service.context import Context
from signing.errors import FieldIssue, LinkExpired, LinkInvalid, ValidationFailed
from signing.links import LinkSigner


def password_link_user(ctx: Context, token: str, tx: Session | None = None) -> User:
    """The user a password link leads to; LinkInvalid, LinkExpired or LinkRevoked otherwise.
    A link that replaces a password lives `RESET_LINK_MAX_AGE`."""
    if len(token) > 512:
        raise LinkInvalid
    now = ctx.now()
    signer = passwords.password_link_signer(ctx.settings)
    if tx is None:
        with ctx.db.new_session() as session:
            user = _checked(session, signer, token, now)
            _ = user.school  # the page names it, once the session is closed
            return user
    return _checked(tx, signer, token, now)


def _checked(tx: Session, signer: LinkSigner, token: str, now: datetime) -> User:
    user = passwords.user_for_password_token(tx, signer, token, now=now)
    claims = signer.read(token, now=now)
    if user.password_hash is not None and now - claims.signed_at > RESET_LINK_MAX_AGE:
        raise LinkExpired(
            signed_at=claims.signed_at, expired_at=claims.signed_at + RESET_LINK_MAX_AGE
        )
    return user


def choose_password(ctx: Context, token: str, password: str, confirmation: str) -> None:
    """Set the password of the link's user; ValidationFailed (``password``,
    ``password_confirmation``) when it will not do, a LinkError when the link is dead (used in
    another tab meanwhile)."""
    try:
        passwords.check_new_password(password)
    except passwords.BadPassword as exc:
        message = str(exc)[:1].upper() + str(exc)[1:] + "."
        raise ValidationFailed([FieldIssue("password", message)]) from exc
    if password != confirmation:
        message = "Les deux mots de passe ne sont pas identiques."
        raise ValidationFailed([FieldIssue("password_confirmation", message)])
    with ctx.db.transaction() as tx:
        row = password_link_user(ctx, token, tx)
        passwords.set_password(row, password)  # the link dies with the old nonce
        end_sessions(row)
