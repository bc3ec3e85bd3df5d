"""Giving an account a password directly (the demo's head, whose password is kept in the data
folder): any pending password link dies, and the account is active."""

from __future__ import annotations

from service.accounts import passwords
from service.accounts.models import User
from service.context import Context
from service.errors import NotFound


def change_password(ctx: Context, user_id: int, password: str) -> None:
    with ctx.db.transaction() as tx:
        row = tx.get(User, user_id)
        if row is None:
            raise NotFound(f"utilisateur {user_id} introuvable")
        passwords.set_password(row, password)
        row.active = True
