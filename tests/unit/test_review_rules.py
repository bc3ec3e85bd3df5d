"""The review kind's pure rules: its words agree with the follow-up's vocabulary, its decision
and outcome checks, and what completed reviews make of a contract's follow-up."""

from __future__ import annotations

from datetime import date

import pytest

from signing.data.validate import validate_document
from signing.errors import ValidationFailed
from signing.follow_up import Objective, follow
from signing.follow_up.due import next_due
from signing.follow_up.objectives import NoteView
from signing.follow_up.pathway import period_of
from signing.follow_up.reviews import (
    StatusChange,
    awaiting_amendment,
    effects_of,
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


def test_a_review_is_issued_once_held_but_prepared_in_advance():
    held = date(2027, 2, 1)  # the example's day
    before = date(2027, 1, 29)

    with pytest.raises(ValidationFailed) as refused:
        validate_document(Kind.REVIEW, _example(), today=before, issuing=True)

    (error,) = refused.value.errors
    assert error.field == "review_date"
    assert error.message.startswith(
        "La date du bilan ne peut pas être postérieure à aujourd'hui (29 janvier 2027)"
    )
    assert validate_document(Kind.REVIEW, _example(), today=before).warnings == ()  # a draft
    assert validate_document(Kind.REVIEW, _example(), today=held, issuing=True).warnings == ()


def test_a_review_changes_the_statuses_it_gives_another_status_and_ends_or_closes():
    objectives = [
        Objective(1, "Assiduité", "", date(2027, 2, 26)),
        Objective(2, "Orientation", "", date(2027, 5, 28)),
        Objective(3, "Stage", "", date(2027, 5, 28)),
    ]
    data = {
        **_example(),
        "review_type": "final",
        "decision": "end",
        "early_end_date": "2027-02-12",
        "outcome": "apprenticeship",
    }
    data["objectives"] = [
        {**data["objectives"][0], "status": "reached"},
        {**data["objectives"][1], "status": "partly_reached"},
        {"number": 3, "label": "Stage", "assessment": "Trouvé.", "status": "ongoing"},
    ]
    review = review_view(9, data)
    earlier = review_view(7, {**_example(), "review_date": "2027-01-15"})  # 1 reached, 2 partly
    noted = {2: [NoteView(ObjectiveStatus.NOT_REACHED, date(2027, 1, 20))]}

    effects = effects_of(review, objectives, noted, [earlier, review])

    assert effects.changes == (
        StatusChange(2, ObjectiveStatus.NOT_REACHED, ObjectiveStatus.PARTLY_REACHED),
    )  # 1 was already reached; 3 stays « en cours »
    assert effects.early_end == date(2027, 2, 12)
    assert effects.outcome is PathwayOutcome.APPRENTICESHIP
    later = {2: [NoteView(ObjectiveStatus.REACHED, date(2027, 2, 5))]}  # noted after the review
    assert effects_of(review, objectives, later, [review]).changes == (
        StatusChange(1, ObjectiveStatus.ONGOING, ObjectiveStatus.REACHED),
    )
    continued = effects_of(review_view(7, _example()), objectives, {}, [])
    assert (continued.early_end, continued.outcome) == (None, None)


def test_a_review_that_adjusts_awaits_an_amendment_issued_after_it():
    adjust = review_view(7, {**_example(), "decision": "adjust"})
    later = review_view(8, {**_example(), "review_date": "2027-03-01"})

    assert awaiting_amendment([adjust], []) is adjust
    assert awaiting_amendment([adjust], [date(2027, 1, 10)]) is adjust  # an older amendment
    assert awaiting_amendment([adjust], [date(2027, 2, 3)]) is None
    assert awaiting_amendment([adjust, later], []) is None  # the latest review continues
    assert awaiting_amendment([], []) is None


def test_only_a_pupil_who_signs_alone_chooses_the_guardians_copy():
    """A minor's guardians sign the review: the copy « with the pupil's agreement » is refused
    for them, on its field; for a pupil of age it is the pupil's choice."""
    minor = {**_example(), "inform_guardians": True}
    assert "inform_guardians" in _errors(minor)
    born = date(TODAY.year - 19, 1, 1).isoformat()
    adult = {**minor, "pupil": {**minor["pupil"], "birth_date": born}}
    assert "inform_guardians" not in _errors(adult)
