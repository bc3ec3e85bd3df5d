"""A signer's message delivered or bounced, as an event of their document's trail: the SMTP
server's acceptance (its answer and our Message-ID) is the evidence that an invitation reached
the mail system, distinct from its being queued (``invited``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from service.documents import trail
from service.documents.store import lock_document
from service.mail.outbox import Claimed
from service.signers.models import Signer
from signing.vocabulary import EventType


def delivered(
    item: Claimed, message_id: str, reply: str, *, written: bool, now: datetime
) -> Callable[[Session], None] | None:
    """What `mark_sent` also writes for a signer's message; None for any other message."""
    if item.signer_id is None or item.document_id is None:
        return None
    data = {
        "outbox_id": item.id,
        "purpose": item.purpose,
        "to": item.to,
        "message_id": message_id,
        "smtp_reply": reply or None,
        "written_to_file": written,
    }
    return _writer(item, EventType.DELIVERED, data, now)


def bounced(
    item: Claimed, error: BaseException, *, now: datetime
) -> Callable[[Session], None] | None:
    if item.signer_id is None or item.document_id is None:
        return None
    data = {
        "outbox_id": item.id,
        "purpose": item.purpose,
        "to": item.to,
        "error": f"{type(error).__name__}: {error}"[:500],
    }
    return _writer(item, EventType.BOUNCED, data, now)


def _writer(
    item: Claimed, type_: EventType, data: dict[str, Any], now: datetime
) -> Callable[[Session], None]:
    def write(session: Session) -> None:
        assert item.document_id is not None  # noqa: S101 — checked by the callers
        document = lock_document(session, item.document_id)
        signer = session.get(Signer, item.signer_id)
        trail.record(session, document, type_, at=now, signer=signer, data=data)

    return write
