"""The review kind's pure rules: its words agree with the follow-up's vocabulary, its decision
and outcome checks, and what completed reviews make of a contract's follow-up."""

from __future__ import annotations

from datetime import date

import pytest

from signing.data.validate import validate_document
from signing.errors import ValidationFailed
from signing.follow_up import Objective, follow
from signing.follow_up.due import next_due
from signing.follow_up.pathway import period_of
from signing.follow_up.reviews import (
    ended_early_on,
    held_dates,
    outcome_of,
    review_notes,
    review_view,
)
from signing.follow_up.vocabulary import (
    ObjectiveStatus,
    PathwayOutcome,
    ReviewDecision,
    ReviewType,
)
from signing.kinds import Kind
from signing.kinds.bilan.contract import from_contract

TODAY = date(2026, 11, 28)


def _example() -> dict:
    return Kind.REVIEW.spec.example["data"]


@pytest.mark.parametrize(
    ("path", "vocabulary"),
    [
        ("review_type", ReviewType),
        ("decision", ReviewDecision),
        ("outcome", PathwayOutcome),
        ("objectives[].status", ObjectiveStatus),
    ],
)
def test_the_schemas_choices_are_the_vocabularys_words(path, vocabulary):
    choices = Kind.REVIEW.spec.schema.field(path).choices

    assert dict(choices) == {member.value: member.label for member in vocabulary}


def _errors(data: dict) -> dict[str, str]:
    try:
        validate_document(Kind.REVIEW, data, today=TODAY)
    except ValidationFailed as failure:
        return {e.field: e.message for e in failure.errors}
    return {}


def test_the_example_is_valid():
    assert _errors(_example()) == {}


def test_ending_the_pathway_names_its_day_before_the_contracts_end():
    data = {**_example(), "decision": "end"}
    assert "early_end_date" in _errors(data)
    assert "avant" in _errors({**data, "early_end_date": "2027-06-25"})["early_end_date"]
    assert _errors({**data, "early_end_date": "2027-02-15"}) == {}
    assert (
        "seule la décision"
        in _errors({**_example(), "early_end_date": "2027-02-15"})["early_end_date"]
    )


def test_a_final_review_names_the_outcome_and_no_other_does():
    final = {**_example(), "review_type": "final"}
    assert "bilan final" in _errors(final)["outcome"]
    assert _errors({**final, "outcome": "apprenticeship"}) == {}
    assert "seul le bilan final" in _errors({**_example(), "outcome": "apprenticeship"})["outcome"]


def test_a_review_is_held_within_the_contract_and_assesses_each_objective_once():
    assert "hors du contrat" in _errors({**_example(), "review_date": "2027-07-01"})["review_date"]
    twice = _example()
    twice["objectives"][1]["number"] = 1
    assert "objectives[1].number" in _errors(twice)


def test_completed_reviews_end_close_and_note_the_contract():
    contract = Kind.PARCOURS.spec.example["data"]
    first = review_view(7, {**_example(), "decision": "end", "early_end_date": "2027-03-05"})
    final = review_view(
        9,
        {
            **_example(),
            "review_type": "final",
            "review_date": "2027-03-05",
            "planned_date": "2027-06-22",
            "outcome": "back_to_initial_training",
        },
    )

    assert ended_early_on([first, final]) == date(2027, 3, 5)
    assert outcome_of([first]) is None
    assert outcome_of([first, final]) is PathwayOutcome.BACK_TO_INITIAL_TRAINING
    objective = Objective(1, "Assiduité", "", date(2027, 2, 26))
    assert follow(objective, review_notes([first], 1)).status is ObjectiveStatus.REACHED
    period = period_of(contract, ended_early_on=ended_early_on([first]))
    due = next_due(contract, period, [], date(2027, 1, 10))
    assert [(d.what, d.day.isoformat()) for d in due] == [
        ("review", "2027-02-01"),
        ("end", "2027-03-05"),
    ]
    held = next_due(contract, period, [], date(2027, 1, 10), held_dates([first]))
    assert [d.what for d in held] == ["end"]


def test_a_review_started_from_its_contract_takes_its_parties_and_objectives():
    contract = Kind.PARCOURS.spec.example["data"]

    prefill = from_contract(contract, 12)

    assert prefill["parcours_id"] == 12
    assert prefill["pupil"] == contract["pupil"]
    assert prefill["planned_date"] == "2027-02-01"
    assert [o["number"] for o in prefill["objectives"]] == [1, 2]
    assert [a["capacity"] for a in prefill["attendees"]] == ["élève", "mère", "père", "CPE"]
