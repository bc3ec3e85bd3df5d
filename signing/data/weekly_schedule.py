"""The weekly schedule field: ``{"monday": ["08:30-12:00", "13:30-17:00"], …}``, local time.

Each day is a list of ranges; a range reads ``08:30-12:00`` (also ``8h30-12h`` or ``8:30 – 12``),
and the ranges of a day may neither be reversed nor overlap.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from signing.data.issues import Issues, shown
from signing.data.schema import WEEKDAYS, FieldSpec, Schema

_TIME = r"([0-9]{1,2})(?::([0-9]{2})|[hH]([0-9]{2})?)?"


_RANGE = re.compile(rf"{_TIME}\s*[-–—]\s*{_TIME}")


MAX_RANGES_PER_DAY = 6


def is_empty_schedule(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and all(key in WEEKDAYS for key in value)
        and not any(value.values())
    )


def weekly_schedule(
    schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues
) -> dict[str, list[str]] | None:
    if not isinstance(value, Mapping):
        found.add(path, f"{spec.label} : un objet par jour (monday … sunday) est attendu.")
        return None
    before = len(found.errors)
    for key in value:
        if key not in WEEKDAYS:
            found.add(
                f"{path}.{key}",
                f"Jour inconnu « {shown(key)} » (jours possibles : {', '.join(WEEKDAYS)}).",
            )
    week = {
        day: _day(f"{path}.{day}", french, value.get(day), found)
        for day, french in WEEKDAYS.items()
    }
    return None if len(found.errors) > before else week


def _day(path: str, french: str, value: object, found: Issues) -> list[str]:
    prefix = f"Horaires du {french} :"
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        found.add(path, f"{prefix} une liste de plages « HH:MM-HH:MM » est attendue.")
        return []
    if len(value) > MAX_RANGES_PER_DAY:
        found.add(path, f"{prefix} au plus {MAX_RANGES_PER_DAY} plages par jour.")
        return []
    ranges: list[tuple[int, int]] = []
    for index, raw in enumerate(value):
        where, parsed = f"{path}[{index}]", _range(raw)
        if parsed is None:
            found.add(
                where,
                f"{prefix} plage « {shown(raw)} » illisible (format attendu "
                "HH:MM-HH:MM, par exemple 08:30-12:00).",
            )
        elif parsed[0] >= parsed[1]:
            found.add(where, f"{prefix} la plage {_hhmm(parsed)} finit avant de commencer.")
        else:
            clash = next((r for r in ranges if r[0] < parsed[1] and parsed[0] < r[1]), None)
            if clash is not None:
                found.add(
                    where, f"{prefix} la plage {_hhmm(parsed)} chevauche la plage {_hhmm(clash)}."
                )
        ranges.append(parsed or (0, 0))
    return [_hhmm(r) for r in ranges]


def _range(raw: object) -> tuple[int, int] | None:
    match = _RANGE.fullmatch(raw.strip()) if isinstance(raw, str) else None
    if match is None:
        return None
    h1, m1a, m1b, h2, m2a, m2b = match.groups()
    start = _minutes(h1, m1a or m1b)
    end = _minutes(h2, m2a or m2b)
    return None if start is None or end is None else (start, end)


def _minutes(hours: str, minutes: str | None) -> int | None:
    h, m = int(hours), int(minutes or 0)
    return h * 60 + m if h < 24 and m < 60 else None


def _hhmm(span: tuple[int, int]) -> str:
    (h1, m1), (h2, m2) = divmod(span[0], 60), divmod(span[1], 60)
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"
