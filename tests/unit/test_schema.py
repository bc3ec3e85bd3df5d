"""Loading the field schemas and checking data against them, the way the API sends it."""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from signing.data.schema import TYPES, load_school_schema
from signing.data.validate import Validated, label_for, validate_document, validate_school
from signing.errors import FieldIssue, UnknownKind, ValidationFailed
from signing.kinds import Kind, spec_of

REMOVE = object()


def changed(data: dict[str, Any], changes: dict[str, object]) -> dict[str, Any]:
    """A copy of `data` with each path (``guardians[0].email``) set, or removed with REMOVE."""
    result = copy.deepcopy(data)
    for path, value in changes.items():
        *parents, last = [int(t) if t.isdigit() else t for t in re.findall(r"[^.\[\]]+", path)]
        target: Any = result
        for token in parents:
            target = target[token]
        if value is REMOVE:
            del target[last]
        else:
            target[last] = value
    return result


@dataclass(frozen=True)
class Validation:
    """The example requests, changed and validated on the frozen date."""

    make_request: Callable[..., dict[str, Any]]
    today: date

    def data(self, kind: str, changes: dict[str, object] | None = None) -> dict[str, Any]:
        return changed(self.make_request(kind)["data"], changes or {})

    def validate(self, kind: str, data: object) -> Validated:
        return validate_document(kind, data, today=self.today)

    def errors(self, kind: str, data: object) -> list[FieldIssue]:
        with pytest.raises(ValidationFailed) as caught:
            self.validate(kind, data)
        return caught.value.errors

    def fields(self, kind: str, data: object) -> list[str]:
        return [e.field for e in self.errors(kind, data)]

    def message(self, kind: str, data: object, field: str) -> str:
        messages = [e.message for e in self.errors(kind, data) if e.field == field]
        assert messages, f"no error on {field}"
        return messages[0]


@pytest.fixture
def v(make_request: Callable[..., dict[str, Any]], today: date) -> Validation:
    return Validation(make_request, today)


# --- loading ---------------------------------------------------------------------------------


def test_both_kinds_load_with_their_title_and_the_common_fields_first() -> None:
    parcours, convention = spec_of("parcours").schema, spec_of("convention").schema
    assert (parcours.kind, parcours.title) == ("parcours", "Contrat de parcours individualisé")
    assert (convention.kind, convention.title) == ("convention", "Convention de stage")
    for schema in (parcours, convention):
        assert schema.paths[0] == "pupil"
        assert "guardians[].email" in schema.paths
        assert schema.field("guardians[1].email").type == "email"
    assert convention.field("internship_type").choices["pfmp"].startswith("Période de formation")


def test_schemas_are_cached() -> None:
    assert spec_of("convention").schema is spec_of("convention").schema
    assert load_school_schema() is load_school_schema()


@pytest.mark.parametrize("kind", ["school", "Convention", "", "../parcours"])
def test_unknown_kind(kind: str, v: Validation) -> None:
    with pytest.raises(UnknownKind):
        spec_of(kind)
    with pytest.raises(UnknownKind):
        v.validate(kind, {})


def test_every_declared_field_is_sound() -> None:
    for schema in (spec_of("parcours").schema, spec_of("convention").schema, load_school_schema()):
        for spec in schema.fields:
            assert spec.type in TYPES
            assert spec.label
            if spec.type in {"text", "longtext"}:
                assert spec.max_length, spec.path


def test_schema_helpers() -> None:
    schema = spec_of("parcours").schema
    assert schema.get("objectives[3].deadline") is schema.field("objectives[].deadline")
    assert schema.get("nickname") is None
    with pytest.raises(KeyError):
        schema.field("nickname")
    assert [s.name for s in schema.children("commitments")] == ["pupil", "family", "school"]


def test_defaults_are_read() -> None:
    schema = spec_of("convention").schema
    assert schema.field("pupil.emancipated").default is False
    assert schema.field("guardians[].signs").default is True
    assert "hébergement" in str(schema.field("lodging").default).lower()


def test_labels_tolerate_indices_and_schedule_days() -> None:
    assert label_for("convention", "guardians[1].email") == "Courriel du représentant légal"
    assert label_for("parcours", "objectives[0].deadline") == "Échéance de l'objectif"
    assert label_for("parcours", "reviews[2]") == "Date du bilan intermédiaire"
    assert label_for("convention", "schedule.wednesday[0]").endswith("– mercredi")
    assert label_for("school", "uai") == "N° UAI de l'établissement"
    assert label_for("convention", "nickname") == "nickname"


