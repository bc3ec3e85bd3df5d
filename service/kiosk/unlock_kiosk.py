"""The staff member takes the school's device back after a kiosk (issue 14 §1): their kiosk PIN
(`service.accounts.kiosk_pin`) or their password gives their session back.

Both are counted as a login is (`service.accounts.log_in`: each attempt written before it is
checked, per key and per IP, `MAX_FAILURES_PER_LOGIN` within `ATTEMPT_WINDOW`). The PIN has a
count of its own: after too many wrong PINs the PIN is refused, however right, and only the
password opens the session until the window has passed; wrong passwords lock the password as a
login's do."""

from __future__ import annotations

from service.accounts.kiosk_pin import check_pin, pin_shaped
from service.accounts.log_in import LoginFailed, forget_attempts, log_in, reserve_attempt
from service.accounts.models import User
from service.context import Context, Origin
from service.errors import TooManyAttempts
from signing.errors import CosigneError

WRONG_PIN = "Code PIN incorrect."
WRONG_PASSWORD = "Mot de passe incorrect."  # noqa: S105 — a message
PIN_LOCKED = (
    "Trop de codes PIN erronés : le code PIN est refusé pendant 15 minutes. Pour reprendre "
    "votre session, saisissez votre mot de passe."
)


class UnlockRefused(CosigneError):
    """The PIN or password typed is not the staff member's (the message says which)."""


def _pin_key(user: User) -> str:
    return f"kiosk-pin:{user.id}"


def unlock_kiosk(ctx: Context, user: User, entered: str, origin: Origin) -> None:
    """Return when `entered` is `user`'s PIN or password; UnlockRefused, or TooManyAttempts
    (PIN_LOCKED for a PIN; the login's message for a password) before anything is checked."""
    with ctx.db.new_session() as session:
        row = session.get(User, user.id)
        has_pin = row is not None and row.kiosk_pin_hash is not None
    if has_pin and pin_shaped(entered):
        _check_pin(ctx, user, entered, origin)
        return
    try:
        log_in(ctx, user.email, entered, origin)
    except LoginFailed:
        raise UnlockRefused(WRONG_PASSWORD) from None


def _check_pin(ctx: Context, user: User, pin: str, origin: Origin) -> None:
    key = _pin_key(user)
    attempt_id = reserve_attempt(ctx, key, origin)
    if attempt_id is None:
        raise TooManyAttempts(PIN_LOCKED)
    with ctx.db.transaction() as tx:
        row = tx.get(User, user.id)
        if row is None or not row.active or not check_pin(row, pin):
            raise UnlockRefused(WRONG_PIN)
        forget_attempts(tx, attempt_id, key)
