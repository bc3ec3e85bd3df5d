"""Reactivating a colleague's account."""

from __future__ import annotations

from service.accounts.manage_users import staff_member
from service.accounts.models import User
from service.context import Context


def reactivate_user(ctx: Context, manager: User, user_id: int) -> User:
    with ctx.db.transaction() as tx:
        user = staff_member(tx, manager, user_id)
        user.active = True
    return user
