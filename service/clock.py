"""The one place the service reads the clock (the core is always given the time)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")


def now_utc() -> datetime:
    return datetime.now(UTC)


def today_in_paris() -> date:
    """The school's calendar day: a document issued at 00:30 in Paris is dated that day."""
    return datetime.now(PARIS).date()


def paris_day(moment: datetime) -> date:
    """The calendar day in Paris of an aware `moment`."""
    return moment.astimezone(PARIS).date()
