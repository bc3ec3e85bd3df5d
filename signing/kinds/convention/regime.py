"""Which legal regime a convention follows, from its internship type and the pupil's age on the
first day of the period (domain README §1.3b): one regime per document, never mixed. Each regime's
visas, articles and annex are in ``clauses.toml`` beside this file."""

from __future__ import annotations

OBSERVATION_COLLEGE = "observation_college"
OBSERVATION_SECONDE = "observation_seconde"
OBSERVATION_PARCOURS = "observation_parcours"
STAGE = "stage"
PFMP = "pfmp"

OBSERVATION_REGIMES = frozenset({OBSERVATION_COLLEGE, OBSERVATION_SECONDE, OBSERVATION_PARCOURS})
"""Séquences d'observation (Code de l'éducation D.331-1 à D.331-9): no work, no pay."""

STAGE_REGIMES = frozenset({STAGE, PFMP})
"""Stages under Code de l'éducation L.124-1: every mention of D.124-4, gratification beyond two
months (L.124-6)."""

OBSERVATION_UNTIL = 16
"""A stage inside a pathway for a pupil under 16 stays an observation: D.331-1 to D.331-9 govern
the pupils under sixteen (Code du travail L.4153-1; domain README §0 and §1.3b)."""


def regime_of(internship_type: str, age: int | None) -> str:
    """The regime of a convention of `internship_type` for a pupil of `age` on its first day
    (None when unknown: a pathway's stage is then judged as an observation, the stricter)."""
    if internship_type in (OBSERVATION_COLLEGE, OBSERVATION_SECONDE, PFMP):
        return internship_type
    if age is not None and age >= OBSERVATION_UNTIL:
        return STAGE
    return OBSERVATION_PARCOURS
