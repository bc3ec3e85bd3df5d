"""Staff login: the pages of an account, and what every staff page uses to know who is there.

For the staff pages (the interface other blueprints use):

- ``@login_required()`` or ``@login_required("head", "admin")`` on a view: someone not logged in
  is sent to ``/connexion?next=<the page>``; someone logged in without one of the roles gets the
  French 403 page.
- `current_user()`: the logged-in `User` (active, loaded once per request), or None. Every query
  of a staff page is scoped with ``current_user().school_id``.
- Templates extend ``staff/layout.html`` (blocks ``title`` and ``staff_content``); they also see
  ``current_user`` as a template global.

How a session is checked: Flask's session cookie (signed, HttpOnly, SameSite=Lax, Secure behind
HTTPS, 8 hours) holds the user's id and their ``session_version``, a random value kept on the
user's row. Logging out, setting a password and deactivating the account replace it, so every
cookie issued before (on any device, in any process) stops working at once. Nothing is kept in
memory between requests.

Login attempts are limited through the database (`LoginAttempt`): each attempt is written
*before* the password is checked and removed when it succeeds, so several processes see the same
count and a burst of parallel attempts cannot slip past it.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden

from service import accounts, csrf, db, mail
from service.clock import now_utc
from service.models import LoginAttempt, OutboxMessage, School, User
from service.security import PAGE_CSP
from service.settings import Settings
from signing.errors import LinkError, LinkExpired, LinkInvalid
from signing.links import LinkSigner

bp = Blueprint("auth", __name__)
csrf.protect(bp)

SESSION_LIFETIME = timedelta(hours=8)
"""A working day: a shared office computer does not stay logged in overnight."""
ATTEMPT_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_LOGIN = 5
"""Failed attempts on one address within `ATTEMPT_WINDOW` before that address must wait."""
MAX_FAILURES_PER_IP = 20
"""Failed attempts from one IP within the window. Higher than per address: a whole school
often goes out through one address, and one colleague's typos must not lock out the others."""
ATTEMPT_RETENTION = timedelta(days=1)
RESET_LINK_MAX_AGE = timedelta(hours=1)
"""A link to *replace* a password (the account has one) lives an hour; a link to choose the
first password (`cosigne user add`, an invitation) lives `accounts.PASSWORD_LINK_MAX_AGE`."""
MAX_RESET_MAILS = 3
"""Reset mails to one address within `ATTEMPT_WINDOW`; further requests get the same answer
and send nothing."""
RESET_SUBJECT = "Cosigne : choisir un nouveau mot de passe"
DEFAULT_NEXT = "/tableau-de-bord"

_SESSION_USER = "user_id"
_SESSION_VERSION = "session_version"
_G_USER = "_cosigne_user"

LOGIN_FAILED = "Adresse ou mot de passe incorrect."
TOO_MANY_ATTEMPTS = (
    "Trop de tentatives de connexion ont échoué. Pour protéger le compte, attendez "
    "15 minutes avant de réessayer, ou choisissez un nouveau mot de passe avec « Mot de passe "
    "oublié ? »."
)

F = TypeVar("F", bound=Callable[..., ResponseReturnValue])


def init_app(app: Flask) -> None:
    """Session lifetime, the account pages, and `current_user` in every template."""
    app.config["PERMANENT_SESSION_LIFETIME"] = SESSION_LIFETIME
    app.add_template_global(current_user, "current_user")
    app.add_template_global(role_label, "staff_role_label")
    app.register_blueprint(bp)


# ---------------------------------------------------------------------------------------------
# The interface of the staff pages


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


def login_required(*roles: str) -> Callable[[F], F]:
    """Only logged-in staff (of one of `roles`, when given) reach the view."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> ResponseReturnValue:
            user = current_user()
            if user is None:
                return redirect(url_for("auth.login", next=_request_path()))
            if roles and user.role not in roles:
                raise Forbidden
            return view(*args, **kwargs)

        return cast(F, wrapped)

    return decorator


ROLE_LABELS = {
    "head": "Chef d’établissement",
    "referent": "Référent",
    "admin": "Administrateur",
}


def role_label(role: str) -> str:
    """The French name of a staff role, as shown on the pages."""
    return ROLE_LABELS.get(role, role)


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


def app_now() -> datetime:
    """The app's time (tests set ``COSIGNE_CLOCK``)."""
    clock = current_app.config.get("COSIGNE_CLOCK") or now_utc
    return cast(datetime, clock())


# ---------------------------------------------------------------------------------------------
# Pages


@bp.after_request
def no_store(response: Response) -> Response:
    """Account pages carry tokens and forms: never cached, never sent as a referrer."""
    headers = response.headers
    headers["Cache-Control"] = "no-store"
    headers["Referrer-Policy"] = "no-referrer"
    headers.setdefault("Content-Security-Policy", PAGE_CSP)
    return response


