"""An observation is held to its texts across the pupil's conventions, not only within one
(domain README §1.1): in collège, five days in all, consecutive or not, possibly with several
hosts; in seconde, one host for two consecutive weeks, or two hosts for one week each.

`fits_sequence` receives the convention and the pupil's other live conventions of the same
school year (the service finds them); it keeps those of the same pupil and type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from signing.data.names import fold
from signing.data.territory import Territory
from signing.errors import FieldIssue
from signing.kinds.convention.calendar import COLLEGE_DAYS, presence_dates
from signing.kinds.convention.regime import OBSERVATION_COLLEGE, OBSERVATION_SECONDE

Data = Mapping[str, Any]

SECONDE_HOSTS = 2
"""Circ. MENE2400643C: one host, or two hosts for one week each."""


def _pupil(data: Data) -> tuple[str, str, str]:
    pupil = data.get("pupil") or {}
    names = (fold(str(pupil.get("first_name", ""))), fold(str(pupil.get("last_name", ""))))
    return (*names, str(pupil.get("birth_date", "")))


def _days(data: Data, territory: Territory) -> int:
    return len(presence_dates(data, territory) or [])


def fits_sequence(
    data: Data, others: Sequence[tuple[int, Data]], territory: Territory
) -> list[FieldIssue]:
    """Why this observation, with the pupil's `others` (number, data), breaks its texts."""
    kind = data.get("internship_type")
    if kind not in (OBSERVATION_COLLEGE, OBSERVATION_SECONDE):
        return []
    same = [(n, o) for n, o in others if o.get("internship_type") == kind]
    same = [(n, o) for n, o in same if _pupil(o) == _pupil(data)]
    if not same:
        return []
    if kind == OBSERVATION_COLLEGE:
        return _college(data, same, territory)
    return _seconde(data, same)


def _numbers(same: Sequence[tuple[int, Data]]) -> str:
    return ", ".join(f"n° {n}" for n, _ in same)


def _college(
    data: Data, same: Sequence[tuple[int, Data]], territory: Territory
) -> list[FieldIssue]:
    before = sum(_days(o, territory) for _, o in same)
    if before + _days(data, territory) <= COLLEGE_DAYS:
        return []
    return [
        FieldIssue(
            "end_date",
            f"L'élève a déjà {before} jour(s) de séquence d'observation cette année "
            f"({_numbers(same)}) : la séquence de collège compte cinq jours au plus en tout.",
        )
    ]


def _seconde(data: Data, same: Sequence[tuple[int, Data]]) -> list[FieldIssue]:
    if len(same) >= SECONDE_HOSTS:
        return [
            FieldIssue(
                "host.name",
                "L'élève a déjà deux organismes d'accueil pour sa séquence de seconde "
                f"({_numbers(same)}) : une séquence se fait dans un organisme, ou deux au plus.",
            )
        ]
    weeks = [
        (date.fromisoformat(one["end_date"]) - date.fromisoformat(one["start_date"])).days
        for one in (data, same[0][1])
    ]
    if max(weeks) < 7:
        return []
    return [
        FieldIssue(
            "end_date",
            f"Avec un second organisme ({_numbers(same)}), la séquence de seconde se fait à "
            "raison d'une semaine dans chacun.",
        )
    ]
