"""What request handlers share: the operations' context and where a request comes from."""

from __future__ import annotations

from flask import current_app, request

from service import rendering
from service.clock import now_utc
from service.db import database
from service.events import Origin
from service.operations import Context


def context() -> Context:
    """The operations' context for the current app (its database, settings and converter).

    Tests may set ``app.config["COSIGNE_CLOCK"]`` (a callable returning an aware datetime) to
    put the app at another moment, for instance after a link has expired."""
    clock = current_app.config.get("COSIGNE_CLOCK") or now_utc
    return Context(
        db=database(),
        settings=current_app.config["COSIGNE"],
        converter=rendering.converter,
        clock=clock,
    )


def origin() -> Origin:
    """The requester's address (ProxyFix trusts only COSIGNE_TRUSTED_PROXIES hops) and browser."""
    return Origin(ip=request.remote_addr, user_agent=request.headers.get("User-Agent", "")[:500])
