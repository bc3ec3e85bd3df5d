"""The staff of a school (`/utilisateurs`): list, invite, deactivate and reactivate.

Heads and admins reach it. A head manages every role; an admin manages referents and admins but
not heads, so an admin cannot give themselves, or anyone, the right to sign for the school.
Every query is scoped to the manager's school: another school's user is a 404.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service import db
from service.accounts import csrf, passwords, session
from service.accounts.models import User
from service.accounts.password_mail import send_password_link
from signing.vocabulary import StaffRole

bp = Blueprint("users", __name__, url_prefix="/utilisateurs")
csrf.protect(bp)

MANAGERS = (StaffRole.HEAD, StaffRole.ADMIN)
NAME_MAX = 100


def manageable_roles(manager: User) -> tuple[StaffRole, ...]:
    """The roles `manager` may invite, deactivate and reactivate."""
    if manager.role == StaffRole.HEAD:
        return tuple(StaffRole)
    return (StaffRole.REFERENT, StaffRole.ADMIN)


@bp.get("")
@session.login_required(*MANAGERS)
def index() -> ResponseReturnValue:
    return _page({}, {})


def _page(form: dict[str, str], errors: dict[str, str], status: int = 200) -> ResponseReturnValue:
    manager = _manager()
    staff = db.session().scalars(
        select(User)
        .where(User.school_id == manager.school_id)
        .order_by(User.active.desc(), User.last_name, User.first_name, User.id)
    )
    return (
        render_template(
            "users/index.html",
            staff=list(staff),
            roles=manageable_roles(manager),
            form=form,
            errors=errors,
        ),
        status,
    )


@bp.post("")
@session.login_required(*MANAGERS)
def invite() -> ResponseReturnValue:
    manager = _manager()
    form = {
        name: " ".join(request.form.get(name, "").split())
        for name in ("email", "first_name", "last_name", "role")
    }
    errors: dict[str, str] = {}
    login = passwords.normalize_login(form["email"]) if form["email"] else None
    if not form["email"]:
        errors["email"] = "Indiquez l’adresse électronique."
    elif login is None:
        errors["email"] = "Cette adresse électronique n’est pas valide (exemple : nom@domaine.fr)."
    for name, label in (("first_name", "le prénom"), ("last_name", "le nom")):
        if not form[name]:
            errors[name] = f"Indiquez {label}."
        elif len(form[name]) > NAME_MAX:
            errors[name] = f"{label[3:].capitalize()} ne doit pas dépasser {NAME_MAX} caractères."
    if form["role"] not in manageable_roles(manager):
        errors["role"] = "Choisissez un rôle dans la liste."
    if errors:
        return _page(form, errors, 422)
    assert login is not None  # noqa: S101 — checked above

    duplicate = "Un compte existe déjà pour cette adresse."
    if db.session().scalar(select(User.id).where(User.email == login)) is not None:
        return _page(form, {"email": duplicate}, 422)
    settings = current_app.config["COSIGNE"]
    try:
        with db.transaction() as tx:
            user = User(
                school_id=manager.school_id,
                email=login,
                first_name=form["first_name"],
                last_name=form["last_name"],
                role=form["role"],
                active=True,
                created_at=session.app_now(),
            )
            tx.add(user)
            tx.flush()  # an address taken meanwhile fails here, on the unique constraint
            tx.refresh(user)  # loads its school for the mail
            send_password_link(tx, user, settings, now=session.app_now(), first=True)
    except IntegrityError:
        return _page(form, {"email": duplicate}, 422)
    flash(
        f"Le compte de {user.full_name} est créé. Un courriel lui a été envoyé à {login} "
        "pour choisir son mot de passe.",
        "success",
    )
    return redirect(url_for("users.index"))


@bp.post("/<int(min=1, max=2147483647):user_id>/desactiver")
@session.login_required(*MANAGERS)
def deactivate(user_id: int) -> ResponseReturnValue:
    manager = _manager()
    if user_id == manager.id:
        flash("Vous ne pouvez pas désactiver votre propre compte.", "error")
        return redirect(url_for("users.index"))
    with db.transaction() as tx:
        user = _staff_member(tx, manager, user_id)
        if user.active:
            user.active = False
            user.password_reset_nonce = None  # a pending password link dies too
            session.end_sessions(user)
        name = user.full_name
    flash(
        f"Le compte de {name} est désactivé : cette personne ne peut plus se connecter.", "success"
    )
    return redirect(url_for("users.index"))


@bp.post("/<int(min=1, max=2147483647):user_id>/reactiver")
@session.login_required(*MANAGERS)
def reactivate(user_id: int) -> ResponseReturnValue:
    manager = _manager()
    with db.transaction() as tx:
        user = _staff_member(tx, manager, user_id)
        user.active = True
        name = user.full_name
    flash(f"Le compte de {name} est réactivé.", "success")
    return redirect(url_for("users.index"))


def _manager() -> User:
    user = session.current_user()
    assert user is not None  # noqa: S101 — the views are behind login_required
    return user


def _staff_member(tx: Session, manager: User, user_id: int) -> User:
    """The user of the manager's school whom they may manage: 404 for another school's (no
    hint that it exists), 403 for a role above them."""
    user = tx.scalar(select(User).where(User.id == user_id, User.school_id == manager.school_id))
    if user is None:
        abort(404)
    if user.role not in manageable_roles(manager):
        abort(403)
    return user
