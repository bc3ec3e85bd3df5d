"""A convention linked to a pathway contract is the same pupil's and inside its period; a PAFI
or dispositif relais contract is signed by every guardian listed (a non-usual act); the tutor may
be the host's representative, who then signs once for both."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from signing.data.territory import METROPOLE
from signing.data.validate import validate_document
from signing.errors import ValidationFailed
from signing.kinds import spec_of
from signing.kinds.convention.pathway import fits_pathway
from signing.kinds.convention.sequence import fits_sequence
from signing.vocabulary import Role

TODAY = date(2026, 11, 28)


def _valid(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return validate_document(kind, data, today=TODAY).data


def test_a_convention_of_the_same_pupil_inside_the_contract_fits(make_request) -> None:
    pathway = _valid("parcours", make_request("parcours")["data"])
    convention = _valid("convention", make_request("convention")["data"])
    convention["pupil"]["first_name"] = "ZOÉ"  # typed another way: the same pupil

    assert fits_pathway(convention, pathway, 12) == []


def test_another_pupils_convention_does_not_fit(make_request) -> None:
    pathway = _valid("parcours", make_request("parcours")["data"])
    convention = _valid("convention", make_request("convention", pupil__first_name="Léa")["data"])

    (issue,) = fits_pathway(convention, pathway, 12)

    assert issue.field == "parcours_id"
    assert issue.message.startswith("Le contrat de parcours n° 12 est celui de Zoé Martin-Lefèvre")


def test_a_convention_outside_the_contracts_period_does_not_fit(make_request) -> None:
    pathway = _valid("parcours", make_request("parcours")["data"])
    convention = make_request("convention")["data"]
    convention["end_date"] = "2027-12-17"
    convention["schedule"] = {"wednesday": ["08:30-12:00", "13:00-16:30"]}
    convention["gratification"] = "4,35 € de l'heure"
    convention = _valid("convention", convention)

    (issue,) = fits_pathway(convention, pathway, 12)

    assert issue.field == "end_date"
    assert "pendant le contrat de parcours n° 12, du 4 janvier 2027 au" in issue.message


def _errors(kind: str, data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as failure:
        validate_document(kind, data, today=TODAY)
    return {e.field: e.message for e in failure.value.errors}


@pytest.mark.parametrize("scheme", ["pafi", "dispositif_relais"])
def test_a_non_usual_scheme_needs_every_guardian(scheme: str, make_request) -> None:
    data = make_request("parcours", scheme=scheme)["data"]
    assert data["guardians"][1]["signs"] is False  # the example's father is only informed

    errors = _errors("parcours", data)

    assert list(errors) == ["guardians[1].signs"]
    assert "acte non usuel" in errors["guardians[1].signs"]
    data["guardians"][1]["signs"] = True
    assert validate_document("parcours", data, today=TODAY).warnings == ()


def test_a_non_usual_scheme_with_one_guardian_reminds_of_the_second(make_request) -> None:
    data = make_request("parcours", scheme="pafi")["data"]
    del data["guardians"][1]

    warnings = validate_document("parcours", data, today=TODAY).warnings

    assert [w.field for w in warnings] == ["guardians"]
    assert "si un second parent exerce l'autorité parentale" in warnings[0].message


def test_a_usual_scheme_lets_one_guardian_sign_for_both(make_request) -> None:
    data = make_request("parcours")["data"]
    assert data["scheme"] == "parcours_individualise"
    assert data["guardians"][1]["signs"] is False

    assert validate_document("parcours", data, today=TODAY).warnings == ()


def test_a_tutor_who_is_the_representative_signs_once_for_both(make_request, school) -> None:
    data = make_request("convention")["data"]
    data["host"]["tutor_is_representative"] = True
    data["host"]["tutor"] = {"first_name": "", "last_name": "", "function": "", "email": ""}

    validated = _valid("convention", data)
    plan = spec_of("convention").plan(validated, school, TODAY)

    tutor = validated["host"]["tutor"]
    assert (tutor["first_name"], tutor["last_name"], tutor["function"]) == (
        "Hélène",
        "Dupont",
        "Gérante",
    )
    assert tutor["email"] == "h.dupont@example.com"
    roles = [p.role for p in plan.parties]
    assert Role.HOST_TUTOR not in roles
    assert roles.count(Role.HOST_REPRESENTATIVE) == 1


def test_without_the_flag_the_tutor_needs_an_address_of_their_own(make_request) -> None:
    data = make_request("convention", host__tutor__email="h.dupont@example.com")["data"]

    errors = _errors("convention", data)

    assert list(errors) == ["host.tutor.email"]
    assert "déjà celui du représentant de l'organisme d'accueil" in errors["host.tutor.email"]


def test_a_pupil_without_an_email_is_told_why_it_is_needed(make_request) -> None:
    data = make_request("parcours")["data"]
    del data["pupil"]["email"]

    errors = _errors("parcours", data)

    assert list(errors) == ["pupil.email"]
    assert "l'élève signe par lien envoyé à cette adresse" in errors["pupil.email"]


def _observation(make_request, kind: str, start: str, end: str, **changes: Any) -> dict[str, Any]:
    week = {
        day: ["09:00-12:00"] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")
    }
    class_name = "3e B" if kind == "observation_college" else "2nde 4"
    data = make_request("convention", internship_type=kind, start_date=start, end_date=end)["data"]
    data.update(schedule=week, site_visit_date=start, **changes)
    data["pupil"].update(birth_date="2011-06-01", class_name=class_name)
    return _valid("convention", data)


def test_a_college_observation_counts_the_days_of_the_pupils_other_conventions(
    make_request,
) -> None:
    first = _observation(make_request, "observation_college", "2027-01-11", "2027-01-13")  # 3
    second = _observation(make_request, "observation_college", "2027-02-01", "2027-02-03")  # 3

    (issue,) = fits_sequence(second, [(7, first)], METROPOLE)

    assert issue.field == "end_date"
    assert issue.message.startswith("L'élève a déjà 3 jour(s) de séquence d'observation")
    assert "(n° 7)" in issue.message
    shorter = _observation(make_request, "observation_college", "2027-02-01", "2027-02-02")
    assert fits_sequence(shorter, [(7, first)], METROPOLE) == []
    other_pupil = copy.deepcopy(first)
    other_pupil["pupil"]["first_name"] = "Léa"
    assert fits_sequence(second, [(7, other_pupil)], METROPOLE) == []


def test_a_seconde_observation_has_one_or_two_hosts_a_week_each(make_request) -> None:
    first = _observation(make_request, "observation_seconde", "2027-06-14", "2027-06-18")
    second = _observation(make_request, "observation_seconde", "2027-06-21", "2027-06-25")
    two_weeks = _observation(make_request, "observation_seconde", "2027-06-14", "2027-06-25")

    assert fits_sequence(second, [(7, first)], METROPOLE) == []
    (issue,) = fits_sequence(second, [(7, two_weeks)], METROPOLE)
    assert issue.field == "end_date"
    assert "une semaine dans chacun" in issue.message
    (third,) = fits_sequence(second, [(7, first), (8, first)], METROPOLE)
    assert third.field == "host.name"
    assert "deux organismes d'accueil" in third.message