@bp.route("/connexion", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    next_path = safe_next(request.values.get("next"))
    if request.method == "GET":
        if current_user() is not None:
            return redirect(next_path)
        return render_template("auth/login.html", next=next_path, email="", error=None)

    email = request.form.get("email", "")[:254]
    password = request.form.get("password", "")
    error, user = _attempt_login(email, password)
    if user is None:
        return (
            render_template("auth/login.html", next=next_path, email=email, error=error),
            429 if error == TOO_MANY_ATTEMPTS else 200,
        )
    session.clear()  # a new session: nothing from before the login survives, not even CSRF
    session.permanent = True
    session[_SESSION_USER] = user.id
    session[_SESSION_VERSION] = user.session_version
    return redirect(next_path)


def _login_key(email: str) -> str:
    """What failures are counted against: the address as stored, or the raw text folded, so
    changing case or adding spaces does not start a new count."""
    return (accounts.normalize_login(email) or " ".join(email.split()).lower())[:254]


def _attempt_login(email: str, password: str) -> tuple[str, User | None]:
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
        user = accounts.authenticate(tx, email, password)
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


@bp.post("/deconnexion")
def logout() -> ResponseReturnValue:
    user = current_user()
    if user is not None:
        with db.transaction() as tx:
            row = tx.get(User, user.id)
            if row is not None:
                end_sessions(row)
    session.clear()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/compte/mot-de-passe-oublie", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("auth/forgot.html", email="", sent=False)
    email = request.form.get("email", "")[:254]
    settings = current_app.config["COSIGNE"]
    now = app_now()
    with db.transaction() as tx:
        user = accounts.find_user(tx, email)
        if user is not None and user.active and not _too_many_reset_mails(tx, user, now):
            send_password_link(tx, user, settings, now=now, first=False)
    # The same answer whether the address is known or not: the page reveals no account.
    return render_template("auth/forgot.html", email=email, sent=True)


def _too_many_reset_mails(tx: Session, user: User, now: datetime) -> bool:
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


@bp.route("/compte/mot-de-passe/<token>", methods=["GET", "POST"])
def set_password(token: str) -> ResponseReturnValue:
    signer = accounts.password_link_signer(current_app.config["COSIGNE"])
    now = app_now()
    try:
        user = _user_for_token(signer, token, now)
    except LinkError as exc:
        return _dead_link(exc)
    first = user.password_hash is None
    if request.method == "GET":
        return render_template("auth/set_password.html", user=user, first=first, errors={})

    password = request.form.get("password", "")
    confirmation = request.form.get("password_confirmation", "")
    errors: dict[str, str] = {}
    try:
        accounts.check_new_password(password)
    except accounts.BadPassword as exc:
        errors["password"] = str(exc)[:1].upper() + str(exc)[1:] + "."
    if not errors and password != confirmation:
        errors["password_confirmation"] = "Les deux mots de passe ne sont pas identiques."  # noqa: S105 — a message
    if errors:
        return render_template("auth/set_password.html", user=user, first=first, errors=errors), 422
    with db.transaction() as tx:
        try:
            row = _user_for_token(signer, token, now, tx)
        except LinkError as exc:  # used in another tab meanwhile
            return _dead_link(exc)
        accounts.set_password(row, password)  # the link dies with the old nonce
        end_sessions(row)
    session.clear()
    flash("Votre mot de passe est enregistré. Vous pouvez maintenant vous connecter.", "success")
    return redirect(url_for("auth.login"))


def _user_for_token(
    signer: LinkSigner, token: str, now: datetime, tx: Session | None = None
) -> User:
    if len(token) > 512:
        raise LinkInvalid
    user = accounts.user_for_password_token(tx or db.session(), signer, token, now=now)
    claims = signer.read(token, now=now)
    if user.password_hash is not None and now - claims.signed_at > RESET_LINK_MAX_AGE:
        raise LinkExpired(
            signed_at=claims.signed_at, expired_at=claims.signed_at + RESET_LINK_MAX_AGE
        )
    return user


def _dead_link(exc: LinkError) -> ResponseReturnValue:
    reason = (
        "expired"
        if isinstance(exc, LinkExpired)
        else "invalid"
        if isinstance(exc, LinkInvalid)
        else "used"
    )
    return render_template(
        "auth/dead_link.html", reason=reason
    ), 410 if reason != "invalid" else 404


# ---------------------------------------------------------------------------------------------
# The password mail


_mail_templates = Environment(
    loader=PackageLoader("service", "templates/mail"),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def password_message(user: User, school: School, url: str, *, first: bool) -> mail.Message:
    """The mail with a password link: `first` to choose one (a new account), else to replace a
    forgotten one."""
    school_name = mail.header_text(school.name)
    values: dict[str, Any] = {
        "first": first,
        "user_name": mail.header_text(user.full_name),
        "email": user.email,
        "url": url,
        "hours": int(RESET_LINK_MAX_AGE.total_seconds() // 3600),
        "days": accounts.PASSWORD_LINK_MAX_AGE.days,
        "school": {
            "name": school_name,
            "email": mail.header_text(school.email or school.head_email),
            "phone": mail.header_text(school.phone or ""),
        },
    }
    text = _mail_templates.get_template("password_link.txt").render(values)
    html = _mail_templates.get_template("password_link.html").render(values)
    subject = f"Votre compte Cosigne – {school_name}" if first else RESET_SUBJECT
    return mail.Message(to=user.email, subject=subject, text=text, html=html)


def send_password_link(
    tx: Session, user: User, settings: Settings, *, now: datetime, first: bool
) -> None:
    """Queue a password mail for `user` in the caller's transaction; earlier links die."""
    token = accounts.start_password_reset(user, accounts.password_link_signer(settings), now=now)
    url = accounts.password_link(settings, token)
    mail.queue(tx, password_message(user, user.school, url, first=first), now=now)