# --- the examples ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(Kind))
def test_examples_pass_without_warnings(kind: str, v: Validation) -> None:
    validated = v.validate(kind, v.data(kind))
    assert validated.warnings == ()


def test_validated_convention_is_normalised_and_complete(v: Validation) -> None:
    data = v.validate("convention", v.data("convention")).data
    assert data["pupil"]["emancipated"] is False
    assert data["pupil"]["address"] is None
    assert data["guardians"][0]["signs"] is True
    assert data["lodging"].startswith("L'hébergement n'entre pas")
    assert data["gratification"] is None
    assert data["diploma"] is None
    assert data["host"]["siret"] == "12345678200010"
    assert data["schedule"]["wednesday"] == ["08:30-12:00", "13:00-16:30"]
    assert data["schedule"]["sunday"] == []
    assert " ".join(data["schedule"]) == "monday tuesday wednesday thursday friday saturday sunday"
    assert json.loads(json.dumps(data)) == data


def test_absent_optional_list_becomes_empty(v: Validation) -> None:
    data = v.data("parcours", {"reviews": REMOVE, "guardians": REMOVE})
    data["pupil"]["birth_date"] = "2007-01-01"  # of age: no guardian needed
    validated = v.validate("parcours", data).data
    assert validated["reviews"] == []
    assert validated["guardians"] == []


@pytest.mark.parametrize("kind", list(Kind))
def test_validation_is_idempotent(kind: str, v: Validation) -> None:
    once = v.validate(kind, v.data(kind)).data
    assert v.validate(kind, once).data == once


def test_school_example_and_uai_normalisation(school: dict[str, Any]) -> None:
    assert validate_school(school)["uai"] == "0440021J"
    padded = validate_school({**school, "uai": " 440021j "})
    assert padded["uai"] == "0440021J"


def test_school_errors(school: dict[str, Any]) -> None:
    broken = {**school, "uai": "0440021K", "status": "privé", "phone": "12"}
    with pytest.raises(ValidationFailed) as caught:
        validate_school(broken)
    assert [e.field for e in caught.value.errors] == ["uai", "status", "phone"]
    assert "lettre clé" in caught.value.errors[0].message


def test_school_that_is_not_an_object() -> None:
    with pytest.raises(ValidationFailed) as caught:
        validate_school(["0440021J"])
    assert [e.field for e in caught.value.errors] == [""]


# --- shape -----------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [None, [], "convention", 42, [{"pupil": {}}]])
def test_data_that_is_not_an_object(data: object, v: Validation) -> None:
    errors = v.errors("convention", data)
    assert errors == [
        FieldIssue("", "Les données doivent être un objet JSON (des paires « champ : valeur »).")
    ]


def test_unknown_fields_at_any_depth(v: Validation) -> None:
    data = v.data("convention", {"nickname": "Zozo", "host.tutor.age": 40})
    data["guardians"][0]["nir"] = "2100544109999"
    assert v.fields("convention", data) == ["guardians[0].nir", "host.tutor.age", "nickname"]
    assert v.message("convention", data, "nickname") == "Champ inconnu « nickname »."


def test_required_fields(v: Validation) -> None:
    data = changed(
        v.data("convention"),
        {"host.tutor.email": REMOVE, "pupil.first_name": "   ", "activities": None},
    )
    assert v.fields("convention", data) == [
        "pupil.first_name",
        "host.tutor.email",
        "activities",
    ]
    assert v.message("convention", data, "activities") == (
        "Activités prévues : ce champ est obligatoire."
    )


def test_a_missing_object_is_reported_once(v: Validation) -> None:
    data = v.data("convention", {"host": REMOVE})
    assert v.fields("convention", data) == ["host"]


