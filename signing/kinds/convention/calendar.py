"""When a convention's period may fall: at least one day of presence, and each observation held
to its texts (domain README §1.1 and §1.3b): 4e and 3e, five days at most, consecutive or not;
seconde générale et technologique, one or two weeks in the last month of the school year. Days of
presence leave the school's public holidays out (`signing.data.territory`)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date

from signing.data.french import format_date_fr
from signing.data.french import presence_days as presence_by_day
from signing.data.rules import Checking, Data, Finding, error, plausible_period
from signing.data.territory import Territory
from signing.kinds.convention.regime import OBSERVATION_COLLEGE, OBSERVATION_SECONDE

COLLEGE_LEVELS = frozenset({"quatrieme", "troisieme"})
"""Code de l'éducation D.332-14: sequences in the last two years of collège, every 3e pupil."""

COLLEGE_DAYS = 5
"""Convention type de collège (circ. MENE2407449C): five days, consecutive or not."""

SECONDE_WEEKS_DAYS = 14
"""Circ. MENE2400643C: one host for two consecutive weeks, or two hosts for one week each."""

SECONDE_SEASON = ((6, 1), (7, 10))
"""« Le dernier mois de l'année scolaire » (D.333-3-1; the 2024 circular sets the sequence in
June): from 1 June to 10 July, the school year's end varying by a few days [À VÉRIFIER each year
against the arrêté fixing the calendar]."""

_CLASS_LEVELS = (
    (re.compile(r"^\s*4\s*(e|è|ème|eme)\b", re.IGNORECASE), "quatrieme"),
    (re.compile(r"^\s*3\s*(e|è|ème|eme)\b", re.IGNORECASE), "troisieme"),
    (re.compile(r"\b(pro|cap|bac\s*pro|bp)\b", re.IGNORECASE), "voie_pro"),
    (re.compile(r"^\s*(2\s*(de|nde|e|nd)?|seconde)\b", re.IGNORECASE), "seconde_gt"),
)


def pupil_level(data: Data) -> str | None:
    """The pupil's level: the `level` field, else read from the class (« 3e B », « 2nde 4 »,
    « 2nde pro MELEC »); None when neither says."""
    level = data.get("level")
    if isinstance(level, str):
        return level
    class_name = (
        data.get("pupil", {}).get("class_name") if isinstance(data.get("pupil"), Mapping) else None
    )
    for pattern, found in _CLASS_LEVELS:
        if isinstance(class_name, str) and pattern.search(class_name):
            return found
    return None


def presence_dates(data: Data, territory: Territory) -> list[date] | None:
    """The days of presence of the period (the territory's public holidays left out); None
    when the period or the schedule is unknown."""
    period, schedule = plausible_period(data), data.get("schedule")
    if period is None or not isinstance(schedule, Mapping):
        return None
    return [day for day, _ in presence_by_day(schedule, *period, territory)]


def some_presence(data: Data, at: Checking) -> Iterator[Finding]:
    """A convention with no day of presence (a Saturday without hours, a public holiday) is an
    error: the period and the schedule must meet at least once."""
    days = presence_dates(data, at.territory)
    if days is not None and not days:
        yield error(
            "schedule",
            "Aucun jour de présence : les horaires ne tombent sur aucun jour de la période "
            f"(jours fériés de {at.territory.name} exclus). Vérifiez les dates et les horaires.",
            "start_date",
            "end_date",
        )


def observation_level(data: Data, at: Checking) -> Iterator[Finding]:
    """An observation of collège is for 4e and 3e, one of seconde for seconde GT (D.332-14,
    D.333-3-1)."""
    kind, level = data.get("internship_type"), pupil_level(data)
    expected = {OBSERVATION_COLLEGE: COLLEGE_LEVELS, OBSERVATION_SECONDE: {"seconde_gt"}}
    if kind not in expected:
        return
    if level is None:
        yield error(
            "level",
            "Indiquez le niveau de l'élève : la classe ne permet pas de savoir si une séquence "
            "d'observation est possible.",
        )
    elif level not in expected[kind]:
        yield error(
            "level",
            "La séquence d'observation de collège est réservée aux élèves de quatrième et de "
            "troisième (article D.332-14 du code de l'éducation)."
            if kind == OBSERVATION_COLLEGE
            else "La séquence d'observation de seconde est réservée aux élèves de seconde "
            "générale et technologique (article D.333-3-1 du code de l'éducation).",
            "pupil.class_name",
        )


def observation_length(data: Data, at: Checking) -> Iterator[Finding]:
    """Collège: five days of presence at most. Seconde: within the last month of the school year,
    two consecutive weeks at most."""
    kind, period, days = (
        data.get("internship_type"),
        plausible_period(data),
        presence_dates(data, at.territory),
    )
    if period is None or days is None:
        return
    if kind == OBSERVATION_COLLEGE and len(days) > COLLEGE_DAYS:
        yield error(
            "end_date",
            f"{len(days)} jours de présence : la séquence d'observation de collège dure cinq "
            "jours au plus, consécutifs ou non.",
            "start_date",
            "schedule",
        )
    if kind != OBSERVATION_SECONDE:
        return
    (m1, d1), (m2, d2) = SECONDE_SEASON
    first, last = date(period[0].year, m1, d1), date(period[0].year, m2, d2)
    if period[0] < first or period[1] > last:
        yield error(
            "start_date",
            "La séquence d'observation de seconde a lieu au cours du dernier mois de l'année "
            f"scolaire : entre le {format_date_fr(first)} et le {format_date_fr(last)}.",
            "end_date",
        )
    elif (period[1] - period[0]).days >= SECONDE_WEEKS_DAYS:
        yield error(
            "end_date",
            "La séquence d'observation de seconde dure une ou deux semaines : deux semaines "
            "consécutives dans un organisme, ou une semaine dans chacun de deux organismes.",
            "start_date",
        )
