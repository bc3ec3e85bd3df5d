"""Logging out: every session of the user ends, on every device."""

from __future__ import annotations

from service.accounts.models import User
from service.accounts.session import end_sessions
from service.context import Context


def log_out(ctx: Context, user_id: int) -> None:
    with ctx.db.transaction() as tx:
        row = tx.get(User, user_id)
        if row is not None:
            end_sessions(row)
