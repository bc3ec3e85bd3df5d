"""The référent's week (issue 13 §5): of the items a followed contract has due (`next_due`, of
any ``what``: objectives, reviews, visits, ends), which fall in the next days, which are
overdue, and where each one is shown on the contract's page. Pure: the service gives the items
and the school's day."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from signing.follow_up.due import DueItem

WITHIN_DAYS = 7
"""Days ahead the page shows: from today to a week later, both included."""

MAX_WITHIN_DAYS = 366


@dataclass(frozen=True)
class WeekItem:
    """One due item of one contract, as the week lists it."""

    document_id: int
    pupil_name: str
    item: DueItem

    @property
    def anchor(self) -> str:
        return anchor_of(self.item)


def anchor_of(item: DueItem) -> str:
    """The place of `item` on its contract's page: an objective's card, else the list of the
    next dates (an item of a kind the page does not know yet: its follow-up section)."""
    if item.what == "objective" and item.objective is not None:
        return f"objectif-{item.objective}"
    if item.what in ("review", "final_review", "end"):
        return "prochaines-echeances"
    if item.what == "visit":
        return "visite"  # the convention's « Visite du lieu de stage » section
    return "suivi"


def in_window(item: DueItem, today: date, within_days: int) -> bool:
    """Not overdue, and due from today to `within_days` days later (both included)."""
    return not item.overdue and today <= item.day <= today + timedelta(days=within_days)


@dataclass(frozen=True)
class Week:
    due: list[WeekItem]
    """In the window, soonest first."""
    overdue: list[WeekItem]
    """Oldest first."""


def week_of(items: Iterable[WeekItem], today: date, within_days: int = WITHIN_DAYS) -> Week:
    """The items split into due in the window and overdue; the rest (later) left out."""
    listed = sorted(items, key=lambda w: (w.item.day, w.pupil_name, w.document_id))
    return Week(
        [w for w in listed if in_window(w.item, today, within_days)],
        [w for w in listed if w.item.overdue],
    )


def parse_within_days(raw: str | None) -> int | str:
    """The window asked (`None` or empty: `WITHIN_DAYS`), or the French reason it is refused."""
    if raw is None or raw.strip() == "":
        return WITHIN_DAYS
    text = raw.strip()
    if not text.isascii() or not text.isdigit() or int(text) > MAX_WITHIN_DAYS:
        return f"nombre entier de jours entre 0 et {MAX_WITHIN_DAYS} attendu (reçu « {raw[:20]} »)"
    return int(text)


def follows(role: str, user_email: str, referent_email: object) -> bool:
    """Whether a staff member follows a contract of their school: the head follows every one;
    a référent the contracts that name them as référent (the contract's ``referent.email``,
    without regard to case: that address is how the contract names its référent, and the
    account's login is the same address); an admin none."""
    if role == "head":
        return True
    if role != "referent" or not isinstance(referent_email, str):
        return False
    return referent_email.strip().casefold() == user_email.strip().casefold()
