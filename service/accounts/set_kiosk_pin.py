"""A staff member sets, replaces or removes their own kiosk PIN (`service.accounts.kiosk_pin`)
from their account page, proving it is them with their password (checked and throttled as a
login)."""

from __future__ import annotations

from service.accounts.kiosk_pin import BadPin, check_new_pin, hash_pin
from service.accounts.log_in import LoginFailed, log_in
from service.accounts.models import User
from service.context import Context, Origin
from service.errors import NotFound, TooManyAttempts

WRONG_PASSWORD = "Mot de passe incorrect : le code PIN n'a pas été modifié."  # noqa: S105


class PinNotSet(Exception):
    """The form was refused; `errors` maps each field to its French message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _checked_password(ctx: Context, user: User, password: str, origin: Origin) -> None:
    try:
        log_in(ctx, user.email, password, origin)
    except LoginFailed:
        raise PinNotSet({"password": WRONG_PASSWORD}) from None
    except TooManyAttempts as exc:
        raise PinNotSet({"password": str(exc)}) from None


def set_kiosk_pin(
    ctx: Context, user: User, origin: Origin, *, password: str, pin: str, confirmation: str
) -> None:
    """Give `user` this PIN; PinNotSet, with nothing stored, when the PIN breaks a rule or the
    password is wrong."""
    try:
        check_new_pin(pin, confirmation)
    except BadPin as exc:
        raise PinNotSet({"pin": str(exc)}) from None
    _checked_password(ctx, user, password, origin)
    _store(ctx, user.id, hash_pin(pin))


def remove_kiosk_pin(ctx: Context, user: User, origin: Origin, *, password: str) -> None:
    """`user` has no PIN any more: the lock page asks their password only."""
    _checked_password(ctx, user, password, origin)
    _store(ctx, user.id, None)


def _store(ctx: Context, user_id: int, pin_hash: str | None) -> None:
    with ctx.db.transaction() as tx:
        row = tx.get(User, user_id)
        if row is None:
            raise NotFound(f"utilisateur {user_id} introuvable")
        row.kiosk_pin_hash = pin_hash
