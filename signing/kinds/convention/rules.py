"""The rules of a convention de stage (domain README §1), but for the hours of presence
(`signing.kinds.convention.hours`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from signing.data.french import format_date_fr
from signing.data.french import presence_days as presence_by_day
from signing.data.rules import (
    Checking,
    Data,
    Finding,
    age_at_reference,
    error,
    outside,
    period_text,
    plausible_period,
    read_date,
    read_object,
    warning,
)
from signing.kinds.convention.regime import (
    OBSERVATION_PARCOURS,
    OBSERVATION_REGIMES,
    PFMP,
    STAGE_REGIMES,
    regime_of,
)

# Code de l'éducation D.124-6: 7 hours of presence make a day, 22 days a month.
_MINUTES_PER_DAY = 7 * 60


_DAYS_IN_TWO_MONTHS = 44


def site_visit_in_period(data: Data, at: Checking) -> Iterator[Finding]:
    """The school's visit of the internship site happens during the internship."""
    period, visit = plausible_period(data), read_date(data.get("site_visit_date"))
    if period is not None and visit is not None and outside(visit, period):
        yield error(
            "site_visit_date",
            f"La visite du lieu de stage ({format_date_fr(visit)}) doit avoir lieu pendant "
            f"le stage ({period_text(period)}).",
        )


def siret_or_reason(data: Data, at: Checking) -> Iterator[Finding]:
    """A host without a SIRET says why (foreign host, body without SIRET…)."""
    host = data.get("host")
    if isinstance(host, Mapping) and not host.get("siret") and not host.get("siret_missing_reason"):
        yield error(
            "host.siret_missing_reason",
            "Sans n° SIRET, indiquez pourquoi l'organisme d'accueil n'en a pas "
            "(organisme étranger, organisme sans SIRET…).",
            "host.siret",
        )


def start_not_passed(data: Data, at: Checking) -> Iterator[Finding]:
    """Warn when the internship has already started: it must be signed before it starts."""
    start = read_date(data.get("start_date"))
    if start is not None and start < at.today:
        yield warning(
            "start_date",
            f"La date de début ({format_date_fr(start)}) est passée : la "
            "convention doit être signée avant le début du stage.",
        )


def young_pupil_host(data: Data, at: Checking) -> Iterator[Finding]:
    """Under 14 at the start, only a public body or a family business may host the pupil."""
    age = age_at_reference(data, at.today)
    kind = read_object(data.get("host")).get("kind")
    if age is not None and age < 14 and kind in {"private", "association"}:
        yield error(
            "host.kind",
            f"L'élève aura {age} ans au début du stage : avant 14 ans, seul un organisme "
            "public (administration, établissement public, collectivité) ou un "
            "établissement familial peut l'accueillir.",
            "pupil.birth_date",
            "start_date",
        )


def regime_at(data: Data, at: Checking) -> str | None:
    """The convention's regime (`signing.kinds.convention.regime`), None without a type."""
    internship_type = data.get("internship_type")
    if not isinstance(internship_type, str):
        return None
    return regime_of(internship_type, age_at_reference(data, at.today))


def observation_unpaid(data: Data, at: Checking) -> Iterator[Finding]:
    """An observation gives no pay nor gratification (convention types, art. 4): a
    gratification entered would contradict its own article."""
    regime = regime_at(data, at)
    if regime in OBSERVATION_REGIMES and data.get("gratification"):
        why = (
            f"l'élève aura {age_at_reference(data, at.today)} ans au début du stage : avant "
            "16 ans, un stage de parcours est une séquence d'observation"
            if regime == OBSERVATION_PARCOURS
            else "une séquence d'observation ne donne lieu à aucune rémunération ni gratification"
        )
        yield error(
            "gratification",
            f"Pas de gratification pour cette période : {why}. Videz ce champ.",
            "internship_type",
            "pupil.birth_date",
            "start_date",
        )


def presence_days(data: Data, at: Checking) -> int | None:
    """Days of presence over the whole period, 7 hours making a day (Code de l'éducation,
    D.124-6), public holidays left out. None when the period or the schedule is unknown."""
    period, schedule = plausible_period(data), data.get("schedule")
    if period is None or not isinstance(schedule, Mapping):
        return None
    total = sum(minutes for _, minutes in presence_by_day(schedule, *period, at.territory))
    return total // _MINUTES_PER_DAY


def gratification_when_long(data: Data, at: Checking) -> Iterator[Finding]:
    """A stage under L.124-1 of more than two months of presence is paid (L.124-6)."""
    if regime_at(data, at) not in STAGE_REGIMES or data.get("gratification"):
        return
    days = presence_days(data, at)
    if days is not None and days > _DAYS_IN_TWO_MONTHS:
        yield error(
            "gratification",
            f"Le stage compte {days} jours de présence (7 h de présence valant un jour), "
            "soit plus de deux mois : la gratification est obligatoire (montant et "
            "modalités de versement).",
            "schedule",
            "start_date",
            "end_date",
        )


def pfmp_diploma(data: Data, at: Checking) -> Iterator[Finding]:
    """A PFMP names the diploma prepared and the course's annual hours (D.124-4, 1°)."""
    if data.get("internship_type") != PFMP:
        return
    if not data.get("diploma"):
        yield error(
            "diploma", "Pour une PFMP, indiquez le diplôme préparé et l'intitulé de la formation."
        )
    if not data.get("course_hours"):
        yield error(
            "course_hours",
            "Pour une PFMP, indiquez le volume horaire annuel de la formation (article D.124-4, "
            "1° du code de l'éducation).",
        )
