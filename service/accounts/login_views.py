"""The account pages: log in, log out, forgotten password, choose a password."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from service import context
from service.accounts import csrf
from service.accounts.choose_password import choose_password, password_link_user
from service.accounts.log_in import LoginFailed, log_in
from service.accounts.log_out import log_out
from service.accounts.request_password_reset import request_password_reset
from service.accounts.session import current_user, safe_next, start_session
from service.errors import TooManyAttempts, answer
from service.security import PAGE_CSP
from signing.errors import LinkError, LinkExpired, LinkInvalid, ValidationFailed

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
    try:
        user = log_in(context.current(), email, password, context.origin())
    except (LoginFailed, TooManyAttempts) as exc:
        status = answer(exc).status if isinstance(exc, TooManyAttempts) else 200
        page = render_template("auth/login.html", next=next_path, email=email, error=str(exc))
        return page, status
    start_session(user)
    return redirect(next_path)


@bp.post("/deconnexion")
def logout() -> ResponseReturnValue:
    user = current_user()
    if user is not None:
        log_out(context.current(), user.id)
    session.clear()
    flash("Vous êtes déconnecté.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/compte/mot-de-passe-oublie", methods=["GET", "POST"])
def forgot_password() -> ResponseReturnValue:
    if request.method == "GET":
        return render_template("auth/forgot.html", email="", sent=False)
    email = request.form.get("email", "")[:254]
    request_password_reset(context.current(), email)
    # The same answer whether the address is known or not: the page reveals no account.
    return render_template("auth/forgot.html", email=email, sent=True)


@bp.route("/compte/mot-de-passe/<token>", methods=["GET", "POST"])
def set_password(token: str) -> ResponseReturnValue:
    ctx = context.current()
    try:
        user = password_link_user(ctx, token)
    except LinkError as exc:
        return _dead_link(exc)
    first = user.password_hash is None
    if request.method == "GET":
        return render_template("auth/set_password.html", user=user, first=first, errors={})
    password = request.form.get("password", "")
    confirmation = request.form.get("password_confirmation", "")
    try:
        choose_password(ctx, token, password, confirmation)
    except ValidationFailed as exc:
        errors = {issue.field: issue.message for issue in exc.errors}
        page = render_template("auth/set_password.html", user=user, first=first, errors=errors)
        return page, answer(exc).status
    except LinkError as exc:  # used in another tab meanwhile
        return _dead_link(exc)
    session.clear()
    flash("Votre mot de passe est enregistré. Vous pouvez maintenant vous connecter.", "success")
    return redirect(url_for("auth.login"))


def _dead_link(exc: LinkError) -> ResponseReturnValue:
    reason = (
        "expired"
        if isinstance(exc, LinkExpired)
        else "invalid"
        if isinstance(exc, LinkInvalid)
        else "used"
    )
    return render_template("auth/dead_link.html", reason=reason), answer(exc).status
