"""Who manages whose account. A head manages every role; an admin manages referents and admins
but not heads, so an admin cannot give themselves, or anyone, the right to sign for the school.
Another school's user is not found."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.accounts.models import User
from service.errors import NotAllowed, NotFound
from signing.vocabulary import StaffRole


def manageable_roles(manager: User) -> tuple[StaffRole, ...]:
    """The roles `manager` may invite, deactivate and reactivate."""
    if manager.role == StaffRole.HEAD:
        return tuple(StaffRole)
    return (StaffRole.REFERENT, StaffRole.ADMIN)


def staff_member(tx: Session, manager: User, user_id: int) -> User:
    """The user of the manager's school whom they may manage: NotFound for another school's (no
    hint that it exists), NotAllowed for a role above them."""
    user = tx.scalar(select(User).where(User.id == user_id, User.school_id == manager.school_id))
    if user is None:
        raise NotFound(f"utilisateur {user_id} introuvable")
    if user.role not in manageable_roles(manager):
        raise NotAllowed("ce compte n'est pas de ceux que vous gérez")
    return user


def staff_of(session: Session, school_id: int) -> list[User]:
    """The school's staff, active first, by name."""
    return list(
        session.scalars(
            select(User)
            .where(User.school_id == school_id)
            .order_by(User.active.desc(), User.last_name, User.first_name, User.id)
        )
    )
