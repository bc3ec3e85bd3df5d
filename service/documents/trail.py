"""Appending to a document's audit trail: numbered, chained by a keyed hash (the trail keys the
session's database holds, `service.db.TRAIL_KEYS`), in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from service.context import SYSTEM, Origin
from service.db import TRAIL_KEYS
from service.documents.models import Document, Event
from service.orm import utcnow
from service.signers.models import Signer
from signing.trail import GENESIS_HASH, ChainCheck, TrailKeys, event_hash, iso_utc, verify_chain
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
    "key_id",
)
"""An event's fields its hash covers (with the previous event's hash)."""


def chained_fields(event: Event | Mapping[str, Any]) -> dict[str, Any]:
    """The fields as hashed; an event recorded before the trail had a key was hashed without
    ``key_id``, so it stays out when NULL."""
    values = event if isinstance(event, Mapping) else {k: getattr(event, k) for k in _CHAINED}
    fields = {k: iso_utc(values[k]) if k == "at" else values[k] for k in _CHAINED}
    if fields["key_id"] is None:
        del fields["key_id"]
    return fields


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
    keys: TrailKeys | None = session.info.get(TRAIL_KEYS)
    if keys is None:
        raise RuntimeError("the audit trail is never written without its key (COSIGNE_TRAIL_KEY)")
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
        "key_id": keys.current.id,
    }
    digest = event_hash(previous, chained_fields(values), keys.current)
    session.execute(_INSERT_EVENT, {**values, "previous_hash": previous, "hash": digest})
    changed = utcnow()  # as the ORM's `onupdate` did when it wrote the document
    session.execute(_CHAIN_HEAD, {"document": document.id, "head": digest, "changed": changed})
    set_committed_value(document, "last_event_hash", digest)
    set_committed_value(document, "updated_at", changed)
    return digest


def count(session: Session, document_id: int) -> int:
    return session.scalar(select(func.count()).where(Event.document_id == document_id)) or 0


def check_chain(
    events: list[Event], keys: TrailKeys | None, last_hash: str | None = None
) -> ChainCheck:
    """Every break in a document's chain (none when intact) under the trail's keys; with the
    document's `last_event_hash`, removed last events show too."""
    stored = [
        {**chained_fields(e), "hash": e.hash, "previous_hash": e.previous_hash} for e in events
    ]
    return verify_chain(stored, keys, last_hash=last_hash)
