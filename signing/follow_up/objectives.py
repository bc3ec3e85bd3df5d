"""A contract's objectives as followed: numbered 1..n in the order the contract lists them, each
with the status and deadline its notes give it (« en cours » and the contract's deadline until a
note says otherwise), and the rule of a new note.

A note is dated (the day it is about, not after today, not before the contract starts) and says
what was seen; « reporté » moves the deadline to a later day inside the contract's period.
Beyond its end the contract itself must change: that is an amendment, signed again
(`AmendmentNeeded`)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from signing.data import typed_text
from signing.data.french import format_date_fr
from signing.errors import AmendmentNeeded, FieldIssue, ValidationFailed
from signing.follow_up.pathway import Period
from signing.follow_up.vocabulary import ObjectiveStatus

NOTE_MAX = 2000
"""The longest note, in characters."""


@dataclass(frozen=True)
class Objective:
    number: int
    label: str
    indicator: str
    deadline: date
    """As the contract set it."""


def objectives_of(data: Mapping[str, Any]) -> tuple[Objective, ...]:
    """The objectives of a contract's validated data, numbered from 1."""
    return tuple(
        Objective(
            number,
            str(item.get("label", "")),
            str(item.get("indicator", "")),
            date.fromisoformat(str(item["deadline"])),
        )
        for number, item in enumerate(data.get("objectives") or [], start=1)
    )


@dataclass(frozen=True)
class NoteView:
    """What the rules need of a stored note."""

    status: ObjectiveStatus
    day: date
    new_deadline: date | None = None
    order: int = 0
    """Its number among the contract's notes: notes of one day in the order they were written."""


@dataclass(frozen=True)
class FollowedObjective:
    objective: Objective
    status: ObjectiveStatus
    deadline: date
    """The contract's, or the last postponement's."""
    notes: tuple[NoteView, ...]
    """Oldest first."""

    def overdue(self, today: date) -> bool:
        """Still open and its deadline passed."""
        return self.status.open and self.deadline < today


def follow(objective: Objective, notes: Iterable[NoteView]) -> FollowedObjective:
    """The objective with its notes: the last one gives its status, the last postponement its
    deadline."""
    ordered = tuple(sorted(notes, key=lambda n: (n.day, n.order)))
    status = ordered[-1].status if ordered else ObjectiveStatus.ONGOING
    deadline = objective.deadline
    for note in ordered:
        if note.status == ObjectiveStatus.POSTPONED and note.new_deadline is not None:
            deadline = note.new_deadline
    return FollowedObjective(objective, status, deadline, ordered)


@dataclass(frozen=True)
class NewNote:
    """A note as it will be kept: its status, text in NFC, day and new deadline."""

    status: ObjectiveStatus
    text: str
    day: date
    new_deadline: date | None


def check_note(
    followed: FollowedObjective,
    period: Period,
    today: date,
    *,
    status: object,
    note: object,
    day: object = None,
    new_deadline: object = None,
) -> NewNote:
    """The note as typed (strings, as a form or JSON gives them; `day` None is today), checked;
    ValidationFailed naming each wrong field, AmendmentNeeded when the new deadline is beyond
    the contract's end."""
    issues: list[FieldIssue] = []
    chosen = _status(status, issues)
    text = _text(note, issues)
    when = today if day in (None, "") else _day("date", "Date de la note", day, issues)
    if when is not None:
        _check_day(when, period, today, issues)
    moved = None
    if chosen == ObjectiveStatus.POSTPONED:
        moved = _day("new_deadline", "Nouvelle échéance", new_deadline, issues, required=True)
    elif new_deadline not in (None, ""):
        issues.append(
            FieldIssue(
                "new_deadline",
                "Nouvelle échéance : seul un objectif « reporté » reçoit une nouvelle échéance.",
            )
        )
    beyond = moved is not None and _check_deadline(moved, followed, period, when, issues)
    if issues or chosen is None or when is None:  # no issue means both are set
        raise (AmendmentNeeded if beyond else ValidationFailed)(issues)
    return NewNote(chosen, text, when, moved)


def _status(value: object, issues: list[FieldIssue]) -> ObjectiveStatus | None:
    if isinstance(value, str) and value in set(ObjectiveStatus):
        return ObjectiveStatus(value)
    choices = ", ".join(f"« {s.label.lower()} » ({s.value})" for s in ObjectiveStatus)
    issues.append(FieldIssue("status", f"Statut : choisissez {choices}."))
    return None


def _text(value: object, issues: list[FieldIssue]) -> str:
    label = "Note"
    if not isinstance(value, str):
        issues.append(FieldIssue("note", f"{label} : écrivez ce qui a été constaté (un texte)."))
        return ""
    refused = typed_text.refusal(label, value, multiline=True)
    if refused:
        issues.append(FieldIssue("note", refused))
        return ""
    text = unicodedata.normalize("NFC", value).strip()
    if not text or len(text) > NOTE_MAX:
        issues.append(
            FieldIssue(
                "note",
                f"{label} : écrivez ce qui a été constaté ({NOTE_MAX} caractères au plus).",
            )
        )
    return text


def _day(
    field: str, label: str, value: object, issues: list[FieldIssue], *, required: bool = False
) -> date | None:
    if value in (None, "") and required:
        issues.append(FieldIssue(field, f"{label} : indiquez la date (AAAA-MM-JJ)."))
        return None
    found = _iso(value)
    if found is None:
        issues.append(FieldIssue(field, f"{label} : date attendue au format AAAA-MM-JJ."))
    return found


def _iso(value: object) -> date | None:
    if not isinstance(value, str) or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _check_day(when: date, period: Period, today: date, issues: list[FieldIssue]) -> None:
    if when > today:
        issues.append(
            FieldIssue(
                "date",
                f"Date de la note : le {format_date_fr(when)} n'est pas encore arrivé "
                f"(aujourd'hui : {format_date_fr(today)}).",
            )
        )
    elif when < period.start:
        issues.append(
            FieldIssue(
                "date",
                f"Date de la note : le suivi commence avec le contrat, le "
                f"{format_date_fr(period.start)}.",
            )
        )


def _check_deadline(
    moved: date,
    followed: FollowedObjective,
    period: Period,
    when: date | None,
    issues: list[FieldIssue],
) -> bool:
    """Add the issue of a postponement to `moved`; True when it is beyond the contract's end."""
    label = "Nouvelle échéance"
    if moved > period.end:
        issues.append(
            FieldIssue(
                "new_deadline",
                f"{label} : le {format_date_fr(moved)} est après la fin du contrat "
                f"(le {format_date_fr(period.end)}). Reporter un objectif au-delà demande un "
                "avenant au contrat, signé à nouveau par toutes les parties.",
            )
        )
        return True
    if moved <= followed.deadline:
        issues.append(
            FieldIssue(
                "new_deadline",
                f"{label} : un report fixe une échéance après l'échéance actuelle "
                f"(le {format_date_fr(followed.deadline)}).",
            )
        )
    elif when is not None and moved < when:
        issues.append(
            FieldIssue(
                "new_deadline",
                f"{label} : le {format_date_fr(moved)} est avant la date de la note.",
            )
        )
    return False
