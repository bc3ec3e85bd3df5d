"""The rules that span several fields of a document, common to every kind (domain README §1.4,
§2.2, §6), and what a kind's own rules (in its folder) are made of.

Each rule is a pure function of the data and of a `Checking`: the issue date, and the school's
territory. The data has
passed its field checks: dates are ISO strings, schedule ranges ``"HH:MM-HH:MM"``, and a field is
None when absent or when it failed its own check, so a rule judges only what it can read. A rule
yields findings: errors block the document, warnings only inform.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from signing.data.ages import age_on, needs_guardian, reference_day
from signing.data.french import format_date_fr
from signing.data.territory import METROPOLE, Territory
from signing.errors import FieldIssue
from signing.vocabulary import SigningChannel, signing_channel

Data = Mapping[str, Any]


@dataclass(frozen=True)
class Finding:
    """One problem found by a rule. `about` lists the fields it was judged from: when one of them
    already failed its own check, the finding is moot and the schema drops it."""

    issue: FieldIssue
    blocking: bool
    about: tuple[str, ...] = ()


def error(field: str, message: str, *about: str) -> Finding:
    return Finding(FieldIssue(field, message), blocking=True, about=(field, *about))


def warning(field: str, message: str, *about: str) -> Finding:
    return Finding(FieldIssue(field, message), blocking=False, about=(field, *about))


@dataclass(frozen=True)
class Checking:
    """What a rule judges the data against besides the data: the day it is checked (the issue
    date) and where the school is (its public holidays)."""

    today: date
    territory: Territory = METROPOLE
    reserved_emails: Mapping[str, str] = field(default_factory=dict)
    """Addresses no signer of the data may use, each with whose it is (« du chef
    d'établissement »): the school's head signs from hers, and a link sent there is hers."""
    issuing: bool = False
    """The data is checked to be issued, not saved as a draft: a rule of what may be prepared in
    advance but not issued yet (a review not held) is an error then, a warning before."""


Rule = Callable[[Data, Checking], Iterator[Finding]]


def check(rules: Sequence[Rule], data: Data, at: Checking) -> tuple[Finding, ...]:
    """Every finding of `rules` (a kind's `all_rules`: the common ones, then its own) on checked
    data."""
    return tuple(finding for rule in rules for finding in rule(data, at))


# ---------------------------------------------------------------------------------------------
# Reading checked data


def read_date(value: object) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


def read_object(value: object) -> Data:
    return value if isinstance(value, Mapping) else {}


def birth_date(data: Data) -> date | None:
    return read_date(read_object(data.get("pupil")).get("birth_date"))


# No contract nor internship runs this long; a longer period is a typo (2207 for 2027), and
# judging it would mean walking through centuries of days.
MAX_PERIOD_DAYS = 3 * 366


def plausible_period(data: Data) -> tuple[date, date] | None:
    """(start, end) when both are known and make a plausible period."""
    start, end = read_date(data.get("start_date")), read_date(data.get("end_date"))
    if start and end and start <= end and (end - start).days <= MAX_PERIOD_DAYS:
        return start, end
    return None


def period_text(period: tuple[date, date]) -> str:
    return f"du {format_date_fr(period[0])} au {format_date_fr(period[1])}"


def age_at_reference(data: Data, today: date) -> int | None:
    """The pupil's age on the reference day (`signing.data.ages.reference_day`): the first day
    of the period, or `today` when later."""
    birth, start = birth_date(data), read_date(data.get("start_date"))
    if birth is None or start is None:
        return None
    day = reference_day(start, today)
    return age_on(birth, day) if birth <= day else None


def guardians_sign(data: Data, today: date) -> bool:
    """True unless the pupil is known to be of age or emancipated on `today`."""
    birth = birth_date(data)
    emancipated = read_object(data.get("pupil")).get("emancipated") is True
    return birth is None or needs_guardian(birth, emancipated, today)


def signing_guardians(data: Data) -> list[tuple[int, Data]]:
    """The guardians the data says sign (every one not marked ``signs: false``), with their
    index."""
    guardians = data.get("guardians") or []
    return [
        (index, g)
        for index, g in enumerate(guardians)
        if isinstance(g, Mapping) and g.get("signs") is not False
    ]


def signs_by_link(person: Data) -> bool:
    """Whether this person of the data (the pupil, a guardian) signs through a link mailed to
    them (``signs_by``, by link when absent): only they need an email (issue 14 §3)."""
    return signing_channel(person.get("signs_by")) is SigningChannel.LINK


def outside(day: date, period: tuple[date, date]) -> bool:
    return not period[0] <= day <= period[1]


# ---------------------------------------------------------------------------------------------
# Every kind


def period_order(data: Data, at: Checking) -> Iterator[Finding]:
    """The end date is not before the start date, nor more than three years after it."""
    start, end = read_date(data.get("start_date")), read_date(data.get("end_date"))
    if start and end and end < start:
        yield error(
            "end_date",
            f"La date de fin ({format_date_fr(end)}) est antérieure à la date "
            f"de début ({format_date_fr(start)}).",
            "start_date",
        )
    elif start and end and (end - start).days > MAX_PERIOD_DAYS:
        yield error(
            "end_date",
            f"La période du {format_date_fr(start)} au {format_date_fr(end)} dépasse trois ans : "
            "vérifiez les dates.",
            "start_date",
        )


def pupil_age(data: Data, at: Checking) -> Iterator[Finding]:
    """The birth date is not in the future and gives an age of 10 to 25 on `today`."""
    birth = birth_date(data)
    if birth is None:
        return
    if birth > at.today:
        yield error(
            "pupil.birth_date", f"La date de naissance ({format_date_fr(birth)}) est dans le futur."
        )
        return
    age = age_on(birth, at.today)
    if not 10 <= age <= 25:
        yield error(
            "pupil.birth_date",
            f"L'élève aurait {age} ans le {format_date_fr(at.today)} : vérifiez la date de "
            "naissance (un âge de 10 à 25 ans est attendu).",
        )


def emancipation_age(data: Data, at: Checking) -> Iterator[Finding]:
    """Only a minor of 16 or more can be emancipated (Code civil, art. 413-2)."""
    birth = birth_date(data)
    if birth and birth <= at.today and read_object(data.get("pupil")).get("emancipated") is True:
        age = age_on(birth, at.today)
        if age < 16:
            yield error(
                "pupil.emancipated",
                f"Un mineur ne peut être émancipé qu'à partir de 16 ans ; l'élève a {age} ans.",
                "pupil.birth_date",
            )


def guardian_signature(data: Data, at: Checking) -> Iterator[Finding]:
    """A non-emancipated minor needs a signing guardian; a signing guardian who signs by link
    needs an email (one who signs in person or on paper does not)."""
    birth = birth_date(data)
    if birth is None or birth > at.today or not guardians_sign(data, at.today):
        return
    signing = signing_guardians(data)
    if not signing:
        yield error(
            "guardians",
            f"L'élève est mineur ({age_on(birth, at.today)} ans le {format_date_fr(at.today)}) "
            "et non émancipé : au moins un représentant légal doit signer.",
            "pupil.birth_date",
            "pupil.emancipated",
        )
    for index, guardian in signing:
        if not guardian.get("email") and signs_by_link(guardian):
            yield error(
                f"guardians[{index}].email",
                f"Le représentant légal n° {index + 1} signe par lien envoyé par courriel : "
                "son courriel est obligatoire pour lui envoyer ce lien. Sans adresse, "
                "choisissez qu'il signe en présence, sur l'appareil de l'établissement, ou "
                "sur papier.",
                f"guardians[{index}].signs_by",
            )


def pupil_email(data: Data, at: Checking) -> Iterator[Finding]:
    """A pupil who signs by link needs an email to receive it; one who signs in person or on
    paper does not (issue 14 §3), and the refusal says which ways there are."""
    pupil = data.get("pupil")
    if isinstance(pupil, Mapping) and not pupil.get("email") and signs_by_link(pupil):
        yield error(
            "pupil.email",
            "Courriel de l'élève : l'élève signe par lien envoyé à cette adresse, qui est donc "
            "obligatoire. Indiquez son adresse de messagerie de l'ENT ou une adresse "
            "personnelle ; sans adresse, choisissez qu'il signe en présence, sur l'appareil "
            "de l'établissement, ou sur papier.",
            "pupil.signs_by",
        )


COMMON_RULES: tuple[Rule, ...] = (
    period_order,
    pupil_age,
    emancipation_age,
    guardian_signature,
    pupil_email,
)
"""The rules of every kind, before its `distinct_emails` (`signing.data.signer_emails`) and its
own."""
