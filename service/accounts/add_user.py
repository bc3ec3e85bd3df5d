"""Adding a member of a school's staff: from `cosigne user add` (the password given, or a link
printed), the staff page (a link mailed), or the demo. The address is the login: unique,
case aside."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.accounts import passwords
from service.accounts.models import User
from service.accounts.password_mail import send_password_link
from service.context import Context
from service.errors import AlreadyExists
from signing.vocabulary import StaffRole


@dataclass(frozen=True)
class NewUser:
    user: User
    password_link: str | None
    """The one-time link to choose the password, when it was neither given nor mailed."""


def add_user(
    ctx: Context,
    *,
    school_id: int,
    login: str,
    first_name: str,
    last_name: str,
    role: StaffRole,
    password: str | None = None,
    mail_link: bool = False,
) -> NewUser:
    """Add an active account; AlreadyExists when the address has one (checked, and again by the
    unique constraint, so two at once never make two). Without `password`, a one-time link to
    choose it is mailed (`mail_link`) or returned."""
    duplicate = f"un compte existe déjà pour l'adresse {login}"
    now = ctx.now()
    try:
        with ctx.db.transaction() as tx:
            if tx.scalar(select(User.id).where(User.email == login)) is not None:
                raise AlreadyExists(duplicate)
            user = User(
                school_id=school_id,
                email=login,
                first_name=first_name,
                last_name=last_name,
                role=role,
                active=True,
                created_at=now,
            )
            if password is not None:
                passwords.set_password(user, password)
            tx.add(user)
            tx.flush()  # an address taken meanwhile fails here, on the unique constraint
            tx.refresh(user)  # loads its school, for the mail and the caller
            link = None
            if password is None and mail_link:
                send_password_link(tx, user, ctx.settings, now=now, first=True)
            elif password is None:
                signer = passwords.password_link_signer(ctx.settings)
                token = passwords.start_password_reset(user, signer, now=now)
                link = passwords.password_link(ctx.settings, token)
    except IntegrityError as exc:
        raise AlreadyExists(duplicate) from exc
    return NewUser(user, link)