def test_every_problem_is_listed_at_once(v: Validation) -> None:
    data = changed(
        v.data("parcours"),
        {
            "pupil.birth_date": "2010-02-30",
            "guardians[1].email": "karim-at-example.net",
            "objectives": [],
            "end_date": "2026-12-01",  # before the start
        },
    )
    errors = v.errors("parcours", data)
    assert [e.field for e in errors] == [
        "pupil.birth_date",
        "guardians[1].email",
        "objectives",
        "end_date",
    ]
    assert "n'existe pas" in errors[0].message
    assert "adresse électronique invalide" in errors[1].message
    assert "au moins 1" in errors[2].message
    assert "antérieure à la date de début" in errors[3].message


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("start_date", "06/01/2027", "format AAAA-MM-JJ"),
        ("start_date", "2027-1-6", "format AAAA-MM-JJ"),
        ("start_date", 20270106, "format AAAA-MM-JJ"),
        ("start_date", "2027-02-29", "n'existe pas"),
        ("pupil.emancipated", "false", "true ou false"),
        ("pupil.emancipated", 0, "true ou false"),
        ("guardians", {"first_name": "Nadia"}, "une liste est attendue"),
        ("guardians[0]", "Nadia Martin", "un objet est attendu"),
        ("host", ["Dupont"], "un objet est attendu"),
        ("internship_type", "stage", "valeur inconnue « stage »"),
        ("pupil.first_name", 7, "un texte est attendu"),
        ("parcours_id", "../../etc/passwd", "identifiant invalide"),
        ("parcours_id", True, "identifiant invalide"),
        ("host.siret", "12345678200011", "clé de contrôle"),
        ("host.siret", "1234567820001", "14 chiffres"),
        ("referent.phone", "+44 20 7946 0958", "téléphone français"),
        ("referent.email", "paul.garnier@", "adresse électronique invalide"),
    ],
)
def test_type_checks(field: str, value: object, expected: str, v: Validation) -> None:
    data = v.data("convention", {field: value})
    assert expected in v.message("convention", data, field)


def test_a_guardian_list_longer_than_two(v: Validation) -> None:
    guardian = v.data("convention")["guardians"][0]
    data = v.data("convention", {"guardians": [guardian] * 3})
    assert "au plus 2" in v.message("convention", data, "guardians")


def test_ids_and_dates_in_their_accepted_forms(v: Validation) -> None:
    data = changed(v.data("convention"), {"parcours_id": "a1b2-c3", "start_date": date(2027, 1, 6)})
    validated = v.validate("convention", data).data
    assert validated["parcours_id"] == "a1b2-c3"
    assert validated["start_date"] == "2027-01-06"


# --- texts -----------------------------------------------------------------------------------


def test_hostile_but_legitimate_strings_pass_unchanged(v: Validation) -> None:
    name = 'Zoé & <Lou> "O\'Brien"'
    family = "Martin 🦊 👨‍👩‍👧"  # the family emoji holds zero-width joiners
    data = changed(
        v.data("convention"),
        {
            "pupil.first_name": name,
            "pupil.last_name": family,
            "host.name": "{{ host.name }} {% x %}",
        },
    )
    validated = v.validate("convention", data).data
    assert validated["pupil"]["first_name"] == name
    assert validated["pupil"]["last_name"] == family
    assert validated["host"]["name"] == "{{ host.name }} {% x %}"


def test_texts_are_stripped_and_nfc_normalised(v: Validation) -> None:
    decomposed = unicodedata.normalize("NFD", "Hélène Lefèvre")
    assert decomposed != "Hélène Lefèvre"
    data = v.data("convention", {"host.representative.last_name": f"  {decomposed}\t"})
    validated = v.validate("convention", data).data
    assert validated["host"]["representative"]["last_name"] == "Hélène Lefèvre"


def test_length_is_counted_after_normalisation(v: Validation) -> None:
    exactly = unicodedata.normalize("NFD", "é") * 100  # 200 code points, 100 once composed
    data = v.data("convention", {"pupil.first_name": exactly})
    assert v.validate("convention", data).data["pupil"]["first_name"] == "é" * 100
    too_long = v.data("convention", {"pupil.first_name": "é" * 101})
    assert v.message("convention", too_long, "pupil.first_name") == (
        "Prénom de l'élève : 101 caractères, 100 au maximum."
    )


def test_long_texts_have_limits_too(v: Validation) -> None:
    data = v.data("convention", {"activities": "a" * 2001})
    assert "2001 caractères, 2000 au maximum" in v.message("convention", data, "activities")


@pytest.mark.parametrize(
    "text",
    ["Zoé\x00", "Zoé\x1b[31m", "Zoé\nLou", "Zoé\tLou", "Zoé\u202eeoZ", "Zoé\u2028Lou", "Zoé\x7f"],
)
def test_control_characters_are_rejected_in_texts(text: str, v: Validation) -> None:
    data = v.data("convention", {"pupil.first_name": text})
    assert "caractère de contrôle interdit" in v.message("convention", data, "pupil.first_name")


