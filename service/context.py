"""What every use case is given: the `Context` (database, settings, converter, clock), and, for a
request, where it comes from (`Origin`).

Use cases take a `Context` and never read Flask's globals, so the worker and the commands run
them too; `current()` and `origin()` build them for the request being served.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app, request

from service import converter
from service.clock import now_utc
from service.db import Database, database
from service.settings import Settings
from signing.links import LinkPurpose, LinkSigner
from signing.pdf.pipeline import Converter
from signing.trail import TrailKeys


@dataclass(frozen=True)
class Origin:
    """Where an action comes from: the requester's address and browser, or a system job."""

    ip: str | None = None
    user_agent: str | None = None


SYSTEM = Origin()


@dataclass(frozen=True)
class Context:
    db: Database
    settings: Settings
    converter: Callable[[], Converter]
    """Called only when a PDF must be made (LibreOffice starts on first use)."""
    clock: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())

    def __post_init__(self) -> None:
        # A database made outside the app (the worker, a test) learns the trail's keys from the
        # settings it is used with.
        if self.db.trail_keys is None:
            self.db.trail_keys = trail_keys(self.settings)

    def now(self) -> datetime:
        return self.clock()

    def link_signer(self, purpose: LinkPurpose = LinkPurpose.SIGN) -> LinkSigner:
        keys = (*reversed(self.settings.secret_key_fallbacks), self.settings.secret_key)
        return _link_signer(keys, purpose, self.settings.link_max_age_days)

    def sign_url(self, token: str) -> str:
        return f"{self.settings.base_url}/sign/{token}"


def trail_keys(settings: Settings) -> TrailKeys:
    return TrailKeys.of(settings.trail_key, settings.trail_key_fallbacks)


@functools.lru_cache(maxsize=16)
def _link_signer(keys: tuple[str, ...], purpose: LinkPurpose, max_age_days: int) -> LinkSigner:
    """One `LinkSigner` per keys and purpose (it holds no state but them): made once, not per
    request."""
    return LinkSigner(keys, purpose, timedelta(days=max_age_days))


def current() -> Context:
    """The use cases' context for the current app (its database, settings and converter).

    Tests may set ``app.config["COSIGNE_CLOCK"]`` (a callable returning an aware datetime) to
    put the app at another moment, for instance after a link has expired."""
    clock = current_app.config.get("COSIGNE_CLOCK") or now_utc
    return Context(
        db=database(),
        settings=current_app.config["COSIGNE"],
        converter=converter.converter,
        clock=clock,
    )


def origin() -> Origin:
    """The requester's address (`client_ip`) and browser."""
    return Origin(ip=client_ip(), user_agent=request.headers.get("User-Agent", "")[:500])


def client_ip() -> str | None:
    """The requester's IP address, validated and normalised; None when it is unknown.

    With COSIGNE_TRUSTED_PROXIES = n, ProxyFix (`service.app`) has already taken the n-th
    address from the right of X-Forwarded-For (the one the outermost trusted proxy saw), or
    kept the connection's address when the header has fewer; that value is text a client may
    have written, so it is parsed here and never stored as it came."""
    return normal_ip(request.remote_addr)


def normal_ip(text: str | None) -> str | None:
    """`text` as an IP address in its canonical form (``::ffff:192.0.2.1`` is ``192.0.2.1``,
    ``2001:DB8::0:1`` is ``2001:db8::1``); None for anything that is not one (``not-an-ip``,
    empty, a list). A port some proxies append (``192.0.2.1:443``, ``[2001:db8::1]:443``) and
    an IPv6 zone (``fe80::1%eth0``, meaningless off the proxy's own link) are dropped."""
    value = (text or "").strip()
    if value.startswith("["):  # [v6]:port
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # v4:port
        value = value.partition(":")[0]
    value = value.partition("%")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)
