"""The account pages: log in, log out, forgotten password, choose a password."""

from __future__ import annotations

from datetime import datetime

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy.orm import Session

from service import db
from service.accounts import csrf, passwords
from service.accounts.models import User
from service.accounts.password_mail import RESET_LINK_MAX_AGE, send_password_link
from service.accounts.session import app_now, current_user, end_sessions, safe_next, start_session
from service.accounts.throttle import TOO_MANY_ATTEMPTS, attempt_login, too_many_reset_mails
from service.security import PAGE_CSP
from signing.errors import LinkError, LinkExpired, LinkInvalid
from signing.links import LinkSigner

bp = Blueprint("auth", __name__)
csrf.protect(bp)


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
    error, user = attempt_login(email, password)
    if user is None:
        return (
            render_template("auth/login.html", next=next_path, email=email, error=error),
            429 if error == TOO_MANY_ATTEMPTS else 200,
        )
    start_session(user)
    return redirect(next_path)


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
        user = passwords.find_user(tx, email)
        if user is not None and user.active and not too_many_reset_mails(tx, user, now):
            send_password_link(tx, user, settings, now=now, first=False)
    # The same answer whether the address is known or not: the page reveals no account.
    return render_template("auth/forgot.html", email=email, sent=True)


@bp.route("/compte/mot-de-passe/<token>", methods=["GET", "POST"])
def set_password(token: str) -> ResponseReturnValue:
    signer = passwords.password_link_signer(current_app.config["COSIGNE"])
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
        passwords.check_new_password(password)
    except passwords.BadPassword as exc:
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
        passwords.set_password(row, password)  # the link dies with the old nonce
        end_sessions(row)
    session.clear()
    flash("Votre mot de passe est enregistré. Vous pouvez maintenant vous connecter.", "success")
    return redirect(url_for("auth.login"))


def _user_for_token(
    signer: LinkSigner, token: str, now: datetime, tx: Session | None = None
) -> User:
    if len(token) > 512:
        raise LinkInvalid
    user = passwords.user_for_password_token(tx or db.session(), signer, token, now=now)
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