def test_long_texts_keep_newlines_and_tabs_and_unify_line_ends(v: Validation) -> None:
    data = v.data("convention", {"activities": "Ligne 1\r\n\tLigne 2\rLigne 3"})
    validated = v.validate("convention", data).data
    assert validated["activities"] == "Ligne 1\n\tLigne 2\nLigne 3"
    bell = v.data("convention", {"activities": "Ligne 1\x07"})
    assert "U+0007" in v.message("convention", bell, "activities")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("host.name", "Dupont [[sig:head]]"),
        ("activities", "Observer.\n[[SIG:guardian:0]]"),
        ("pupil.last_name", "Martin[[Sig:"),
        ("commitments.school[1]", "Signer ici : [[sig:pupil]]"),
    ],
)
def test_the_signature_anchor_marker_is_refused(field: str, value: str, v: Validation) -> None:
    kind = "parcours" if field.startswith("commitments") else "convention"
    data = v.data(kind, {field: value})
    assert "emplacements de signature" in v.message(kind, data, field)


def test_messages_quote_hostile_values_harmlessly(v: Validation) -> None:
    data = v.data("convention", {"internship_type": "x\x00" + "y" * 100})
    message = v.message("convention", data, "internship_type")
    assert "\x00" not in message
    assert "…" in message


# --- identifiers in the data -----------------------------------------------------------------


def test_siret_is_stored_as_digits(v: Validation) -> None:
    data = v.data("convention", {"host.siret": "123 456 782.00010"})
    assert v.validate("convention", data).data["host"]["siret"] == ("12345678200010")


def test_email_domain_is_normalised(v: Validation) -> None:
    data = v.data("convention", {"host.tutor.email": "M.LeGoff@Example.COM"})
    assert v.validate("convention", data).data["host"]["tutor"]["email"] == ("M.LeGoff@example.com")


# --- weekly schedule -------------------------------------------------------------------------


def test_schedule_times_are_normalised(v: Validation) -> None:
    schedule = {"monday": ["8h30 - 12h", "13:00–16:30"], "tuesday": ["9-12"], "friday": None}
    data = v.data("convention", {"schedule": schedule})
    week = v.validate("convention", data).data["schedule"]
    assert week["monday"] == ["08:30-12:00", "13:00-16:30"]
    assert week["tuesday"] == ["09:00-12:00"]
    assert week["friday"] == []


@pytest.mark.parametrize(
    ("schedule", "field", "expected"),
    [
        ({"mercredi": ["08:30-12:00"]}, "schedule.mercredi", "Jour inconnu « mercredi »"),
        ({"monday": "08:30-12:00"}, "schedule.monday", "une liste de plages"),
        ({"monday": ["08:30"]}, "schedule.monday[0]", "illisible"),
        ({"monday": ["25:00-26:00"]}, "schedule.monday[0]", "illisible"),
        ({"monday": ["08:60-09:00"]}, "schedule.monday[0]", "illisible"),
        ({"monday": [830]}, "schedule.monday[0]", "illisible"),
        ({"monday": ["12:00-08:00"]}, "schedule.monday[0]", "finit avant de commencer"),
        ({"monday": ["08:00-08:00"]}, "schedule.monday[0]", "finit avant de commencer"),
        (
            {"monday": ["08:00-12:00", "11:30-13:00"]},
            "schedule.monday[1]",
            "la plage 11:30-13:00 chevauche la plage 08:00-12:00",
        ),
        ({"monday": ["08:00-09:00"] * 7}, "schedule.monday", "au plus 6 plages"),
        ({}, "schedule", "obligatoire"),
        ({"monday": [], "friday": []}, "schedule", "obligatoire"),
        (["08:30-12:00"], "schedule", "un objet par jour"),
    ],
)
def test_malformed_schedules(schedule: object, field: str, expected: str, v: Validation) -> None:
    data = v.data("convention", {"schedule": schedule})
    assert expected in v.message("convention", data, field)


def test_adjacent_ranges_do_not_overlap(v: Validation) -> None:
    data = v.data("convention", {"schedule": {"monday": ["08:00-10:00", "10:00-11:00"]}})
    assert v.validate("convention", data).data["schedule"]["monday"] == [
        "08:00-10:00",
        "10:00-11:00",
    ]
