"""The staff of a school (`/utilisateurs`): list, invite, deactivate and reactivate.

Heads and admins reach it. A head manages every role; an admin manages referents and admins but
not heads, so an admin cannot give themselves, or anyone, the right to sign for the school.
Every query is scoped to the manager's school: another school's user is a 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from service import context, db
from service.accounts import csrf, session
from service.accounts.deactivate_user import deactivate_user
from service.accounts.invite_user import invite_user
from service.accounts.manage_users import manageable_roles, staff_of
from service.accounts.models import User
from service.accounts.reactivate_user import reactivate_user
from service.errors import NotAllowed, NotFound, answer
from signing.errors import TransitionRefused, ValidationFailed
from signing.vocabulary import StaffRole

bp = Blueprint("users", __name__, url_prefix="/utilisateurs")
csrf.protect(bp)

MANAGERS = (StaffRole.HEAD, StaffRole.ADMIN)


@bp.get("")
@session.login_required(*MANAGERS)
def index() -> ResponseReturnValue:
    return _page({}, {})


def _page(form: dict[str, str], errors: dict[str, str], status: int = 200) -> ResponseReturnValue:
    manager = _manager()
    return (
        render_template(
            "users/index.html",
            staff=staff_of(db.session(), manager.school_id),
            roles=manageable_roles(manager),
            form=form,
            errors=errors,
        ),
        status,
    )


@bp.post("")
@session.login_required(*MANAGERS)
def invite() -> ResponseReturnValue:
    form = {
        name: " ".join(request.form.get(name, "").split())
        for name in ("email", "first_name", "last_name", "role")
    }
    try:
        user = invite_user(context.current(), _manager(), form)
    except ValidationFailed as exc:
        return _page(form, {issue.field: issue.message for issue in exc.errors}, 422)
    flash(
        f"Le compte de {user.full_name} est créé. Un courriel lui a été envoyé à {user.email} "
        "pour choisir son mot de passe.",
        "success",
    )
    return redirect(url_for("users.index"))


@bp.post("/<int(min=1, max=2147483647):user_id>/desactiver")
@session.login_required(*MANAGERS)
def deactivate(user_id: int) -> ResponseReturnValue:
    try:
        user = deactivate_user(context.current(), _manager(), user_id)
    except TransitionRefused as exc:
        flash(str(exc), "error")
        return redirect(url_for("users.index"))
    except (NotFound, NotAllowed) as exc:
        abort(answer(exc).status)
    flash(
        f"Le compte de {user.full_name} est désactivé : cette personne ne peut plus se connecter.",
        "success",
    )
    return redirect(url_for("users.index"))


@bp.post("/<int(min=1, max=2147483647):user_id>/reactiver")
@session.login_required(*MANAGERS)
def reactivate(user_id: int) -> ResponseReturnValue:
    try:
        user = reactivate_user(context.current(), _manager(), user_id)
    except (NotFound, NotAllowed) as exc:
        abort(answer(exc).status)
    flash(f"Le compte de {user.full_name} est réactivé.", "success")
    return redirect(url_for("users.index"))


def _manager() -> User:
    user = session.current_user()
    assert user is not None  # noqa: S101 — the views are behind login_required
    return user
