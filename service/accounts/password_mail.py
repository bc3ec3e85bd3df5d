"""The mail that carries a password link: to choose the first password, or a new one."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from service.accounts import passwords
from service.accounts.models import School, User
from service.mail import compose, outbox
from service.mail.addresses import header_text
from service.settings import Settings

RESET_LINK_MAX_AGE = timedelta(hours=1)
"""A link to *replace* a password (the account has one) lives an hour; a link to choose the
first password (`cosigne user add`, an invitation) lives `passwords.PASSWORD_LINK_MAX_AGE`."""


RESET_SUBJECT = "Cosigne : choisir un nouveau mot de passe"


def password_message(user: User, school: School, url: str, *, first: bool) -> compose.Message:
    """The mail with a password link: `first` to choose one (a new account), else to replace a
    forgotten one."""
    school_name = header_text(school.name)
    values: dict[str, Any] = {
        "first": first,
        "user_name": header_text(user.full_name),
        "email": user.email,
        "url": url,
        "hours": int(RESET_LINK_MAX_AGE.total_seconds() // 3600),
        "days": passwords.PASSWORD_LINK_MAX_AGE.days,
        "school": {
            "name": school_name,
            "email": header_text(school.email or school.head_email),
            "phone": header_text(school.phone or ""),
        },
    }
    text, html = compose.render("password_link", values)
    subject = f"Votre compte Cosigne – {school_name}" if first else RESET_SUBJECT
    return compose.Message(to=user.email, subject=subject, text=text, html=html)


def send_password_link(
    tx: Session, user: User, settings: Settings, *, now: datetime, first: bool
) -> None:
    """Queue a password mail for `user` in the caller's transaction; earlier links die."""
    token = passwords.start_password_reset(user, passwords.password_link_signer(settings), now=now)
    url = passwords.password_link(settings, token)
    outbox.queue(tx, password_message(user, user.school, url, first=first), now=now)
