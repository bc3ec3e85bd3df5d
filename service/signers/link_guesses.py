"""Links that are not ours, counted against the address that tries them (`AttemptKind.LINK`)."""

from __future__ import annotations

from service.attempts import counts
from service.attempts.models import AttemptKind
from service.context import Context
from service.errors import TooManyAttempts


def count_guess(ctx: Context, address: str | None) -> TooManyAttempts | None:
    """A link that is not ours is counted against its address; past the limit, the address is
    told to wait. A link we signed is always served: guessing one is hopeless (its signature is
    an HMAC), so a school behind one address is never locked out by someone else's typos, and
    the hot path reads nothing more."""
    try:
        counts.check(ctx, AttemptKind.LINK, address)
    except TooManyAttempts as exc:
        return exc  # not counted: an address that keeps guessing keeps no more rows than this
    counts.count_failure(ctx, AttemptKind.LINK, address)
    return None
