"""The rules of a contrat de parcours individualisé (domain README §2.2)."""

from __future__ import annotations

from collections.abc import Iterator

from signing.data.french import format_date_fr
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


def parcours_dates(data: Data, at: Checking) -> Iterator[Finding]:
    """Objectives' deadlines, reviews and the final review fall within the contract's period."""
    period = plausible_period(data)
    if period is None:
        return
    inside = f"pendant le contrat ({period_text(period)})"
    for index, objective in enumerate(data.get("objectives") or []):
        deadline = read_date(read_object(objective).get("deadline"))
        if deadline is not None and outside(deadline, period):
            yield error(
                f"objectives[{index}].deadline",
                f"L'échéance de l'objectif n° {index + 1} ({format_date_fr(deadline)}) "
                f"doit tomber {inside}.",
            )
    for index, value in enumerate(data.get("reviews") or []):
        review = read_date(value)
        if review is not None and outside(review, period):
            yield error(
                f"reviews[{index}]",
                f"Le bilan intermédiaire n° {index + 1} ({format_date_fr(review)}) doit "
                f"avoir lieu {inside}.",
            )
    final = read_date(data.get("final_review"))
    if final is not None and outside(final, period):
        yield error(
            "final_review", f"Le bilan final ({format_date_fr(final)}) doit avoir lieu {inside}."
        )


def pafi_limits(data: Data, at: Checking) -> Iterator[Finding]:
    """A PAFI is for pupils of 15 or more (warning) and lasts one year at most."""
    if data.get("scheme") != "pafi":
        return
    age = age_at_reference(data, at.today)
    if age is not None and age < 15:
        yield warning(
            "scheme",
            f"Le PAFI s'adresse aux élèves d'au moins 15 ans ; l'élève "
            f"aura {age} ans au début du parcours.",
            "pupil.birth_date",
            "start_date",
        )
    period = plausible_period(data)
    if period is not None and (period[1] - period[0]).days > 365:
        yield error(
            "end_date",
            f"Un PAFI dure au plus un an : la période va {period_text(period)}.",
            "start_date",
        )
