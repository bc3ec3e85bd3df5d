"""Who is logged in: what every staff page uses to know it, and how a session is checked.

- ``@login_required()`` or ``@login_required(StaffRole.HEAD, StaffRole.ADMIN)`` on a view:
  someone not logged in is sent to ``/connexion?next=<the page>``; someone logged in without one
  of the roles gets the French 403 page.
- `current_user()`: the logged-in `User` (active, loaded once per request), or None. Every query
  of a staff page is scoped with ``current_user().school_id``.
- Templates extend ``staff/layout.html`` (blocks ``title`` and ``staff_content``); they also see
  ``current_user`` as a template global.

How a session is checked: Flask's session cookie (signed, HttpOnly, SameSite=Lax, Secure behind
HTTPS, 8 hours) holds the user's id and their ``session_version``, a random value kept on the
user's row. Logging out, setting a password and deactivating the account replace it, so every
cookie issued before (on any device, in any process) stops working at once. Nothing is kept in
memory between requests.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import (
    Flask,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import Forbidden

from service import db
from service.accounts.models import User
from signing.vocabulary import StaffRole

SESSION_LIFETIME = timedelta(hours=8)
"""A working day: a shared office computer does not stay logged in overnight."""


DEFAULT_NEXT = "/tableau-de-bord"


_SESSION_USER = "user_id"


_SESSION_VERSION = "session_version"


_G_USER = "_cosigne_user"


KIOSK = "kiosk"
"""The session's kiosk mode (`service.kiosk`): while set, every staff page sends to the lock
page, until the staff member types their password again."""


F = TypeVar("F", bound=Callable[..., ResponseReturnValue])


def init_app(app: Flask) -> None:
    """Session lifetime, and `current_user` in every template."""
    app.config["PERMANENT_SESSION_LIFETIME"] = SESSION_LIFETIME
    app.add_template_global(current_user, "current_user")
    app.add_template_global(role_label, "staff_role_label")


def current_user() -> User | None:
    """The logged-in user of this request, or None. A session whose user is gone, deactivated,
    or logged out elsewhere (another `session_version`) is emptied on the spot."""
    if _G_USER in g:
        return cast(User | None, g.get(_G_USER))
    user = _user_of_session()
    setattr(g, _G_USER, user)
    return user


def _user_of_session() -> User | None:
    user_id, version = session.get(_SESSION_USER), session.get(_SESSION_VERSION)
    if user_id is None:
        return None
    user = db.session().get(User, user_id) if isinstance(user_id, int) else None
    if (
        user is None
        or not user.active
        or not isinstance(version, str)
        or user.session_version is None
        or not hmac.compare_digest(version, user.session_version)
    ):
        session.clear()
        return None
    return user


def login_required(*roles: StaffRole) -> Callable[[F], F]:
    """Only logged-in staff (of one of `roles`, when given) reach the view."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=_request_path()))
            if session.get(KIOSK):
                return redirect(url_for("kiosk.lock"))
            if roles and user.role not in roles:
                raise Forbidden
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


def role_label(role: str) -> str:
    """The French name of a staff role, as shown on the pages."""
    try:
        return StaffRole(role).label
    except ValueError:
        return role


def start_session(user: User) -> None:
    """`user` is logged in: a new session, so nothing from before survives, not even CSRF."""
    session.clear()
    session.permanent = True
    session[_SESSION_USER] = user.id
    session[_SESSION_VERSION] = user.session_version


def new_session_version() -> str:
    return secrets.token_urlsafe(24)


def end_sessions(user: User) -> None:
    """Every session of `user` ends (the caller's transaction saves the row)."""
    user.session_version = new_session_version()


def safe_next(raw: str | None) -> str:
    """`raw` when it is a path of this site (``/…``), else the dashboard: a login page must not
    send anyone to another site."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return DEFAULT_NEXT
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in raw):
        return DEFAULT_NEXT
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return DEFAULT_NEXT
    return raw


def _request_path() -> str:
    query = request.query_string.decode("utf-8", "replace")
    return f"{request.path}?{query}" if query else request.path
