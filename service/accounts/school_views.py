"""The school's settings page (`/etablissement`): which signers type a one-time code before
signing. Heads and admins read it; only the head changes it (`StaffAction.SET_SIGNING_CHECKS`)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from service import context, db
from service.accounts import csrf, session
from service.accounts.choose_code_roles import choose_code_roles
from service.accounts.models import School
from service.errors import NotAllowed, answer
from signing import codes
from signing.errors import ValidationFailed
from signing.permissions import StaffAction, refusal
from signing.vocabulary import StaffRole

bp = Blueprint("school", __name__, url_prefix="/etablissement")
csrf.protect(bp)

READERS = (StaffRole.HEAD, StaffRole.ADMIN)

_ROLE_NAMES = {
    "guardian": "Les représentants légaux",
    "pupil": "L'élève",
    "host_representative": "Le représentant de l'organisme d'accueil",
    "host_tutor": "Le tuteur dans l'organisme d'accueil",
    "referent": "L'enseignant référent",
    "head": "Le chef d'établissement (quand il signe par son lien, sans être connecté)",
}


def _page(chosen: set[str], errors: dict[str, str], status: int = 200) -> ResponseReturnValue:
    user = session.current_user()
    assert user is not None  # noqa: S101 — login_required
    roles = [(role.value, _ROLE_NAMES[role.value]) for role in codes.CODE_ROLES_OFFERED]
    page = render_template(
        "staff/school.html",
        roles=roles,
        chosen=chosen,
        defaults={role.value for role in codes.DEFAULT_CODE_ROLES},
        errors=errors,
        may_change=refusal(user.role, StaffAction.SET_SIGNING_CHECKS) is None,
    )
    return page, status


@bp.get("")
@session.login_required(*READERS)
def index() -> ResponseReturnValue:
    user = session.current_user()
    assert user is not None  # noqa: S101
    school = db.session().get(School, user.school_id)
    assert school is not None  # noqa: S101 — a user's school exists
    return _page({role.value for role in codes.code_roles(school.code_roles)}, {})


@bp.post("")
@session.login_required(*READERS)
def save() -> ResponseReturnValue:
    user = session.current_user()
    assert user is not None  # noqa: S101
    values = request.form.getlist("code_roles")
    try:
        choose_code_roles(context.current(), user, values)
    except ValidationFailed as exc:
        return _page(set(values), {i.field: i.message for i in exc.errors}, 422)
    except NotAllowed as exc:
        abort(answer(exc).status)
    flash("Les vérifications demandées aux signataires sont enregistrées.", "success")
    return redirect(url_for("school.index")), 303
