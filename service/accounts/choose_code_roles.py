"""The head chooses which signers of her school type a one-time code before signing
(`signing.codes`); documents under way follow the new choice from their next signature."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import select

from service.accounts.models import School, User
from service.accounts.permissions import require
from service.context import Context
from signing import codes
from signing.errors import FieldIssue, ValidationFailed
from signing.permissions import StaffAction
from signing.vocabulary import Role

log = logging.getLogger(__name__)


def choose_code_roles(ctx: Context, user: User, values: Iterable[str]) -> School:
    """Store the roles `values` (Role values among `signing.codes.CODE_ROLES_OFFERED`) as the
    school's; NotAllowed for anyone but the head, ValidationFailed (field ``code_roles``) for
    a value that is not such a role, nothing stored."""
    require(user, StaffAction.SET_SIGNING_CHECKS)
    offered = {role.value: role for role in codes.CODE_ROLES_OFFERED}
    chosen: list[Role] = []
    for value in values:
        if value not in offered:
            issue = FieldIssue("code_roles", f"Rôle inconnu : « {value[:40]} ».")
            raise ValidationFailed([issue])
        chosen.append(offered[value])
    with ctx.db.transaction() as session:
        school = session.scalars(
            select(School).where(School.id == user.school_id).with_for_update()
        ).one()
        before = school.code_roles
        school.code_roles = codes.stored_code_roles(chosen)
        session.flush()
        session.expunge(school)
    log.info(
        "établissement %s : code à usage unique demandé à %r (avant : %r), par l'utilisateur %s",
        school.uai,
        school.code_roles,
        before,
        user.id,
    )
    return school
