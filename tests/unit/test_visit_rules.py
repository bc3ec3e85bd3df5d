"""The site visit's pure rules (`signing.follow_up.visits`): its state, when it is overdue and
due, what a record and a move must hold, the French refusals."""

from __future__ import annotations

from datetime import date

import pytest

from signing.errors import TransitionRefused, ValidationFailed
from signing.follow_up.visits import (
    Internship,
    VisitState,
    check_done,
    check_move,
    has_internship,
    planned_of,
    require_visited,
    visit_due,
    visit_state,
)
from signing.kinds import Kind
from signing.vocabulary import DocumentState

STAGE = Internship(date(2027, 1, 6), date(2027, 3, 26))
TODAY = date(2027, 2, 5)
DONE = {"done_date": "2027-02-04", "visited_by": "P. Garnier", "report": "Vu.", "tutor_met": "L."}


def fields(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.errors}


def test_a_visit_is_to_plan_planned_overdue_then_done() -> None:
    assert visit_state(None, None, TODAY) == VisitState.TO_PLAN
    assert visit_state(TODAY, None, TODAY) == VisitState.PLANNED
    assert visit_state(date(2027, 2, 4), None, TODAY) == VisitState.OVERDUE
    assert visit_state(date(2027, 2, 4), date(2027, 2, 4), TODAY) == VisitState.DONE
    assert VisitState.OVERDUE.label == "Visite non faite"


def test_a_visit_falls_due_within_the_days_asked_or_when_overdue() -> None:
    assert visit_due(7, date(2027, 2, 12), None, TODAY, 7) is not None
    assert visit_due(7, date(2027, 2, 13), None, TODAY, 7) is None
    late = visit_due(7, date(2027, 2, 1), None, TODAY, 7)
    assert late is not None
    assert (late.what, late.document_id, late.overdue) == ("visit", 7, True)
    assert visit_due(7, date(2027, 2, 1), date(2027, 2, 1), TODAY, 7) is None
    assert visit_due(7, None, None, TODAY, 7) is None


def test_only_a_completed_convention_has_a_visit() -> None:
    data = {"start_date": "2027-01-06", "end_date": "2027-03-26", "site_visit_date": "2027-02-03"}
    assert has_internship(Kind.CONVENTION, data)
    assert not has_internship(Kind.PARCOURS, data)
    assert planned_of(data) == date(2027, 2, 3)
    assert planned_of({}) is None
    require_visited(Kind.CONVENTION, data, DocumentState.COMPLETED)
    with pytest.raises(TransitionRefused, match="pas de stage"):
        require_visited(Kind.PARCOURS, {"includes_internship": True}, DocumentState.COMPLETED)
    with pytest.raises(TransitionRefused, match="finalisée"):
        require_visited(Kind.CONVENTION, data, DocumentState.AWAITING_SIGNATURES)


def test_a_visit_done_holds_a_past_day_who_a_report_and_the_tutor() -> None:
    done = check_done(STAGE, TODAY, False, **DONE)
    assert (done.day, done.report) == (date(2027, 2, 4), "Vu.")
    with pytest.raises(ValidationFailed) as exc:
        check_done(
            STAGE, TODAY, False, done_date="2027-02-06", visited_by="", report=" ", tutor_met=None
        )
    assert fields(exc) == {
        "done_date": "Date de la visite : elle ne peut être à venir.",
        "visited_by": "Personne venue : ce champ est obligatoire.",
        "report": "Compte rendu : ce champ est obligatoire.",
        "tutor_met": "Tuteur rencontré : ce champ est obligatoire.",
    }
    with pytest.raises(ValidationFailed) as exc:
        check_done(STAGE, TODAY, True, **DONE)
    assert fields(exc) == {"done_date": "La visite est déjà notée comme faite."}


def test_a_move_stays_in_the_internship_and_gives_its_reason() -> None:
    first = check_move(STAGE, TODAY, None, False, planned_date="2027-02-10", reason=None)
    assert (first.day, first.reason) == (date(2027, 2, 10), None)
    moved = check_move(
        STAGE, TODAY, date(2027, 2, 3), False, planned_date="2027-02-10", reason=" Tuteur absent. "
    )
    assert moved.reason == "Tuteur absent."
    with pytest.raises(ValidationFailed) as exc:
        check_move(STAGE, TODAY, date(2027, 2, 3), False, planned_date="2027-03-27", reason="")
    assert set(fields(exc)) == {"planned_date", "reason"}
    assert "du 06/01/2027 au 26/03/2027" in fields(exc)["planned_date"]
    with pytest.raises(ValidationFailed) as exc:
        check_move(STAGE, TODAY, None, False, planned_date="2027-02-04", reason=None)
    assert fields(exc) == {"planned_date": "Date prévue : elle ne peut être passée."}
    with pytest.raises(ValidationFailed) as exc:
        check_move(STAGE, TODAY, None, True, planned_date="2027-02-10", reason=None)
    assert "déjà faite" in fields(exc)["planned_date"]
