"""Turning 18 during the pathway (issue 13 §6): from the pupil's 18th birthday the guardians are
no longer parties to the contract's new acts (reviews, amendments), which the pupil signs alone
(Code civil 414, 371-1); the guardians get a copy only if the pupil agreed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from signing.data.ages import MAJORITY_AGE


def eighteenth_birthday(birth: date) -> date:
    """The day a pupil born on `birth` comes of age (born on 29 February: 1 March)."""
    try:
        return birth.replace(year=birth.year + MAJORITY_AGE)
    except ValueError:
        return date(birth.year + MAJORITY_AGE, 3, 1)


def came_of_age(contract: Mapping[str, Any], guardians_signed: bool, act_day: date) -> date | None:
    """The pupil's 18th birthday when a new act of the contract dated `act_day` is the first
    the guardians are no longer parties to: they signed the contract (`guardians_signed`), the
    pupil was not emancipated, and is of age on `act_day`; else None."""
    pupil = contract.get("pupil") or {}
    if not guardians_signed or pupil.get("emancipated") or not pupil.get("birth_date"):
        return None
    birthday = eighteenth_birthday(date.fromisoformat(str(pupil["birth_date"])))
    return birthday if birthday <= act_day else None
