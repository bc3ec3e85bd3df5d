"""What an amendment says of itself (issue 14 §5): its heading and the fields it changes,
old and new values in French, read from the example documents of each kind."""

from __future__ import annotations

import copy

from signing.data.changes import EMPTY, Change, amendment_heading, changes_between
from signing.kinds import Kind


def _example(kind: str) -> dict:
    return copy.deepcopy(Kind(kind).spec.example["data"])


def test_a_contracts_changes_name_each_field_with_its_item_and_values_in_french():
    before = _example("parcours")
    after = copy.deepcopy(before)
    after["objectives"][1]["deadline"] = "2027-06-01"
    after["end_date"] = "2027-06-30"
    after["amends"] = {"id": 3, "date": "2026-11-28"}  # Cosigne's stamp: not a change

    changes = changes_between(Kind("parcours").spec.schema, before, after)

    assert changes == [
        Change("Date de fin", "25 juin 2027", "30 juin 2027"),
        Change("Échéance de l'objectif (objectif 2)", "28 mai 2027", "1er juin 2027"),
    ]


def test_an_item_added_reads_from_empty_and_a_choice_by_its_label():
    before = _example("convention")
    after = copy.deepcopy(before)
    schema = Kind("convention").spec.schema
    field = next(f for f in schema.fields if f.choices and "." not in f.path and f.path in before)
    other = next(v for v in field.choices if v != before[field.path])
    after[field.path] = other
    guardian = {**before["guardians"][0], "first_name": "Karim", "email": "karim@example.org"}
    after["guardians"] = [*before["guardians"], guardian]

    changes = {c.label: (c.before, c.after) for c in changes_between(schema, before, after)}

    assert changes[field.label] == (field.choices[before[field.path]], field.choices[other])
    item = f"(représentant légal {len(after['guardians'])})"
    added = {label: values for label, values in changes.items() if label.endswith(item)}
    assert added, changes
    assert all(was == EMPTY for was, _ in added.values())
    assert {now for _, now in added.values()} >= {"Karim", "karim@example.org"}


def test_the_same_data_changes_nothing():
    data = _example("parcours")
    assert changes_between(Kind("parcours").spec.schema, data, copy.deepcopy(data)) == []


def test_the_heading_agrees_with_the_kinds_gender():
    contract, convention = Kind("parcours").spec, Kind("convention").spec
    stamp = {"id": 3, "date": "2026-12-01"}
    assert amendment_heading(1, contract.new_article, contract.short_title, stamp) == (
        "Avenant n°\u00a01 au contrat de parcours n°\u00a03 du 1er décembre 2026"
    )
    assert amendment_heading(2, convention.new_article, convention.short_title, stamp) == (
        "Avenant n°\u00a02 à la convention de stage n°\u00a03 du 1er décembre 2026"
    )
