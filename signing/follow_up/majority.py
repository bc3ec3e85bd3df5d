"""Turning 18 during the pathway (issue 13 §6): from the pupil's 18th birthday the guardians are
no longer parties to the contract's new acts (reviews, amendments), which the pupil signs alone;
the guardians get a copy only if the pupil agreed (the act's ``inform_guardians``).

Sources: Code civil 414 (« La majorité est fixée à dix-huit ans accomplis ; à cet âge, chacun est
capable d'exercer les droits dont il a la jouissance ») and 371-1 (parental authority belongs to
the parents « jusqu'à la majorité ou l'émancipation de l'enfant »).

The day an act's age is judged on is the day its parties give their consent: the day it is
issued for signature (`signing.data.parties.plan_signers`; it stands for the signatures, which
follow within the signing deadline), and, before that, the day it is created, which comes
first. Capacity is a condition of a contract's validity (Code civil 1128, 2°), judged when
consent is given (the general rule, not the article's words), not on the day the act tells of:
a review held on the pupil's last day as a minor and issued a week later is signed by an adult,
alone, and the guardians could no longer consent for him. The day a review was held is printed
in it, and used for nothing else here."""

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
    """The pupil's 18th birthday when, on `act_day`, the guardians are no longer parties to the
    contract's new acts: they signed the contract (`guardians_signed`), the pupil was not
    emancipated, and is of age on `act_day` (the day an act is created or issued, or the
    school's day for the worker; see the module); else None."""
    pupil = contract.get("pupil") or {}
    if not guardians_signed or pupil.get("emancipated") or not pupil.get("birth_date"):
        return None
    birthday = eighteenth_birthday(date.fromisoformat(str(pupil["birth_date"])))
    return birthday if birthday <= act_day else None
