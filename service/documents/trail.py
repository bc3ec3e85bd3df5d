"""Appending to a document's audit trail: numbered, hash-chained, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from service.context import SYSTEM, Origin
from service.documents.models import Document, Event
from service.orm import utcnow
from service.signers.models import Signer
from signing.trail import GENESIS_HASH, event_hash, iso_utc, verify_chain
from signing.vocabulary import EventType

_EVENTS = Event.metadata.tables["events"]
_DOCUMENTS = Document.metadata.tables["documents"]
# Built once: a signature records one or two events, and building statements costs.
_LAST_EVENT = (
    select(_EVENTS.c.seq, _EVENTS.c.hash)
    .where(_EVENTS.c.document_id == bindparam("document"))
    .order_by(_EVENTS.c.seq.desc())
    .limit(1)
)
_INSERT_EVENT = insert(_EVENTS)
_CHAIN_HEAD = (
    update(_DOCUMENTS)
    .where(_DOCUMENTS.c.id == bindparam("document"))
    .values(last_event_hash=bindparam("head"), updated_at=bindparam("changed"))
)

_CHAINED = (
    "document_id",
    "signer_id",
    "seq",
    "type",
    "at",
    "role",
    "actor_name",
    "ip",
    "user_agent",
    "data",
)
"""An event's fields its hash covers (with the previous event's hash)."""


def _chained_fields(event: Event | Mapping[str, Any]) -> dict[str, Any]:
    values = event if isinstance(event, Mapping) else {k: getattr(event, k) for k in _CHAINED}
    return {k: iso_utc(values[k]) if k == "at" else values[k] for k in _CHAINED}


def record(
    session: Session,
    document: Document,
    type_: EventType,
    *,
    at: datetime,
    origin: Origin = SYSTEM,
    signer: Signer | None = None,
    role: str | None = None,
    actor_name: str | None = None,
    data: dict[str, Any] | None = None,
) -> str:
    """Append one event; its hash is returned. The caller holds the document's row lock
    (`service.documents.store.lock_document`), so numbering and chaining cannot interleave with
    another writer.

    Written with two plain statements (the event, the document's `last_event_hash`) rather than
    through the ORM's unit of work, which costs more than the rest of a signature together."""
    last = session.execute(_LAST_EVENT, {"document": document.id}).first()
    seq, previous = (last.seq + 1, last.hash) if last else (1, GENESIS_HASH)
    values: dict[str, Any] = {
        "document_id": document.id,
        "signer_id": signer.id if signer else None,
        "seq": seq,
        "type": type_,
        "at": at,
        "role": role or (signer.role if signer else None),
        "actor_name": actor_name or (signer.full_name if signer else None),
        "ip": origin.ip,
        "user_agent": (origin.user_agent or None) and origin.user_agent[:500],
        "data": data or {},
    }
    digest = event_hash(previous, _chained_fields(values))
    session.execute(_INSERT_EVENT, {**values, "previous_hash": previous, "hash": digest})
    changed = utcnow()  # as the ORM's `onupdate` did when it wrote the document
    session.execute(_CHAIN_HEAD, {"document": document.id, "head": digest, "changed": changed})
    set_committed_value(document, "last_event_hash", digest)
    set_committed_value(document, "updated_at", changed)
    return digest


def count(session: Session, document_id: int) -> int:
    return session.scalar(select(func.count()).where(Event.document_id == document_id)) or 0


def check_chain(events: list[Event], last_hash: str | None = None) -> list[str]:
    """French descriptions of every break in a document's chain (empty when intact); with the
    document's `last_event_hash`, removed last events show too."""
    stored = [
        {**_chained_fields(e), "hash": e.hash, "previous_hash": e.previous_hash} for e in events
    ]
    return [b.message for b in verify_chain(stored, last_hash=last_hash)]
