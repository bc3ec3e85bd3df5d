"""The school as the documents print it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.accounts.models import School


def school_identity(school: School) -> dict[str, Any]:
    """The school as documents print it (the shape of examples/school.json)."""
    return {
        "uai": school.uai,
        "name": school.name,
        "status": school.status,
        "address": school.address,
        "email": school.email or school.head_email,
        "phone": school.phone or "",
        "head": {
            "first_name": school.head_first_name,
            "last_name": school.head_last_name,
            "title": school.head_title or "Chef d'établissement",
            "email": school.head_email,
        },
        "board_approval_date": (
            school.board_approval_date.isoformat() if school.board_approval_date else None
        ),
        "dpo_email": school.dpo_email,
    }


def school_by_uai(session: Session, uai: str) -> School | None:
    return session.scalar(select(School).where(School.uai == uai))
