"""French formatting for the documents: dates, times, durations and the weekly schedule."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta

from babel.dates import format_date

from signing.data.territory import METROPOLE, Territory

DAYS: tuple[tuple[str, str], ...] = (
    ("monday", "Lundi"),
    ("tuesday", "Mardi"),
    ("wednesday", "Mercredi"),
    ("thursday", "Jeudi"),
    ("friday", "Vendredi"),
    ("saturday", "Samedi"),
    ("sunday", "Dimanche"),
)
"""The keys of a weekly schedule, Monday first (``date.weekday()`` order), with their labels."""

WORKING_WEEK = 6
"""The schedule table always lists Monday to Saturday; Sunday only when it has hours."""


def as_date(value: date | str) -> date:
    """A date from a `date` or an ISO string (``2027-01-06``), as validated data carries them."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(value)


def format_date_fr(value: date | str) -> str:
    """``14 mai 2010``; the first of the month reads ``1er février 2027`` as French usage wants."""
    day = as_date(value)
    text = format_date(day, format="long", locale="fr_FR")
    if day.day == 1 and text.startswith("1 "):
        return "1er" + text[1:]
    return text


def parse_time(text: str) -> int:
    """Minutes since midnight of ``08:30``."""
    hours, _, minutes = text.strip().partition(":")
    return int(hours) * 60 + int(minutes or 0)


def format_time_fr(minutes: int) -> str:
    """``8 h 30``, ``13 h`` (French typography: hours without a leading zero)."""
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def format_duration_fr(minutes: int) -> str:
    """``7 h``, ``3 h 30``, ``45 min``."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def parse_range(text: str) -> tuple[int, int]:
    """``("08:30-12:00")`` → (510, 720), in minutes since midnight."""
    start, _, end = text.partition("-")
    return parse_time(start), parse_time(end)


def day_minutes(ranges: Sequence[str]) -> int:
    """Presence of one day, in minutes."""
    total = 0
    for item in ranges:
        start, end = parse_range(item)
        total += end - start
    return total


def weekly_minutes(schedule: Mapping[str, Sequence[str]]) -> int:
    """Presence of a whole week, in minutes."""
    return sum(day_minutes(schedule.get(key) or ()) for key, _ in DAYS)


def schedule_rows(schedule: Mapping[str, Sequence[str]]) -> list[dict[str, str]]:
    """One row per day, Monday to Saturday (and Sunday when it has hours), ready to print.

    Each row has ``day`` (``Mercredi``), ``ranges`` (``8 h 30 – 12 h, 13 h – 16 h 30``, or
    ``Pas de présence``) and ``total`` (``7 h``, or ``—``).
    """
    rows = []
    for number, (key, label) in enumerate(DAYS):
        ranges = list(schedule.get(key) or ())
        if number >= WORKING_WEEK and not ranges:
            continue
        if ranges:
            shown = _join_fr(
                [
                    f"{format_time_fr(start)} – {format_time_fr(end)}"
                    for start, end in map(parse_range, ranges)
                ]
            )
            total = format_duration_fr(day_minutes(ranges))
        else:
            shown, total = "Pas de présence", "—"
        rows.append({"day": label, "ranges": shown, "total": total})
    return rows


def _join_fr(items: Sequence[str]) -> str:
    """``a``, ``a et b``, ``a, b et c``."""
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} et {items[-1]}"


def presence_days(
    schedule: Mapping[str, Sequence[str]],
    start: date,
    end: date,
    territory: Territory = METROPOLE,
) -> Iterator[tuple[date, int]]:
    """Each day of [start, end] with hours in the schedule, the `territory`'s public holidays
    left out, with its presence in minutes."""
    day = start
    while day <= end:
        minutes = day_minutes(schedule.get(DAYS[day.weekday()][0]) or ())
        if minutes and day not in territory.holidays_of(day.year):
            yield day, minutes
        day += timedelta(days=1)


_FEMININE_RELATIONSHIPS = frozenset(
    {"mère", "belle-mère", "grand-mère", "tante", "sœur", "tutrice", "marraine", "représentante"}
)
"""The relationships (as staff type them: « mère », « tutrice légale ») that make a guardian a
woman, so that her signature block reads « La représentante légale »."""


def guardian_label(relationship: str) -> str:
    """« La représentante légale » for a mother, an aunt, a tutrice…; « Le représentant légal »
    otherwise (the relationship's first word decides)."""
    words = relationship.strip().casefold().replace("soeur", "sœur").split()
    return (
        "La représentante légale"
        if words and words[0] in _FEMININE_RELATIONSHIPS
        else ("Le représentant légal")
    )
