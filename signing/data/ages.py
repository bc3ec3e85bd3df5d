"""Age rules. One reference day judges the pupil's age for everything a document says and checks
(the box of limits, the hour rules, the regime): the first day of its period, or the day it is
issued when that is later. The guardians sign when the pupil is a non-emancipated minor on the
day of issue (legal capacity is judged at signing), which includes every pupil still a minor on
the reference day."""

from __future__ import annotations

from datetime import date

MAJORITY_AGE = 18


def age_on(birth_date: date, day: date) -> int:
    """Completed years on `day` (a pupil born on 29 February turns a year older on 1 March)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def needs_guardian(birth_date: date, emancipated: bool, day: date) -> bool:
    """True when the pupil is a non-emancipated minor on `day` (Code civil 388, 413-6)."""
    return age_on(birth_date, day) < MAJORITY_AGE and not emancipated


def reference_day(start: date | None, issued: date) -> date:
    """The day ages are judged on: the first day of the period, or the issue date when later
    (a contract issued after it started is judged on the day it is issued)."""
    return max(start, issued) if start is not None else issued
