"""The one place the service reads the clock (the core is always given the time)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from signing.data.french import format_date_fr, format_time_fr
from signing.data.territory import territory_of

PARIS = ZoneInfo("Europe/Paris")


def now_utc() -> datetime:
    return datetime.now(UTC)


def today_in_paris() -> date:
    """The school's calendar day: a document issued at 00:30 in Paris is dated that day."""
    return datetime.now(PARIS).date()


def paris_day(moment: datetime) -> date:
    """The calendar day in Paris of an aware `moment`."""
    return moment.astimezone(PARIS).date()


def school_day(moment: datetime, uai: str | None) -> date:
    """The calendar day of an aware `moment` at the school of UAI `uai` (La Réunion is three
    hours ahead of Paris in winter: a document issued there at 1 a.m. is dated that day)."""
    return territory_of(uai).day(moment)


def school_moment(moment: datetime, uai: str | None) -> str:
    """``28 décembre 2026 à 10 h (heure de Paris)``: a moment as the school reads it."""
    territory = territory_of(uai)
    local = territory.local(moment)
    clock = format_time_fr(local.hour * 60 + local.minute)
    return f"{format_date_fr(local.date())} à {clock} ({territory.clock_name})"
