"""Appending to a document's audit trail: numbered, hash-chained, in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.models import Document, Event, Signer
from signing.audit import GENESIS_HASH, event_hash, iso_utc, verify_chain


@dataclass(frozen=True)
class Origin:
    """Where an action comes from: the requester's address and browser, or a system job."""

    ip: str | None = None
    user_agent: str | None = None


SYSTEM = Origin()


def _chained_fields(event: Event) -> dict[str, Any]:
    return {
        "document_id": event.document_id,
        "signer_id": event.signer_id,
        "seq": event.seq,
        "type": event.type,
        "at": iso_utc(event.at),
        "role": event.role,
        "actor_name": event.actor_name,
        "ip": event.ip,
        "user_agent": event.user_agent,
        "data": event.data,
    }


def record(
    session: Session,
    document: Document,
    type_: str,
    *,
    at: datetime,
    origin: Origin = SYSTEM,
    signer: Signer | None = None,
    role: str | None = None,
    actor_name: str | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one event. The caller holds the document's row lock (see operations.lock_document), so
    numbering and chaining cannot interleave with another writer."""
    last = session.execute(
        select(Event.seq, Event.hash)
        .where(Event.document_id == document.id)
        .order_by(Event.seq.desc())
        .limit(1)
    ).first()
    seq, previous = (last.seq + 1, last.hash) if last else (1, GENESIS_HASH)
    event = Event(
        document_id=document.id,
        signer_id=signer.id if signer else None,
        seq=seq,
        type=type_,
        at=at,
        role=role or (signer.role if signer else None),
        actor_name=actor_name or (signer.full_name if signer else None),
        ip=origin.ip,
        user_agent=(origin.user_agent or None) and origin.user_agent[:500],
        data=data or {},
        previous_hash=previous,
    )
    event.hash = event_hash(previous, _chained_fields(event))
    session.add(event)
    document.last_event_hash = event.hash
    session.flush()
    return event


def count(session: Session, document_id: int) -> int:
    return session.scalar(select(func.count()).where(Event.document_id == document_id)) or 0


def check_chain(events: list[Event], last_hash: str | None = None) -> list[str]:
    """French descriptions of every break in a document's chain (empty when intact); with the
    document's `last_event_hash`, removed last events show too."""
    stored = [
        {**_chained_fields(e), "hash": e.hash, "previous_hash": e.previous_hash} for e in events
    ]
    return [b.message for b in verify_chain(stored, last_hash=last_hash)]
