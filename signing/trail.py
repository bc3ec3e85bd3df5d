"""The audit trail's events: append-only and chained by a keyed hash.

Each stored event carries its data (``type``, ``at``, ``role``, ``name``, ``ip``, ``user_agent``,
``document_id``, ``signer_id``, ``data``…, and ``key_id``, the key it was chained with) plus
``previous_hash``, the hash of the event before it (``"0" * 64`` for the first), and ``hash``, its
own: `event_hash` of the two, an HMAC-SHA-256 under the trail's own secret (`TrailKeys`, never the
links' key). Editing an event, removing one or changing their order breaks the chain, and
`verify_chain` says where; without the key nobody can recompute the hashes after an edit, so a
database rewrite shows as tampering even when every hash was recomputed (by plain SHA-256 or
under another key).

Events recorded before the trail had a key (``key_id`` NULL, issue 12) are chained by plain
SHA-256 and checked that way, and `verify_chain` counts them (`unkeyed`) so a report can say they
are weaker evidence; an unkeyed event after a keyed one is a break, since none is ever written so.
The key rotates like the links' key: the current key chains new events, older keys listed after
it still verify theirs.

HMAC (RFC 2104, Python's `hmac`) is used directly rather than a library: a trail link is one MAC
over canonical JSON, nothing a signing library would add to.

Values must survive a round trip through the database unchanged: strings, integers, booleans,
``None``, and lists and string-keyed objects of those. No floats (a database may rewrite
``1.0`` as ``1``); times as `iso_utc` strings.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
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


KEY_ID_FIELD = "key_id"
"""The stored event's field naming the key it was chained with (NULL: chained unkeyed)."""

MIN_KEY_BYTES = 32


@dataclass(frozen=True)
class TrailKey:
    """One secret of the trail; `id` names it in each event without revealing it (computed once:
    every recorded event names it)."""

    secret: bytes

    def __post_init__(self) -> None:
        if len(self.secret) < MIN_KEY_BYTES:
            raise ValueError(f"a trail key holds at least {MIN_KEY_BYTES} bytes")

    @functools.cached_property
    def id(self) -> str:
        """16 hex digits of an HMAC of a fixed label: stable, and useless to recover the key."""
        return hmac.new(self.secret, b"cosigne trail key id", hashlib.sha256).hexdigest()[:16]


@dataclass(frozen=True)
class TrailKeys:
    """The key new events are chained with, and the older ones that still verify theirs."""

    current: TrailKey
    older: tuple[TrailKey, ...] = ()

    @classmethod
    def of(cls, current: str, older: Sequence[str] = ()) -> TrailKeys:
        return cls(TrailKey(current.encode()), tuple(TrailKey(k.encode()) for k in older))

    def by_id(self, key_id: object) -> TrailKey | None:
        return next((k for k in (self.current, *self.older) if k.id == key_id), None)


def event_hash(previous_hash: str, event: Mapping[str, object], key: TrailKey | None = None) -> str:
    """HMAC-SHA-256 under `key` (hex) of the event's data chained to `previous_hash`; plain
    SHA-256 without a key (events recorded before the trail had one).

    The input is canonical JSON (sorted keys, no whitespace, UTF-8 without escapes) of
    ``{"event": <data>, "previous_hash": …}``, the data being `event` without its `CHAIN_FIELDS`
    (``key_id`` included: the MAC covers the key's name), so a stored event can be passed as it
    is. A value JSON cannot hold exactly raises `TypeError`.
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
    if key is None:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    return hmac.new(key.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()


class BreakKind(StrEnum):
    EDITED = "edited"
    """The event's data (or its hash) changed after it was recorded."""
    MISSING = "missing"
    """The event it chains on is not in the trail: removed (or rewritten, hash and all)."""
    OUT_OF_ORDER = "out_of_order"
    """The event it chains on is in the trail, but not just before it."""
    UNKNOWN_KEY = "unknown_key"
    """It names a key Cosigne does not hold: forged, or its key was dropped from the list."""
    UNKEYED = "unkeyed"
    """Chained without a key after an event chained with one: rewritten."""
    TRUNCATED = "truncated"
    """The trail does not end on the last hash kept on the document: its last events are gone
    (or the last one was rewritten, hash and all)."""


_MESSAGES = {
    BreakKind.EDITED: "modifié après son enregistrement",
    BreakKind.MISSING: "l'événement qui le précède a été supprimé ou réécrit",
    BreakKind.OUT_OF_ORDER: "déplacé : il ne suit plus l'événement qui le précédait",
    BreakKind.UNKNOWN_KEY: (
        "chaîné avec une clé que Cosigne ne détient pas : falsifié, ou sa clé a été retirée "
        "de COSIGNE_TRAIL_KEY_FALLBACKS"
    ),
    BreakKind.UNKEYED: "chaîné sans clé après des événements chaînés avec clé : réécrit",
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


@dataclass(frozen=True)
class ChainCheck:
    """`verify_chain`'s answer: every break (none when whole), and how many events were chained
    unkeyed (recorded before the trail had a key: a rewrite of those shows only against a head
    kept elsewhere, such as the one sealed in the final PDF)."""

    breaks: tuple[ChainBreak, ...]
    unkeyed: int


def verify_chain(
    events: Sequence[Mapping[str, object]],
    keys: TrailKeys | None,
    *,
    last_hash: str | None = None,
) -> ChainCheck:
    """Check a document's stored events, given in their recorded order.

    Each event's hash is recomputed under the key its ``key_id`` names (plain SHA-256 when it
    names none). With `keys` None, only unkeyed events can be checked: keyed ones are reported
    under an unknown key. A chain alone cannot show that its last events were removed: pass
    `last_hash`, the hash of the last event as kept elsewhere (on the document's row, updated in
    the same transaction as each event; `GENESIS_HASH` before the first), to check that too.
    """
    breaks: list[ChainBreak] = []
    hashes = {event.get("hash") for event in events}
    expected_previous = GENESIS_HASH
    keyed_seen = False
    unkeyed = 0
    for position, event in enumerate(events):
        previous = event.get("previous_hash")
        stored = event.get("hash")
        key_id = event.get(KEY_ID_FIELD)
        key = keys.by_id(key_id) if keys is not None and key_id is not None else None
        if key_id is None:
            unkeyed += 1
            if keyed_seen:
                breaks.append(ChainBreak(position, BreakKind.UNKEYED))
        else:
            keyed_seen = True
        if key_id is not None and key is None:
            breaks.append(ChainBreak(position, BreakKind.UNKNOWN_KEY))
        elif not _hash_holds(event, previous, stored, key):
            breaks.append(ChainBreak(position, BreakKind.EDITED))
        if previous != expected_previous:
            moved = previous == GENESIS_HASH or previous in hashes
            kind = BreakKind.OUT_OF_ORDER if moved else BreakKind.MISSING
            breaks.append(ChainBreak(position, kind))
        expected_previous = stored if isinstance(stored, str) else ""
    if last_hash is not None and last_hash != expected_previous:
        breaks.append(ChainBreak(len(events), BreakKind.TRUNCATED))
    return ChainCheck(tuple(breaks), unkeyed)


def _hash_holds(
    event: Mapping[str, object], previous: object, stored: object, key: TrailKey | None
) -> bool:
    if not isinstance(previous, str) or not isinstance(stored, str):
        return False
    try:
        return hmac.compare_digest(stored, event_hash(previous, event, key))
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
