"""Registering a school (`cosigne school add`, the demo): its UAI is unique."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service.accounts.models import School
from service.context import Context
from service.errors import AlreadyExists


def add_school(ctx: Context, school: School) -> School:
    """`school` stored; AlreadyExists when its UAI has a school (checked, and again by the
    unique constraint, so two at once never make two)."""
    duplicate = f"un établissement d'UAI {school.uai} existe déjà"
    school.created_at = ctx.now()
    try:
        with ctx.db.transaction() as tx:
            if tx.scalar(select(School.id).where(School.uai == school.uai)) is not None:
                raise AlreadyExists(duplicate)
            tx.add(school)
            tx.flush()
    except IntegrityError as exc:
        raise AlreadyExists(duplicate) from exc
    return school
