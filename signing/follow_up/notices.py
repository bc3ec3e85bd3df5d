"""When the référent is mailed about a due item (issue 13 §5): once `lead_days` before it (from
then to its day, the first pass that sees it), and once when it becomes overdue. Each notice is
kept under the item's key, so neither a second pass nor a second worker mails it again."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

from signing.follow_up.due import DueItem


class NoticeKind(StrEnum):
    UPCOMING = "upcoming"
    """Before the item's day: « à venir »."""
    OVERDUE = "overdue"
    """The item's day passed and it is still to be done: « en retard »."""


def notice_due(item: DueItem, today: date, lead_days: int) -> NoticeKind | None:
    """The notice `item` calls for today, if any (whether it was sent is the service's to
    know)."""
    if item.overdue:
        return NoticeKind.OVERDUE
    if item.day - timedelta(days=lead_days) <= today <= item.day:
        return NoticeKind.UPCOMING
    return None


def item_key(item: DueItem) -> tuple[str, int, date]:
    """What names an item across passes: its kind, its objective (0 for none) and its day (a
    deadline moved is a new item, noticed again)."""
    return (item.what, item.objective or 0, item.day)
