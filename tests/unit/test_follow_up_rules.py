"""Following a completed contract (`signing.follow_up`): its state over its period, its
objectives' statuses and deadlines from their notes, what a note may say, what falls due."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from signing.errors import AmendmentNeeded, ValidationFailed
from signing.follow_up import (
    NoteView,
    Period,
    check_note,
    follow,
    next_due,
    objectives_of,
    pathway_state,
    period_of,
)
from signing.follow_up.objectives import NewNote
from signing.follow_up.vocabulary import ObjectiveStatus, PathwayState
from signing.kinds import spec_of

S = ObjectiveStatus
DATA: dict[str, Any] = spec_of("parcours").example["data"]
"""The example contract: 4 January to 25 June 2027, objectives due 26 February and 28 May."""
PERIOD = period_of(DATA)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2027, 1, 3), PathwayState.UPCOMING),
        (date(2027, 1, 4), PathwayState.ONGOING),
        (date(2027, 6, 25), PathwayState.ONGOING),
        (date(2027, 6, 26), PathwayState.ENDED),
    ],
)
def test_a_contract_is_ongoing_from_its_start_to_its_end_included(
    today: date, state: PathwayState
) -> None:
    assert pathway_state(PERIOD, today) is state


def test_an_early_end_ends_the_contract_sooner_never_later() -> None:
    early = period_of(DATA, ended_early_on=date(2027, 3, 31))
    assert pathway_state(early, date(2027, 4, 1)) is PathwayState.ENDED
    assert pathway_state(early, date(2027, 3, 31)) is PathwayState.ONGOING
    late = period_of(DATA, ended_early_on=date(2027, 9, 1))
    assert late.end == date(2027, 6, 25)


def test_objectives_are_numbered_in_order_with_their_deadlines() -> None:
    objectives = objectives_of(DATA)
    assert [(o.number, o.deadline) for o in objectives] == [
        (1, date(2027, 2, 26)),
        (2, date(2027, 5, 28)),
    ]
    assert objectives[0].label == "Retrouver une assiduité régulière"


def test_the_last_note_gives_the_status_the_last_postponement_the_deadline() -> None:
    first = objectives_of(DATA)[0]
    assert follow(first, []).status is S.ONGOING
    assert follow(first, []).deadline == first.deadline
    notes = [
        NoteView(S.REACHED, date(2027, 3, 10), order=3),
        NoteView(S.POSTPONED, date(2027, 2, 20), date(2027, 3, 12), order=1),
        NoteView(S.ONGOING, date(2027, 3, 1), order=2),
    ]
    followed = follow(first, notes)
    assert followed.status is S.REACHED
    assert followed.deadline == date(2027, 3, 12)
    assert [n.order for n in followed.notes] == [1, 2, 3]
    assert not followed.overdue(date(2027, 4, 1))  # reached: nothing is due any more


def test_an_open_objective_past_its_deadline_is_overdue() -> None:
    followed = follow(objectives_of(DATA)[0], [])
    assert not followed.overdue(date(2027, 2, 26))
    assert followed.overdue(date(2027, 2, 27))


def _check(today: date = date(2027, 2, 1), **values: object) -> NewNote:
    followed = follow(objectives_of(DATA)[0], [])
    return check_note(followed, PERIOD, today, **{"status": "reached", "note": "Vu.", **values})


def test_a_good_note_is_kept_in_nfc_dated_today_by_default() -> None:
    note = _check(note=" Assiduite\u0301 retrouvée. ")
    assert note.status is S.REACHED
    assert note.text == "Assiduité retrouvée."
    assert note.day == date(2027, 2, 1)


def test_a_postponement_inside_the_period_moves_the_deadline() -> None:
    note = _check(status="postponed", new_deadline="2027-03-31", day="2027-01-28")
    assert note.new_deadline == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("values", "field", "words"),
    [
        ({"status": "fini"}, "status", "partiellement atteint"),
        ({"status": None}, "status", "choisissez"),
        ({"note": ""}, "note", "écrivez"),
        ({"note": 12}, "note", "un texte"),
        ({"note": "x" * 2001}, "note", "2000 caractères"),
        ({"note": "Zoé\u202eabc"}, "note", "U+202E"),
        ({"note": "a\u200bb"}, "note", "U+200B"),
        ({"day": "01/02/2027"}, "date", "AAAA-MM-JJ"),
        ({"day": "2027-02-02"}, "date", "pas encore arrivé"),
        ({"day": "2027-01-03"}, "date", "commence avec le contrat"),
        ({"status": "postponed"}, "new_deadline", "indiquez la date"),
        ({"status": "postponed", "new_deadline": "2027-02-26"}, "new_deadline", "après"),
        ({"status": "reached", "new_deadline": "2027-03-01"}, "new_deadline", "reporté"),
    ],
)
def test_a_bad_note_is_refused_naming_its_field(
    values: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _check(**values)
    assert not isinstance(caught.value, AmendmentNeeded)
    assert [e.field for e in caught.value.errors] == [field]
    assert words in caught.value.errors[0].message


def test_a_postponement_beyond_the_contract_needs_an_amendment() -> None:
    with pytest.raises(AmendmentNeeded) as caught:
        _check(status="postponed", new_deadline="2027-06-26")
    (issue,) = caught.value.errors
    assert issue.field == "new_deadline"
    assert "avenant" in issue.message
    assert "25 juin 2027" in issue.message


def test_what_falls_due_in_date_order_overdue_objectives_kept() -> None:
    objectives = objectives_of(DATA)
    followed = [follow(objectives[0], []), follow(objectives[1], [])]
    due = next_due(DATA, PERIOD, followed, date(2027, 3, 1))
    assert [(d.day.isoformat(), d.what, d.overdue) for d in due] == [
        ("2027-02-26", "objective", True),
        ("2027-04-06", "review", False),
        ("2027-05-28", "objective", False),
        ("2027-06-22", "final_review", False),
        ("2027-06-25", "end", False),
    ]
    reached = [follow(objectives[0], [NoteView(S.REACHED, date(2027, 2, 20))]), followed[1]]
    due = next_due(DATA, PERIOD, reached, date(2027, 3, 1))
    assert [d.objective for d in due if d.what == "objective"] == [2]  # the reached one is done


def test_a_period_is_read_from_iso_dates() -> None:
    assert period_of({"start_date": "2027-01-04", "end_date": "2027-06-25"}) == Period(
        date(2027, 1, 4), date(2027, 6, 25)
    )
