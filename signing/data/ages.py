"""Age rules: minority is judged on a reference date (the day the document is issued)."""

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
