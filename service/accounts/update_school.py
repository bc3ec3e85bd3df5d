"""Completing or correcting a school's identity (`cosigne school update`): what its documents
print about it (phone, email, status, board approval date…). Documents already issued keep the
identity they were frozen with."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from service.accounts.models import School
from service.context import Context
from service.errors import NotFound

EDITABLE = frozenset(
    {"name", "address", "status", "email", "phone", "head_first_name", "head_last_name"}
    | {"head_title", "head_email", "board_approval_date", "dpo_email"}
)


def update_school(ctx: Context, uai: str, changes: dict[str, Any]) -> School:
    """The school of UAI `uai` with `changes` (checked values of EDITABLE fields) stored;
    NotFound when no school has that UAI."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValueError(f"champs non modifiables : {sorted(unknown)}")
    with ctx.db.transaction() as tx:
        school = tx.scalar(select(School).where(School.uai == uai).with_for_update())
        if school is None:
            raise NotFound(f"aucun établissement d'UAI {uai}")
        for name, value in changes.items():
            setattr(school, name, value)
        tx.flush()
        tx.expunge(school)
    return school
