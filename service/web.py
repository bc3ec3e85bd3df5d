"""What request handlers share: the operations' context and where a request comes from."""

from __future__ import annotations

from flask import current_app, request

from service import rendering
from service.db import database
from service.events import Origin
from service.operations import Context


def context() -> Context:
    """The operations' context for the current app (its database, settings and converter)."""
    return Context(
        db=database(), settings=current_app.config["COSIGNE"], converter=rendering.converter
    )


def origin() -> Origin:
    """The requester's address (ProxyFix trusts only COSIGNE_TRUSTED_PROXIES hops) and browser."""
    return Origin(ip=request.remote_addr, user_agent=request.headers.get("User-Agent", "")[:500])
