"""A staff member's own account (`/compte`): who they are, and their kiosk PIN (issue 14 §1),
set, replaced or removed with their password."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from service import context
from service.accounts import csrf, session
from service.accounts.kiosk_pin import MAX_PIN_LENGTH, MIN_PIN_LENGTH
from service.accounts.log_in import ATTEMPT_WINDOW, MAX_FAILURES_PER_LOGIN
from service.accounts.models import User
from service.accounts.set_kiosk_pin import PinNotSet, remove_kiosk_pin, set_kiosk_pin

bp = Blueprint("account", __name__, url_prefix="/compte")
csrf.protect(bp)


@bp.get("")
@session.login_required()
def index() -> ResponseReturnValue:
    return _page({})


def _page(errors: dict[str, str], status: int = 200) -> ResponseReturnValue:
    page = render_template(
        "staff/account.html",
        errors=errors,
        min_pin=MIN_PIN_LENGTH,
        max_pin=MAX_PIN_LENGTH,
        max_failures=MAX_FAILURES_PER_LOGIN,
        window_minutes=int(ATTEMPT_WINDOW.total_seconds() // 60),
    )
    return page, status


@bp.post("/code-pin")
@session.login_required()
def set_pin() -> ResponseReturnValue:
    form = request.form
    try:
        set_kiosk_pin(
            context.current(),
            _user(),
            context.origin(),
            password=form.get("password", ""),
            pin=form.get("pin", "").strip(),
            confirmation=form.get("pin_confirmation", "").strip(),
        )
    except PinNotSet as exc:
        return _page(exc.errors, 422)
    flash("Votre code PIN est enregistré : il vous rend votre session après un kiosque.", "success")
    return redirect(url_for("account.index"), 303)


@bp.post("/code-pin/supprimer")
@session.login_required()
def remove_pin() -> ResponseReturnValue:
    try:
        remove_kiosk_pin(
            context.current(), _user(), context.origin(), password=request.form.get("password", "")
        )
    except PinNotSet as exc:
        return _page({"remove_password": exc.errors["password"]}, 422)
    flash("Votre code PIN est supprimé : seul votre mot de passe rend votre session.", "success")
    return redirect(url_for("account.index"), 303)


def _user() -> User:
    user = session.current_user()
    assert user is not None  # noqa: S101 — the views are behind login_required
    return user
