"""A head or an admin invites a colleague from the staff page: the form checked field by field,
the account added, a link to choose the password mailed."""

from __future__ import annotations

from collections.abc import Mapping

from service.accounts import passwords
from service.accounts.add_user import add_user
from service.accounts.manage_users import manageable_roles
from service.accounts.models import User
from service.context import Context
from service.errors import AlreadyExists
from signing.errors import FieldIssue, ValidationFailed
from signing.vocabulary import StaffRole

NAME_MAX = 100
DUPLICATE = "Un compte existe déjà pour cette adresse."


def invite_user(ctx: Context, manager: User, form: Mapping[str, str]) -> User:
    """The new account of `form` (``email``, ``first_name``, ``last_name``, ``role``) in the
    manager's school; ValidationFailed naming each field that will not do."""
    issues: list[FieldIssue] = []
    login = passwords.normalize_login(form["email"]) if form["email"] else None
    if not form["email"]:
        issues.append(FieldIssue("email", "Indiquez l’adresse électronique."))
    elif login is None:
        message = "Cette adresse électronique n’est pas valide (exemple : nom@domaine.fr)."
        issues.append(FieldIssue("email", message))
    for name, label in (("first_name", "le prénom"), ("last_name", "le nom")):
        if not form[name]:
            issues.append(FieldIssue(name, f"Indiquez {label}."))
        elif len(form[name]) > NAME_MAX:
            message = f"{label[3:].capitalize()} ne doit pas dépasser {NAME_MAX} caractères."
            issues.append(FieldIssue(name, message))
    if form["role"] not in manageable_roles(manager):
        issues.append(FieldIssue("role", "Choisissez un rôle dans la liste."))
    if issues:
        raise ValidationFailed(issues)
    assert login is not None  # noqa: S101 — checked above
    try:
        added = add_user(
            ctx,
            school_id=manager.school_id,
            login=login,
            first_name=form["first_name"],
            last_name=form["last_name"],
            role=StaffRole(form["role"]),
            mail_link=True,
        )
    except AlreadyExists as exc:
        raise ValidationFailed([FieldIssue("email", DUPLICATE)]) from exc
    return added.user
