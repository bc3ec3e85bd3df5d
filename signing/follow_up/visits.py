"""The site visit of an internship (issue 13 §4): a task with a date, planned from the
convention's « date prévue de la visite sur le lieu de stage » (its field ``site_visit_date``),
then done or moved by the référent or the head. Pure rules: its state, when it is overdue, what a
record and a move must hold, with French refusals.

Source: the convention's clause « Encadrement et suivi » (code de l'éducation D.124-4, 2° et 7° ;
L.124-1, the référent checks the internship's progress), printed as « une visite de l'enseignant
référent sur le lieu de stage est prévue le … »; for a pathway, the seed's « une visite sur le
lieu de stage doit être prévue » (/work/shared/domain/README.md, « Modalités de suivi »: for a
parcours, a planned visit date is required)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from signing.errors import FieldIssue, TransitionRefused, ValidationFailed
from signing.follow_up.due import DueItem
from signing.kinds import Kind
from signing.vocabulary import DocumentState

VISIT = "visit"
REPORT_MAX = 4000
NAME_MAX = 250
REASON_MAX = 1000


class VisitState(StrEnum):
    TO_PLAN = "to_plan"
    """No date yet: « à planifier »."""
    PLANNED = "planned"
    OVERDUE = "overdue"
    """Its date passed without a report: « Visite non faite »."""
    DONE = "done"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    VisitState.TO_PLAN: "À planifier",
    VisitState.PLANNED: "Prévue",
    VisitState.OVERDUE: "Visite non faite",
    VisitState.DONE: "Faite",
}


@dataclass(frozen=True)
class Internship:
    """The internship a visit belongs to: its period, from the convention."""

    start: date
    end: date


@dataclass(frozen=True)
class Done:
    day: date
    visited_by: str
    report: str
    tutor_met: str


@dataclass(frozen=True)
class Move:
    day: date
    reason: str | None


def has_internship(kind: Kind, data: Mapping[str, Any]) -> bool:
    """A convention de stage is one internship; a contract's internships carry their visit on
    their own conventions (linked through ``parcours_id``)."""
    return kind == Kind.CONVENTION and bool(data.get("start_date")) and bool(data.get("end_date"))


def internship_of(data: Mapping[str, Any]) -> Internship:
    return Internship(
        date.fromisoformat(str(data["start_date"])), date.fromisoformat(str(data["end_date"]))
    )


def planned_of(data: Mapping[str, Any]) -> date | None:
    """The visit's date the convention says, None when it says none (« à planifier »)."""
    value = data.get("site_visit_date")
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def require_visited(kind: Kind, data: Mapping[str, Any], state: DocumentState) -> None:
    """TransitionRefused (409, in French) unless the document is a completed internship."""
    if not has_internship(kind, data):
        raise TransitionRefused(
            VISIT,
            state,
            "ce document n'a pas de stage : la visite se note sur la convention de stage",
        )
    if state != DocumentState.COMPLETED:
        raise TransitionRefused(
            VISIT,
            state,
            f"la visite se suit quand la convention est signée par tous et finalisée "
            f"(elle est : « {state.label} »)",
        )


def visit_state(planned: date | None, done: date | None, today: date) -> VisitState:
    if done is not None:
        return VisitState.DONE
    if planned is None:
        return VisitState.TO_PLAN
    return VisitState.OVERDUE if planned < today else VisitState.PLANNED


def _day(value: object, field: str, label: str, issues: list[FieldIssue]) -> date | None:
    if value is None or value == "":
        issues.append(FieldIssue(field, f"{label} : indiquez une date."))
        return None
    try:
        return date.fromisoformat(str(value)) if isinstance(value, str) else _not_a_date()
    except ValueError:
        issues.append(FieldIssue(field, f"{label} : date attendue au format AAAA-MM-JJ."))
        return None


def _not_a_date() -> date:
    raise ValueError


def _text(value: object, field: str, label: str, limit: int, issues: list[FieldIssue]) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        issues.append(FieldIssue(field, f"{label} : ce champ est obligatoire."))
    elif len(text) > limit:
        issues.append(FieldIssue(field, f"{label} : {limit} caractères au plus."))
    return text


def check_done(
    internship: Internship,
    today: date,
    already_done: bool,
    *,
    done_date: object,
    visited_by: object,
    report: object,
    tutor_met: object,
) -> Done:
    """The record of a visit done, or ValidationFailed: a day not in the future nor before the
    internship's start, who visited, a short report, the tutor met; a visit is done once."""
    if already_done:
        raise ValidationFailed([FieldIssue("done_date", "La visite est déjà notée comme faite.")])
    issues: list[FieldIssue] = []
    day = _day(done_date, "done_date", "Date de la visite", issues)
    if day is not None and day > today:
        issues.append(FieldIssue("done_date", "Date de la visite : elle ne peut être à venir."))
    elif day is not None and day < internship.start:
        issues.append(
            FieldIssue("done_date", "Date de la visite : elle ne peut précéder le début du stage.")
        )
    who = _text(visited_by, "visited_by", "Personne venue", NAME_MAX, issues)
    words = _text(report, "report", "Compte rendu", REPORT_MAX, issues)
    tutor = _text(tutor_met, "tutor_met", "Tuteur rencontré", NAME_MAX, issues)
    if issues or day is None:
        raise ValidationFailed(issues)
    return Done(day, who, words, tutor)


def check_move(
    internship: Internship,
    today: date,
    current: date | None,
    done: bool,
    *,
    planned_date: object,
    reason: object,
) -> Move:
    """A new date inside the internship, not in the past; a reason when a date was set
    (moving), none needed for a first plan. A visit done is not moved."""
    if done:
        raise ValidationFailed(
            [FieldIssue("planned_date", "La visite est déjà faite : elle ne se déplace plus.")]
        )
    issues: list[FieldIssue] = []
    day = _day(planned_date, "planned_date", "Date prévue", issues)
    if day is not None and not internship.start <= day <= internship.end:
        period = f"{internship.start:%d/%m/%Y} au {internship.end:%d/%m/%Y}"
        issues.append(FieldIssue("planned_date", f"Date prévue : pendant le stage, du {period}."))
    elif day is not None and day < today:
        issues.append(FieldIssue("planned_date", "Date prévue : elle ne peut être passée."))
    why: str | None = None
    if current is not None:
        why = _text(reason, "reason", "Raison du déplacement", REASON_MAX, issues)
    if issues or day is None:
        raise ValidationFailed(issues)
    return Move(day, why)


def overdue(planned: date | None, done: date | None, today: date) -> bool:
    return visit_state(planned, done, today) == VisitState.OVERDUE


def visit_due(
    document_id: int, planned: date | None, done: date | None, today: date, within_days: int
) -> DueItem | None:
    """The visit as an item falling due (`DueItem`, what ``visit``): open, with a date within
    `within_days` from today, or overdue; None otherwise (done, to plan, or later)."""
    if done is not None or planned is None:
        return None
    late = overdue(planned, done, today)
    if not late and (planned - today).days > within_days:
        return None
    label = "Visite non faite du lieu de stage" if late else "Visite du lieu de stage"
    return DueItem(planned, "visit", label, overdue=late, document_id=document_id)
