"""Failed guesses counted per address in the database, so the limit holds across every app
process: `check` before the guess is looked at, `count_failure` when it turned out wrong.

Only failures count: a good link or token is never counted, and an address that reached the
limit waits until its oldest counted failure leaves the window (COSIGNE_ATTEMPTS_WINDOW_MINUTES),
whatever it sends meanwhile. An IPv6 address is counted by its /64 network, which one machine
usually holds whole. A few parallel requests may slip past the limit between a check and its
count; the count stays bounded by the requests in flight.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime, timedelta

from sqlalchemy import Integer, bindparam, delete, select

from service.attempts.models import Attempt, AttemptKind
from service.context import Context
from service.errors import TooManyAttempts

UNKNOWN_ADDRESS = "unknown"
"""What requests whose address is unknown (`service.context.client_ip`) are counted under."""

_MESSAGES = {
    AttemptKind.LINK: (
        "Trop de liens de signature incorrects ont été essayés depuis votre connexion. "
        "Patientez {wait}, puis ouvrez le lien directement depuis le courriel reçu."
    ),
    AttemptKind.BEARER: (
        "Trop de jetons d'API invalides ont été essayés depuis cette adresse : réessayez dans "
        "{wait} (en-tête Retry-After, en secondes)."
    ),
    AttemptKind.CODE: "Trop de codes incorrects ont été essayés. Patientez {wait}.",
}

_LIMIT_REACHED = (
    select(Attempt.at)
    .where(
        Attempt.kind == bindparam("kind"),
        Attempt.address == bindparam("address"),
        Attempt.at > bindparam("since"),
    )
    .order_by(Attempt.at.desc())
    .limit(bindparam("one", type_=Integer))
    .offset(bindparam("skip", type_=Integer))
)
"""The newest failure but `limit - 1`: when it exists, the limit is reached, and it is the
one whose leaving the window lets the address in again."""


def address_key(address: str | None) -> str:
    """What failures from `address` are counted under: the address, its /64 for IPv6."""
    if not address:
        return UNKNOWN_ADDRESS
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]  # a caller's own key (a signer's code, say)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


def _window(ctx: Context, window: timedelta | None) -> timedelta:
    return window or timedelta(minutes=ctx.settings.attempts_window_minutes)


def check(
    ctx: Context,
    kind: AttemptKind,
    address: str | None,
    *,
    limit: int | None = None,
    window: timedelta | None = None,
) -> None:
    """TooManyAttempts (with the seconds to wait) when `address` has failed `limit` times
    (COSIGNE_ATTEMPTS_MAX) within `window` at guessing `kind`; reads only."""
    limit = limit or ctx.settings.attempts_max
    window, now = _window(ctx, window), ctx.now()
    params = {
        "kind": kind.value,
        "address": address_key(address),
        "since": now - window,
        "one": 1,
        "skip": limit - 1,
    }
    with ctx.db.engine.connect() as connection:
        reached: datetime | None = connection.execute(_LIMIT_REACHED, params).scalar()
    if reached is None:
        return
    seconds = max(1, math.ceil((reached + window - now).total_seconds()))
    raise TooManyAttempts(_MESSAGES[kind].format(wait=_minutes(seconds)), retry_after=seconds)


def count_failure(
    ctx: Context, kind: AttemptKind, address: str | None, *, window: timedelta | None = None
) -> None:
    """Count one failed guess, in a transaction of its own (the request that failed writes
    nothing else); the failures of `kind` older than `window` go."""
    now = ctx.now()
    with ctx.db.transaction() as session:
        session.execute(
            delete(Attempt).where(Attempt.kind == kind, Attempt.at <= now - _window(ctx, window))
        )
        session.add(Attempt(kind=kind, address=address_key(address), at=now))


def _minutes(seconds: int) -> str:
    minutes = math.ceil(seconds / 60)
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
