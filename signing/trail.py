"""The audit trail's events: append-only and hash-chained.

Each stored event carries its data (``type``, ``at``, ``role``, ``name``, ``ip``, ``user_agent``,
``document_id``, ``signer_id``, ``data``…) plus ``previous_hash``, the hash of the event before it
(``"0" * 64`` for the first), and ``hash``, its own: `event_hash` of the two. Editing an event,
removing one or changing their order breaks the chain, and `verify_chain` says where.

Values must survive a round trip through the database unchanged: strings, integers, booleans,
``None``, and lists and string-keyed objects of those. No floats (a database may rewrite
``1.0`` as ``1``); times as `iso_utc` strings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

GENESIS_HASH = "0" * 64
"""The `previous_hash` of a document's first event."""

CHAIN_FIELDS = frozenset({"hash", "previous_hash"})
"""Fields of a stored event that are the chain itself, not the event's data."""


def iso_utc(at: datetime) -> str:
    """``2026-11-28T09:30:00.000000Z``: one spelling of a time, so its hash never changes."""
    if at.tzinfo is None:
        raise ValueError("an event's time must be timezone aware")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(previous_hash: str, event: Mapping[str, object]) -> str:
    """SHA-256 (hex) of the event's data chained to `previous_hash`.

    The input is canonical JSON (sorted keys, no whitespace, UTF-8 without escapes) of
    ``{"event": <data>, "previous_hash": …}``, the data being `event` without its `CHAIN_FIELDS`,
    so a stored event can be passed as it is. A value JSON cannot hold exactly raises `TypeError`.
    """
    data = {key: value for key, value in event.items() if key not in CHAIN_FIELDS}
    _check_values(data)
    text = json.dumps(
        {"event": data, "previous_hash": previous_hash},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class BreakKind(StrEnum):
    EDITED = "edited"
    """The event's data (or its hash) changed after it was recorded."""
    MISSING = "missing"
    """The event it chains on is not in the trail: removed (or rewritten, hash and all)."""
    OUT_OF_ORDER = "out_of_order"
    """The event it chains on is in the trail, but not just before it."""
    TRUNCATED = "truncated"
    """The trail does not end on the last hash kept on the document: its last events are gone
    (or the last one was rewritten, hash and all)."""


_MESSAGES = {
    BreakKind.EDITED: "modifié après son enregistrement",
    BreakKind.MISSING: "l'événement qui le précède a été supprimé ou réécrit",
    BreakKind.OUT_OF_ORDER: "déplacé : il ne suit plus l'événement qui le précédait",
}


@dataclass(frozen=True)
class ChainBreak:
    """A place where the chain does not hold.

    `position` is the 0-based index in the sequence given to `verify_chain` (for ``truncated``,
    the sequence's length: where the first missing event would be).
    """

    position: int
    kind: BreakKind

    @property
    def message(self) -> str:
        """French, for `cosigne audit verify`: ``événement n° 3 : modifié après …``."""
        if self.kind is BreakKind.TRUNCATED:
            return "les derniers événements ont été supprimés ou réécrits"
        return f"événement n° {self.position + 1} : {_MESSAGES[self.kind]}"


def verify_chain(
    events: Sequence[Mapping[str, object]], *, last_hash: str | None = None
) -> list[ChainBreak]:
    """Every break in a document's stored events, given in their recorded order; ``[]`` if whole.

    A chain alone cannot show that its last events were removed: pass `last_hash`, the hash of the
    last event as kept elsewhere (on the document's row, updated in the same transaction as each
    event; `GENESIS_HASH` before the first), to check that too.
    """
    breaks: list[ChainBreak] = []
    hashes = {event.get("hash") for event in events}
    expected_previous = GENESIS_HASH
    for position, event in enumerate(events):
        previous = event.get("previous_hash")
        stored = event.get("hash")
        if not _hash_holds(event, previous, stored):
            breaks.append(ChainBreak(position, BreakKind.EDITED))
        if previous != expected_previous:
            moved = previous == GENESIS_HASH or previous in hashes
            kind = BreakKind.OUT_OF_ORDER if moved else BreakKind.MISSING
            breaks.append(ChainBreak(position, kind))
        expected_previous = stored if isinstance(stored, str) else ""
    if last_hash is not None and last_hash != expected_previous:
        breaks.append(ChainBreak(len(events), BreakKind.TRUNCATED))
    return breaks


def _hash_holds(event: Mapping[str, object], previous: object, stored: object) -> bool:
    if not isinstance(previous, str):
        return False
    try:
        return stored == event_hash(previous, event)
    except TypeError:  # a value no event can hold (a float, say) was written in later
        return False


def _check_values(value: object) -> None:
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_values(item)
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"event keys must be strings, not {key!r}")
            _check_values(item)
        return
    raise TypeError(f"{type(value).__name__} cannot be hashed exactly in an event: {value!r}")
