"""The keyed hash chain of audit events: whole, then edited, removed, reordered, cut short,
and rewritten with every hash recomputed by someone without the key."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType

import pytest

from signing.trail import (
    GENESIS_HASH,
    BreakKind,
    ChainBreak,
    TrailKey,
    TrailKeys,
    event_hash,
    iso_utc,
    verify_chain,
)

ISSUED_AT = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
OLD_KEY = TrailKey(b"o" * 40)
KEY = TrailKey(b"k" * 40)
KEYS = TrailKeys(KEY, (OLD_KEY,))

Event = dict[str, object]


def make_event(type_: str, minutes: int, **fields: object) -> Event:
    """An event as the service records it, `minutes` after the document was issued."""
    event: Event = {
        "type": type_,
        "at": iso_utc(ISSUED_AT + timedelta(minutes=minutes)),
        "document_id": 7,
        "signer_id": None,
        "role": None,
        "name": None,
        "ip": None,
        "user_agent": None,
        "data": {},
    }
    event.update(fields)
    return event


def chain(events: list[Event], key: TrailKey | None = KEY) -> list[Event]:
    """The events as stored: each with its `key_id`, `previous_hash` and `hash` (chained by
    plain SHA-256 and without `key_id` when `key` is None, as before the trail had a key)."""
    stored = []
    previous = GENESIS_HASH
    for event in events:
        named = {**event, "key_id": key.id} if key else dict(event)
        current = event_hash(previous, named, key)
        stored.append({**named, "previous_hash": previous, "hash": current})
        previous = current
    return stored


def breaks_of(events: list[Event], **options: object) -> list[ChainBreak]:
    return list(verify_chain(events, KEYS, **options).breaks)  # type: ignore[arg-type]


@pytest.fixture
def trail() -> list[Event]:
    pupil = {"role": "pupil", "name": "Léa Müller-N'Diaye", "signer_id": 11}
    browser = {"ip": "203.0.113.5", "user_agent": "Mozilla/5.0 (iPhone)"}
    return chain(
        [
            make_event("created", 0, role="head", name="Anne Martin", data={"version": 1}),
            make_event("issued", 1, role="head", name="Anne Martin"),
            make_event("invited", 1, **pupil),
            make_event("opened", 60, **pupil, **browser),
            make_event("signed", 65, **pupil, **browser, data={"pdf_sha256": "ab" * 32}),
        ]
    )


def test_event_hash_is_sha256_of_canonical_json() -> None:
    event = {"type": "signed", "name": "Éloïse", "signer_id": 3}
    canonical = (
        '{"event":{"name":"Éloïse","signer_id":3,"type":"signed"},"previous_hash":"'
        + GENESIS_HASH
        + '"}'
    )
    assert event_hash(GENESIS_HASH, event) == hashlib.sha256(canonical.encode()).hexdigest()


def test_event_hash_ignores_key_order_and_the_chain_fields() -> None:
    event = {"type": "opened", "signer_id": 3}
    same = {"signer_id": 3, "type": "opened", "hash": "x", "previous_hash": "y"}
    assert event_hash(GENESIS_HASH, event) == event_hash(GENESIS_HASH, same)


def test_event_hash_depends_on_the_previous_hash() -> None:
    event = {"type": "opened"}
    assert event_hash(GENESIS_HASH, event) != event_hash("1" * 64, event)


@pytest.mark.parametrize("value", [1.5, float("nan"), datetime(2026, 1, 1, tzinfo=UTC), {1: "a"}])
def test_values_that_would_not_round_trip_are_refused(value: object) -> None:
    with pytest.raises(TypeError):
        event_hash(GENESIS_HASH, {"type": "opened", "data": {"value": value}})


def test_iso_utc_has_one_spelling_per_instant() -> None:
    paris = datetime(2026, 11, 28, 10, 30, tzinfo=timezone(timedelta(hours=1)))
    assert iso_utc(paris) == iso_utc(ISSUED_AT) == "2026-11-28T09:30:00.000000Z"
    with pytest.raises(ValueError, match="aware"):
        iso_utc(ISSUED_AT.replace(tzinfo=None))


def test_a_whole_chain_has_no_break(trail: list[Event]) -> None:
    assert breaks_of(trail) == []
    assert breaks_of(trail, last_hash=str(trail[-1]["hash"])) == []
    assert breaks_of([]) == []
    assert breaks_of([], last_hash=GENESIS_HASH) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Lea Muller-N'Diaye"),
        ("at", "2026-11-28T09:31:00.000000Z"),
        ("ip", "198.51.100.7"),
        ("data", {"pdf_sha256": "cd" * 32}),
        ("role", "head"),
    ],
)
def test_an_edited_field_is_found(trail: list[Event], field: str, value: object) -> None:
    trail[4][field] = value
    assert breaks_of(trail) == [ChainBreak(4, BreakKind.EDITED)]


def test_an_added_field_is_found(trail: list[Event]) -> None:
    trail[2]["note"] = "ajouté plus tard"
    assert breaks_of(trail) == [ChainBreak(2, BreakKind.EDITED)]


def test_a_float_written_in_later_is_an_edit_not_a_crash(trail: list[Event]) -> None:
    trail[1]["data"] = {"version": 1.0}
    assert breaks_of(trail) == [ChainBreak(1, BreakKind.EDITED)]


def test_an_edited_event_rehashed_breaks_the_next_link(trail: list[Event]) -> None:
    trail[3]["ip"] = "198.51.100.7"
    trail[3]["hash"] = event_hash(str(trail[3]["previous_hash"]), trail[3], KEY)
    assert breaks_of(trail) == [ChainBreak(4, BreakKind.MISSING)]


def test_a_removed_event_leaves_a_gap(trail: list[Event]) -> None:
    del trail[2]
    assert breaks_of(trail) == [ChainBreak(2, BreakKind.MISSING)]


def test_a_removed_first_event_is_found(trail: list[Event]) -> None:
    del trail[0]
    assert breaks_of(trail) == [ChainBreak(0, BreakKind.MISSING)]


def test_a_swapped_pair_is_out_of_order(trail: list[Event]) -> None:
    trail[2], trail[3] = trail[3], trail[2]
    breaks = breaks_of(trail)
    assert breaks == [
        ChainBreak(2, BreakKind.OUT_OF_ORDER),
        ChainBreak(3, BreakKind.OUT_OF_ORDER),
        ChainBreak(4, BreakKind.OUT_OF_ORDER),
    ]
    assert (
        breaks[0].message
        == "événement n° 3 : déplacé : il ne suit plus l'événement qui le précédait"
    )


def test_a_swapped_first_pair_is_out_of_order(trail: list[Event]) -> None:
    trail[0], trail[1] = trail[1], trail[0]
    kinds = {b.kind for b in breaks_of(trail)}
    assert kinds == {BreakKind.OUT_OF_ORDER}


def test_removed_last_events_show_only_against_the_kept_last_hash(trail: list[Event]) -> None:
    last_hash = str(trail[-1]["hash"])
    del trail[-2:]
    assert breaks_of(trail) == []
    assert breaks_of(trail, last_hash=last_hash) == [ChainBreak(3, BreakKind.TRUNCATED)]
    assert breaks_of([], last_hash=last_hash) == [ChainBreak(0, BreakKind.TRUNCATED)]


def test_messages_are_french(trail: list[Event]) -> None:
    trail[1]["name"] = "Quelqu'un d'autre"
    [edited] = breaks_of(trail)
    assert edited.message == "événement n° 2 : modifié après son enregistrement"
    assert ChainBreak(5, BreakKind.TRUNCATED).message == (
        "les derniers événements ont été supprimés ou réécrits"
    )


def test_stored_events_may_be_any_mapping(trail: list[Event]) -> None:
    rows: list[Mapping[str, object]] = [MappingProxyType(event) for event in trail]
    assert breaks_of(rows) == []


def test_the_key_is_what_makes_a_hash_hold() -> None:
    event = {"type": "opened", "key_id": KEY.id}
    assert event_hash(GENESIS_HASH, event, KEY) != event_hash(GENESIS_HASH, event)
    assert event_hash(GENESIS_HASH, event, KEY) != event_hash(GENESIS_HASH, event, OLD_KEY)
    assert KEY.id != OLD_KEY.id
    assert len(KEY.id) == 16
    with pytest.raises(ValueError, match="32 bytes"):
        TrailKey(b"court")


def rewrite(trail: list[Event], position: int, key: TrailKey | None, **fields: object) -> None:
    """An attacker with write access edits one event and recomputes every hash after it (and
    would update the document's head likewise), under `key` or by plain SHA-256."""
    trail[position].update(fields)
    previous = str(trail[position]["previous_hash"])
    for event in trail[position:]:
        event["previous_hash"] = previous
        if key is None:
            event.pop("key_id", None)
        else:
            event["key_id"] = key.id
        event["hash"] = previous = event_hash(previous, event, key)


def test_a_rewrite_by_plain_sha256_is_found(trail: list[Event]) -> None:
    rewrite(trail, 1, None, data={"guardian_required": False})
    found = breaks_of(trail, last_hash=str(trail[-1]["hash"]))
    assert ChainBreak(1, BreakKind.UNKEYED) in found
    assert found[0].message.endswith(
        "chaîné sans clé après des événements chaînés avec clé : réécrit"
    )


def test_a_rewrite_keeping_the_key_id_but_without_the_key_is_found(trail: list[Event]) -> None:
    trail[1]["data"] = {"guardian_required": False}
    previous = str(trail[1]["previous_hash"])
    for event in trail[1:]:  # the key's id kept, hashes recomputed by plain SHA-256
        event["previous_hash"] = previous
        event["hash"] = previous = event_hash(previous, event)
    found = breaks_of(trail, last_hash=str(trail[-1]["hash"]))
    assert [b.kind for b in found] == [BreakKind.EDITED] * 4


def test_a_rewrite_under_another_key_names_an_unknown_key(trail: list[Event]) -> None:
    stranger = TrailKey(b"s" * 40)
    rewrite(trail, 2, stranger, ip="198.51.100.7")
    assert [b.kind for b in breaks_of(trail)] == [BreakKind.UNKNOWN_KEY] * 3


def test_a_rotated_key_still_verifies_the_events_it_chained() -> None:
    old = chain([make_event("created", 0), make_event("issued", 1)], OLD_KEY)
    assert breaks_of(old) == []
    assert verify_chain(old, TrailKeys(KEY)).breaks[0].kind is BreakKind.UNKNOWN_KEY


def test_events_from_before_the_key_verify_by_sha256_and_are_counted() -> None:
    legacy = chain([make_event("created", 0), make_event("issued", 1)], None)
    checked = verify_chain(legacy, KEYS, last_hash=str(legacy[-1]["hash"]))
    assert checked.breaks == ()
    assert checked.unkeyed == 2
    legacy[0]["ip"] = "198.51.100.7"
    assert [b.kind for b in verify_chain(legacy, KEYS).breaks] == [BreakKind.EDITED]
