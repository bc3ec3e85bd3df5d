"""The rules of a convention de stage (domain README §1), but for the hours of presence
(`signing.kinds.convention.hours`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date

from signing.data.french import format_date_fr
from signing.data.french import presence_days as presence_by_day
from signing.data.rules import (
    Data,
    Finding,
    age_at_start,
    error,
    outside,
    period_text,
    plausible_period,
    read_date,
    read_object,
    warning,
)

OBSERVATION = frozenset({"observation_college", "observation_seconde"})


PAID_WHEN_LONG = frozenset({"pfmp", "stage_parcours"})


# Code de l'éducation D.124-6: 7 hours of presence make a day, 22 days a month.
_MINUTES_PER_DAY = 7 * 60


_DAYS_IN_TWO_MONTHS = 44


def site_visit_in_period(data: Data, today: date) -> Iterator[Finding]:
    """The school's visit of the internship site happens during the internship."""
    period, visit = plausible_period(data), read_date(data.get("site_visit_date"))
    if period is not None and visit is not None and outside(visit, period):
        yield error(
            "site_visit_date",
            f"La visite du lieu de stage ({format_date_fr(visit)}) doit avoir lieu pendant "
            f"le stage ({period_text(period)}).",
        )


def siret_or_reason(data: Data, today: date) -> Iterator[Finding]:
    """A host without a SIRET says why (foreign host, body without SIRET…)."""
    host = data.get("host")
    if isinstance(host, Mapping) and not host.get("siret") and not host.get("siret_missing_reason"):
        yield error(
            "host.siret_missing_reason",
            "Sans n° SIRET, indiquez pourquoi l'organisme d'accueil n'en a pas "
            "(organisme étranger, organisme sans SIRET…).",
            "host.siret",
        )


def start_not_passed(data: Data, today: date) -> Iterator[Finding]:
    """Warn when the internship has already started: it must be signed before it starts."""
    start = read_date(data.get("start_date"))
    if start is not None and start < today:
        yield warning(
            "start_date",
            f"La date de début ({format_date_fr(start)}) est passée : la "
            "convention doit être signée avant le début du stage.",
        )


def young_pupil_host(data: Data, today: date) -> Iterator[Finding]:
    """Under 14 at the start, only a public body or a family business may host the pupil."""
    age = age_at_start(data)
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


def observation_unpaid(data: Data, today: date) -> Iterator[Finding]:
    """An observation sequence gives no pay nor gratification (warning when one is entered)."""
    if data.get("internship_type") in OBSERVATION and data.get("gratification"):
        yield warning(
            "gratification",
            "Une séquence d'observation ne donne lieu à aucune rémunération ni gratification.",
        )


def presence_days(data: Data) -> int | None:
    """Days of presence over the whole period, 7 hours making a day (Code de l'éducation,
    D.124-6), public holidays left out. None when the period or the schedule is unknown."""
    period, schedule = plausible_period(data), data.get("schedule")
    if period is None or not isinstance(schedule, Mapping):
        return None
    total = sum(minutes for _, minutes in presence_by_day(schedule, *period))
    return total // _MINUTES_PER_DAY


def gratification_when_long(data: Data, today: date) -> Iterator[Finding]:
    """A PFMP or parcours internship of more than two months of presence is paid."""
    if data.get("internship_type") not in PAID_WHEN_LONG or data.get("gratification"):
        return
    days = presence_days(data)
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


def pfmp_diploma(data: Data, today: date) -> Iterator[Finding]:
    """A PFMP names the diploma prepared."""
    if data.get("internship_type") == "pfmp" and not data.get("diploma"):
        yield error(
            "diploma", "Pour une PFMP, indiquez le diplôme préparé et l'intitulé de la formation."
        )
