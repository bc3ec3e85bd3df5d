"""The kiosk held in the browser's session (`KIOSK`): the staff member's id, the document's id,
the seq of its ``kiosk_started`` event, and the time of the kiosk's last request (``seen``).

The server decides when the kiosk closed for inactivity, from ``seen``: a kiosk request that
comes COSIGNE_KIOSK_IDLE_MINUTES or more after the previous one finds the signer's pages closed
(``kiosk_ended`` « délai d'inactivité ») and is sent to the lock page. The page's script
(static/kiosk_idle.js) only warns the signer beforehand and shows the lock page on time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import session

from service import context, db
from service.accounts.models import User
from service.accounts.session import KIOSK, current_user
from service.documents.models import Document
from service.documents.store import get_document
from service.kiosk.end_kiosk import end_kiosk
from signing.event_types import KioskEnd


def open_kiosk(user: User, document_id: int, started_seq: int) -> None:
    now = context.current().now().isoformat()
    session[KIOSK] = {
        "user": user.id,
        "document": document_id,
        "event": started_seq,
        "started": now,
        "seen": now,
    }


def _flag() -> dict[str, Any] | None:
    flag = session.get(KIOSK)
    return flag if isinstance(flag, dict) else None


def idle_limit() -> timedelta:
    return timedelta(minutes=context.current().settings.kiosk_idle_minutes)


def current_kiosk() -> tuple[User, Document] | None:
    """The staff member and document of this session's open kiosk, or None (no kiosk, closed,
    or the staff session gone). A request to an open kiosk is its activity: when it comes too
    late, the kiosk closes instead (once)."""
    flag, user = _flag(), current_user()
    if flag is None or flag.get("done") or user is None or flag.get("user") != user.id:
        return None
    now = context.current().now()
    seen = datetime.fromisoformat(str(flag.get("seen") or flag["started"]))
    if now - seen >= idle_limit():
        close_kiosk(KioskEnd.IDLE, last_activity=seen)
        return None
    session[KIOSK] = {**flag, "seen": now.isoformat()}
    return user, get_document(db.session(), user.school_id, int(flag["document"]))


def close_kiosk(how: KioskEnd, *, last_activity: datetime | None = None) -> None:
    """The signer's pages close, ``kiosk_ended`` written; the session stays locked."""
    flag, user = _flag(), current_user()
    if flag is None or flag.get("done"):
        return
    session[KIOSK] = {**flag, "done": True}
    if user is None or flag.get("user") != user.id:
        return
    end_kiosk(
        context.current(),
        user,
        int(flag["document"]),
        int(flag.get("event") or 0),
        how=how,
        origin=context.origin(),
        last_activity=last_activity,
    )


def kiosk_document_id() -> int | None:
    """The document of this session's kiosk, open or closed."""
    flag = _flag()
    return None if flag is None else int(flag["document"])
