"""Deactivating a colleague's account: they can no longer log in."""

from __future__ import annotations

from service.accounts.manage_users import staff_member
from service.accounts.models import User
from service.accounts.session import end_sessions
from service.context import Context
from signing.errors import TransitionRefused


def deactivate_user(ctx: Context, manager: User, user_id: int) -> User:
    """The user can no longer log in: every session and any pending password link end."""
    if user_id == manager.id:
        raise TransitionRefused(
            "deactivate", "active", "Vous ne pouvez pas désactiver votre propre compte."
        )
    with ctx.db.transaction() as tx:
        user = staff_member(tx, manager, user_id)
        if user.active:
            user.active = False
            user.password_reset_nonce = None
            end_sessions(user)
    return user
