"""The rules across fields, through `validate_document` as the API calls it, on the frozen date
2026-11-28. The example pupil, born on 2010-05-14, is 16 then and at the start of the internship.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from signing.data.rules import Checking
from signing.data.validate import validate_document
from signing.errors import FieldIssue, ValidationFailed
from signing.kinds import Kind, spec_of
from signing.kinds.convention.rules import presence_days
from signing.kinds.parcours.guardians import copy_offered
from signing.vocabulary import SigningChannel

REMOVE = object()

BORN_13_AT_START = "2013-06-01"
BORN_14_AT_START = "2012-06-01"
BORN_15_AT_START = "2011-06-01"
BORN_17 = "2009-06-01"
ADULT = "2007-01-01"
FULL_DAY = ["08:30-12:00", "13:00-16:30"]  # 7 h with a one-hour lunch break


@dataclass(frozen=True)
class Validation:
    """The example requests, changed and validated on the frozen date."""

    make_request: Callable[..., dict[str, Any]]
    today: date

    def data(self, kind: str, **changes: object) -> dict[str, Any]:
        """The example's data with paths (``guardians__0__email``) set, or deleted by REMOVE."""
        removed = [path for path, value in changes.items() if value is REMOVE]
        kept = {path: value for path, value in changes.items() if value is not REMOVE}
        data: dict[str, Any] = self.make_request(kind, **kept)["data"]
        for path in removed:
            *parents, leaf = path.split("__")
            target: Any = data
            for part in parents:
                target = target[int(part)] if isinstance(target, list) else target[part]
            del target[leaf]
        return data

    def validated(self, kind: str, data: dict[str, Any]) -> dict[str, Any]:
        return validate_document(kind, data, today=self.today).data

    def outcome(self, kind: str, data: dict[str, Any]) -> tuple[list[FieldIssue], list[FieldIssue]]:
        """(errors, warnings) of a validation."""
        try:
            validated = validate_document(kind, data, today=self.today)
        except ValidationFailed as failure:
            return failure.errors, failure.warnings
        return [], list(validated.warnings)

    def only_error(self, kind: str, data: dict[str, Any]) -> FieldIssue:
        errors, _ = self.outcome(kind, data)
        assert len(errors) == 1, errors
        return errors[0]

    def only_warning(self, kind: str, data: dict[str, Any]) -> FieldIssue:
        errors, warnings = self.outcome(kind, data)
        assert errors == []
        assert len(warnings) == 1, warnings
        return warnings[0]

    def passes(self, kind: str, data: dict[str, Any]) -> bool:
        return self.outcome(kind, data) == ([], [])


@pytest.fixture
def v(make_request: Callable[..., dict[str, Any]], today: date) -> Validation:
    return Validation(make_request, today)


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(Kind))
def test_end_before_start(kind: str, v: Validation) -> None:
    error = v.only_error(kind, v.data(kind, end_date="2027-01-03"))
    assert error.field == "end_date"
    assert error.message.startswith("La date de fin (3 janvier 2027) est antérieure")


@pytest.mark.parametrize("kind", list(Kind))
def test_a_period_of_more_than_three_years_is_a_typo(kind: str, v: Validation) -> None:
    error = v.only_error(kind, v.data(kind, end_date="9999-12-31"))
    assert error.field == "end_date"
    assert "dépasse trois ans" in error.message


def test_end_on_the_start_day_is_allowed(v: Validation) -> None:
    data = v.data("convention", end_date="2027-01-06", site_visit_date="2027-01-06")
    assert v.outcome("convention", data)[0] == []


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"objectives__1__deadline": "2027-06-26"}, "objectives[1].deadline", "L'échéance de"),
        ({"objectives__0__deadline": "2027-01-03"}, "objectives[0].deadline", "objectif n° 1"),
        ({"reviews__0": "2026-12-15"}, "reviews[0]", "Le bilan intermédiaire n° 1"),
        ({"final_review": "2027-07-01"}, "final_review", "Le bilan final (1er juillet 2027)"),
    ],
)
def test_parcours_dates_inside_the_period(
    changes: dict[str, object], field: str, expected: str, v: Validation
) -> None:
    error = v.only_error("parcours", v.data("parcours", **changes))
    assert error.field == field
    assert expected in error.message
    assert "du 4 janvier 2027 au 25 juin 2027" in error.message


def test_dates_on_the_bounds_are_inside(v: Validation) -> None:
    data = v.data("parcours", objectives__0__deadline="2027-01-04", final_review="2027-06-25")
    assert v.passes("parcours", data)


def test_site_visit_inside_the_internship(v: Validation) -> None:
    error = v.only_error("convention", v.data("convention", site_visit_date="2027-04-01"))
    assert error.field == "site_visit_date"
    assert "pendant le stage" in error.message


def test_a_convention_starting_before_today_is_only_a_warning(v: Validation) -> None:
    data = v.data("convention", start_date="2026-11-20", site_visit_date="2026-12-02")
    warning = v.only_warning("convention", data)
    assert warning.field == "start_date"
    assert "doit être signée avant le début du stage" in warning.message


def test_a_parcours_may_start_in_the_past_silently(v: Validation) -> None:
    data = v.data("parcours", start_date="2026-11-02")
    assert v.passes("parcours", data)


# --- the pupil's age and the guardians -------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        ("2026-12-01", "est dans le futur"),
        ("2017-01-01", "L'élève aurait 9 ans le 28 novembre 2026"),
        ("2000-01-01", "aurait 26 ans"),
    ],
)
def test_birth_date_sanity(birth: str, expected: str, v: Validation) -> None:
    data = v.data("parcours", pupil__birth_date=birth)
    errors, _ = v.outcome("parcours", data)
    assert errors[0].field == "pupil.birth_date"
    assert expected in errors[0].message


@pytest.mark.parametrize("kind", list(Kind))
def test_a_minor_needs_a_signing_guardian(kind: str, v: Validation) -> None:
    error = v.only_error(kind, v.data(kind, guardians=[]))
    assert error == FieldIssue(
        "guardians",
        "L'élève est mineur (16 ans le 28 novembre 2026) et non émancipé : au moins un "
        "représentant légal doit signer.",
    )


def test_guardians_who_do_not_sign_do_not_count(v: Validation) -> None:
    error = v.only_error("parcours", v.data("parcours", guardians__0__signs=False))
    assert error.field == "guardians"


def test_a_signing_guardian_needs_an_email(v: Validation) -> None:
    data = v.data("parcours", guardians__1__signs=True, guardians__1__email=REMOVE)
    error = v.only_error("parcours", data)
    assert error.field == "guardians[1].email"
    assert "représentant légal n° 2 signe par lien envoyé par courriel" in error.message


@pytest.mark.parametrize("kind", list(Kind))
def test_a_pupil_who_signs_by_link_needs_an_email(kind: str, v: Validation) -> None:
    for signs_by in ("link", None):  # absent: by link, as before the choice existed
        data = v.data(kind, pupil__email=REMOVE, pupil__signs_by=signs_by)
        error = v.only_error(kind, data)
        assert error.field == "pupil.email"
        assert "l'élève signe par lien envoyé à cette adresse" in error.message
        assert "choisissez qu'il signe en présence" in error.message


@pytest.mark.parametrize("kind", list(Kind))
@pytest.mark.parametrize("signs_by", ["in_person", "paper"])
def test_a_pupil_who_signs_in_person_or_on_paper_needs_no_email(
    kind: str, signs_by: str, v: Validation
) -> None:
    data = v.data(kind, pupil__email=REMOVE, pupil__signs_by=signs_by)
    assert v.passes(kind, data)
    assert v.validated(kind, data)["pupil"]["signs_by"] == signs_by


@pytest.mark.parametrize("signs_by", ["in_person", "paper"])
def test_a_guardian_who_signs_in_person_or_on_paper_needs_no_email(
    signs_by: str, v: Validation
) -> None:
    data = v.data("parcours", guardians__0__email=REMOVE, guardians__0__signs_by=signs_by)
    assert v.passes("parcours", data)
    data = v.data("parcours", guardians__0__email=REMOVE, guardians__0__signs_by="link")
    assert v.only_error("parcours", data).field == "guardians[0].email"


def test_signs_by_is_a_link_unless_said(v: Validation) -> None:
    validated = v.validated("parcours", v.data("parcours"))
    assert validated["pupil"]["signs_by"] == "link"
    assert {g["signs_by"] for g in validated["guardians"]} == {"link"}


def test_an_unknown_way_to_sign_names_its_field(v: Validation) -> None:
    error = v.only_error("parcours", v.data("parcours", guardians__0__signs_by="fax"))
    assert error.field == "guardians[0].signs_by"
    assert "valeur inconnue « fax »" in error.message


def test_two_signers_without_an_email_share_no_address(v: Validation) -> None:
    data = v.data(
        "parcours",
        pupil__email=REMOVE,
        pupil__signs_by="in_person",
        guardians__0__email=REMOVE,
        guardians__0__signs_by="paper",
        guardians__1__signs=True,
        guardians__1__email=None,
        guardians__1__signs_by="in_person",
    )
    assert v.passes("parcours", data)


def test_the_choices_are_the_vocabulary(v: Validation) -> None:
    schema = spec_of("parcours").schema
    for path in ("pupil.signs_by", "guardians[].signs_by"):
        assert dict(schema.field(path).choices) == {c.value: c.label for c in SigningChannel}
        assert schema.field(path).default == SigningChannel.LINK


def test_signs_defaults_to_true(v: Validation) -> None:
    data = v.data("parcours", guardians__1__signs=REMOVE, guardians__1__email=None)
    assert v.only_error("parcours", data).field == "guardians[1].email"


def test_an_adult_pupil_needs_no_guardian(v: Validation) -> None:
    assert v.passes("parcours", v.data("parcours", pupil__birth_date=ADULT, guardians=REMOVE))


def test_a_guardian_of_an_adult_pupil_needs_no_email(v: Validation) -> None:
    data = v.data("parcours", pupil__birth_date=ADULT, guardians__0__email=REMOVE)
    assert v.passes("parcours", data)


def test_an_emancipated_minor_needs_no_guardian(v: Validation) -> None:
    data = v.data("convention", pupil__birth_date=BORN_17, pupil__emancipated=True, guardians=[])
    assert v.passes("convention", data)


def test_emancipation_before_16_is_impossible(v: Validation) -> None:
    data = v.data("convention", pupil__birth_date=BORN_15_AT_START, pupil__emancipated=True)
    error = v.only_error("convention", data)
    assert error.field == "pupil.emancipated"
    assert "qu'à partir de 16 ans" in error.message


def test_the_age_is_judged_on_the_issue_date(v: Validation) -> None:
    # 18 on 2026-11-28: no guardian needed, even though the document was drafted earlier.
    data = v.data("parcours", pupil__birth_date="2008-11-28", guardians=[])
    assert v.passes("parcours", data)
    data = v.data("parcours", pupil__birth_date="2008-11-29", guardians=[])
    assert v.only_error("parcours", data).field == "guardians"


# --- distinct emails -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "of_whom"),
    [
        ({"referent__email": "ZOE.MARTIN@example.org"}, "referent.email", "de l'élève"),
        (
            {"host__tutor__email": "nadia.martin@example.org"},
            "host.tutor.email",
            "du représentant légal n° 1",
        ),
        (
            {"host__tutor__email": "h.dupont@example.com"},
            "host.tutor.email",
            "du représentant de l'organisme d'accueil",
        ),
        (
            {"host__representative__email": "paul.garnier@example.edu"},
            "host.representative.email",
            "du référent",
        ),
    ],
)
def test_signers_do_not_share_an_email(
    changes: dict[str, object], field: str, of_whom: str, v: Validation
) -> None:
    error = v.only_error("convention", v.data("convention", **changes))
    assert error.field == field
    assert error.message == (
        f"Ce courriel est déjà celui {of_whom} : chaque signataire doit avoir sa propre adresse "
        "électronique (seuls les représentants légaux peuvent partager la leur)."
    )


def test_two_guardians_may_share_an_email_with_a_warning(v: Validation) -> None:
    data = v.data(
        "parcours", guardians__1__signs=True, guardians__1__email="Nadia.Martin@example.org"
    )
    warning = v.only_warning("parcours", data)
    assert warning.field == "guardians[1].email"
    assert "chacun recevra son propre lien de signature à cette adresse, à son nom" in (
        warning.message
    )


def test_a_minor_pupil_and_a_signing_guardian_may_not_share_an_email(v: Validation) -> None:
    # The guardian's signature is the family's consent: a pupil reading that mailbox could
    # give it in the guardian's place (the code goes there too).
    data = v.data("parcours", guardians__0__email="Zoe.Martin@example.org")
    error = v.only_error("parcours", data)
    assert error.field == "guardians[0].email"
    assert error.message.startswith("Ce courriel est déjà celui de l'élève : l'élève et son ")
    assert "pourrait ouvrir le lien du représentant légal et signer à sa place" in error.message


def test_two_guardians_sharing_an_email_still_may_not_share_the_heads(v: Validation) -> None:
    data = v.data(
        "parcours",
        guardians__1__signs=True,
        guardians__0__email="direction@example.edu",
        guardians__1__email="direction@example.edu",
    )
    reserved = {"direction@example.edu": "du chef d'établissement"}
    with pytest.raises(ValidationFailed) as failed:
        validate_document("parcours", data, today=v.today, reserved_emails=reserved)
    errors = failed.value.errors
    assert [e.field for e in errors] == ["guardians[0].email", "guardians[1].email"]
    assert all("déjà celui du chef d'établissement" in e.message for e in errors)


def test_a_guardian_who_does_not_sign_may_share_the_pupils_email(v: Validation) -> None:
    data = v.data("parcours", guardians__1__email="zoe.martin@example.org")
    assert v.passes("parcours", data)


def test_an_adult_pupils_guardian_may_share_the_pupils_email(v: Validation) -> None:
    data = v.data("parcours", pupil__birth_date=ADULT, guardians__0__email="zoe.martin@example.org")
    assert v.passes("parcours", data)


# --- SIRET -----------------------------------------------------------------------------------


def test_no_siret_needs_a_reason(v: Validation) -> None:
    error = v.only_error("convention", v.data("convention", host__siret=REMOVE))
    assert error.field == "host.siret_missing_reason"
    assert "Sans n° SIRET" in error.message
    data = v.data("convention", host__siret="", host__siret_missing_reason="Organisme étranger")
    assert v.passes("convention", data)


def test_a_wrong_siret_is_reported_once(v: Validation) -> None:
    error = v.only_error("convention", v.data("convention", host__siret="73282932000079"))
    assert error.field == "host.siret"


def test_la_poste_establishments_pass(v: Validation) -> None:
    assert v.passes("convention", v.data("convention", host__siret="356 000 000 49837"))


# --- kinds of internship ---------------------------------------------------------------------


def test_a_pfmp_names_its_diploma_and_the_course_hours(v: Validation) -> None:
    errors, _ = v.outcome("convention", v.data("convention", internship_type="pfmp"))
    assert [e.field for e in errors] == ["diploma", "course_hours"]
    assert "D.124-4, 1°" in errors[1].message
    data = v.data("convention", internship_type="pfmp", diploma="Bac pro MELEC", course_hours=950)
    assert v.passes("convention", data)


WEEK = dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), FULL_DAY)


def observation(v: Validation, internship_type: str, **changes: object) -> dict[str, Any]:
    """A valid observation: five days in January for a 15-year-old of 3e, or two weeks of June
    for a pupil of seconde."""
    if internship_type == "observation_college":
        dates = {"start_date": "2027-01-11", "end_date": "2027-01-15"}
        dates |= {"site_visit_date": "2027-01-13", "pupil__class_name": "3e B"}
    else:
        dates = {"start_date": "2027-06-14", "end_date": "2027-06-25"}
        dates |= {"site_visit_date": "2027-06-16", "pupil__class_name": "2nde 4"}
    base = {"internship_type": internship_type, "pupil__birth_date": BORN_15_AT_START}
    return v.data("convention", **(base | dates | {"schedule": WEEK} | changes))


@pytest.mark.parametrize("internship_type", ["observation_college", "observation_seconde"])
def test_an_observation_is_not_paid(internship_type: str, v: Validation) -> None:
    assert v.passes("convention", observation(v, internship_type))
    data = observation(v, internship_type, gratification="100 € par mois")
    error = v.only_error("convention", data)
    assert error.field == "gratification"
    assert "aucune rémunération ni gratification" in error.message


def test_a_pathway_stage_under_16_is_an_observation_and_not_paid(v: Validation) -> None:
    data = v.data("convention", pupil__birth_date=BORN_15_AT_START, gratification="100 €")
    error = v.only_error("convention", data)
    assert error.field == "gratification"
    assert "avant 16 ans, un stage de parcours est une séquence d'observation" in error.message
    assert v.passes("convention", v.data("convention", gratification="100 € par mois"))


def test_a_college_observation_lasts_five_days_at_most(v: Validation) -> None:
    data = observation(v, "observation_college", end_date="2027-02-26")  # seven weeks
    error = v.only_error("convention", data)
    assert error.field == "end_date"
    assert error.message.startswith("35 jours de présence : la séquence d'observation")
    split = {"monday": FULL_DAY, "thursday": FULL_DAY}  # 2 days a week, 3 weeks: 5 days
    data = observation(v, "observation_college", end_date="2027-01-28", schedule=split)
    assert [e.field for e in v.outcome("convention", data)[0]] == ["end_date"]  # 6 days
    data = observation(v, "observation_college", end_date="2027-01-25", schedule=split)
    assert v.passes("convention", data)  # 11, 14, 18, 21, 25 January: five days


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        (
            {"start_date": "2027-01-11", "end_date": "2027-01-22", "site_visit_date": "2027-01-13"},
            "start_date",
            "dernier mois",
        ),
        ({"start_date": "2027-06-07", "end_date": "2027-06-25"}, "end_date", "une ou deux"),
        ({"pupil__class_name": "3e B"}, "level", "seconde générale et technologique"),
        ({"pupil__class_name": "Groupe A"}, "level", "Indiquez le niveau"),
    ],
)
def test_a_seconde_observation_is_held_to_its_texts(
    changes: dict[str, str], field: str, expected: str, v: Validation
) -> None:
    error = v.only_error("convention", observation(v, "observation_seconde", **changes))
    assert error.field == field
    assert expected in error.message


def test_the_level_field_overrides_the_class(v: Validation) -> None:
    data = observation(v, "observation_college", pupil__class_name="Groupe A")
    assert v.only_error("convention", data).field == "level"
    data["level"] = "quatrieme"
    assert v.passes("convention", data)
    data["level"] = "seconde_gt"
    assert "quatrième et de troisième" in v.only_error("convention", data).message


@pytest.mark.parametrize(
    ("start", "schedule"),
    [
        ("2027-01-09", {"monday": FULL_DAY}),  # a Saturday, hours on Mondays only
        ("2027-07-14", {"wednesday": FULL_DAY}),  # 14 July
    ],
)
def test_a_period_without_a_day_of_presence_is_refused(
    start: str, schedule: dict[str, list[str]], v: Validation
) -> None:
    data = v.data("convention", start_date=start, end_date=start, site_visit_date=start)
    data["schedule"] = schedule
    errors, _ = v.outcome("convention", data)
    assert "schedule" in [e.field for e in errors]
    message = next(e.message for e in errors if e.field == "schedule")
    assert message.startswith("Aucun jour de présence")


def test_presence_days_count_seven_hours_as_a_day(v: Validation) -> None:
    data = v.validated("convention", v.data("convention"))
    # 12 Wednesdays and 12 Fridays of 7 h
    assert presence_days(data, Checking(v.today)) == 24


def test_public_holidays_are_not_days_of_presence(v: Validation) -> None:
    # 3-7 May 2027: Ascension falls on Thursday the 6th.
    weekdays = dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), FULL_DAY)
    data = v.data("convention", start_date="2027-05-03", end_date="2027-05-07", schedule=weekdays)
    data["site_visit_date"] = "2027-05-04"
    assert presence_days(v.validated("convention", data), Checking(v.today)) == 4


@pytest.mark.parametrize("internship_type", ["pfmp", "stage_parcours"])
def test_more_than_two_months_of_presence_is_paid(internship_type: str, v: Validation) -> None:
    weekdays = dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), FULL_DAY)
    data = v.data(
        "convention",
        internship_type=internship_type,
        diploma="Bac pro MELEC",
        course_hours=950,
        schedule=weekdays,
    )
    error = v.only_error("convention", data)
    assert error.field == "gratification"
    assert "Le stage compte 58 jours de présence" in error.message
    data["gratification"] = "4,35 € de l'heure, versés chaque mois"
    assert v.passes("convention", data)


def test_two_months_of_calendar_with_little_presence_is_not_paid(v: Validation) -> None:
    # The example: 11 weeks, but 2 days a week, i.e. 24 days of presence.
    assert v.passes("convention", v.data("convention"))


def test_under_14_only_public_bodies_or_family_business(v: Validation) -> None:
    data = observation(v, "observation_college", pupil__birth_date=BORN_13_AT_START)
    data["pupil"]["class_name"] = "4e A"
    data["schedule"] = dict.fromkeys(("monday", "tuesday", "wednesday", "thursday"), FULL_DAY)
    error = v.only_error("convention", data)
    assert error.field == "host.kind"
    assert "L'élève aura 13 ans au début du stage" in error.message
    for kind in ("public_body", "local_authority", "administration", "family_business"):
        data["host"]["kind"] = kind
        assert v.passes("convention", data), kind
    data["host"]["kind"] = "association"
    assert v.only_error("convention", data).field == "host.kind"


def test_from_14_a_private_host_is_allowed(v: Validation) -> None:
    assert v.passes("convention", v.data("convention", pupil__birth_date=BORN_14_AT_START))


# --- hours of presence -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "day", "field", "expected"),
    [
        (
            BORN_15_AT_START,
            ["08:00-12:00", "13:00-16:30"],
            "schedule.monday",
            "7 h 30 de présence le lundi : au plus 7 h par jour avant 16 ans",
        ),
        (
            None,
            ["08:00-12:00", "13:00-17:30"],
            "schedule.monday",
            "8 h 30 de présence le lundi : au plus 8 h par jour à 16 et 17 ans",
        ),
        (
            BORN_15_AT_START,
            ["14:00-16:00", "17:00-20:30"],
            "schedule.monday[1]",
            "pas de présence entre 20 h et 6 h avant 16 ans",
        ),
        (
            None,
            ["15:00-18:00", "19:00-22:30"],
            "schedule.monday[1]",
            "pas de présence entre 22 h et 6 h à 16 et 17 ans",
        ),
        (None, ["05:30-09:00"], "schedule.monday[0]", "empiète sur la nuit"),
        (None, ["08:00-13:00"], "schedule.monday", "plus de 4 h 30 de présence sans pause"),
        (None, ["08:00-11:00", "11:15-13:00"], "schedule.monday", "pause d'au moins 30 minutes"),
    ],
)
def test_daily_limits_for_minors(
    birth: str | None, day: list[str], field: str, expected: str, v: Validation
) -> None:
    data = v.data("convention", schedule={"monday": day})
    if birth:
        data["pupil"]["birth_date"] = birth
    error = v.only_error("convention", data)
    assert error.field == field
    assert expected in error.message


@pytest.mark.parametrize(
    "day",
    [
        ["08:00-12:00", "13:00-17:00"],  # 8 h at 16
        ["06:00-10:00", "18:00-22:00"],  # the night's bounds themselves
        ["08:00-12:30", "13:00-14:00"],  # exactly 4 h 30, then a 30-minute break
        ["08:00-10:00", "10:10-12:00", "13:00-16:00"],  # a short pause inside a short block
    ],
)
def test_days_within_the_limits_at_16(day: list[str], v: Validation) -> None:
    assert v.passes("convention", v.data("convention", schedule={"monday": day}))


@pytest.mark.parametrize(
    ("day", "field", "expected"),
    [
        (["07:00-12:00", "13:00-18:30"], "schedule.monday", "au plus 10 h par jour pour un élève"),
        (["13:00-17:00", "17:30-21:30"], "schedule.monday[1]", "entre 21 h et 6 h pour un élève"),
        (["08:00-14:30"], "schedule.monday", "pause d'au moins 20 minutes est obligatoire"),
    ],
)
def test_adults_have_the_employees_limits(
    day: list[str], field: str, expected: str, v: Validation
) -> None:
    data = v.data("convention", pupil__birth_date=ADULT, schedule={"monday": day})
    error = v.only_error("convention", data)
    assert error.field == field
    assert expected in error.message
    nine_hours = {"monday": ["08:00-12:30", "13:00-17:30"]}
    assert v.passes(
        "convention", v.data("convention", pupil__birth_date=ADULT, schedule=nine_hours)
    )


def test_an_adult_keeps_one_day_of_rest_and_the_hosts_working_week(v: Validation) -> None:
    six = dict.fromkeys(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday"), FULL_DAY
    )
    data = v.data("convention", pupil__birth_date=ADULT, schedule=six, gratification="4,35 €/h")
    assert v.passes("convention", data)  # 42 h over six days: within 48 h, one day of rest
    data["host"]["weekly_hours"] = 35
    error = v.only_error("convention", data)
    assert error.field == "schedule"
    assert "pas plus que la durée de travail des salariés" in error.message
    assert "(35 h, article L.124-14" in error.message


def test_sunday_is_refused_whatever_the_age(v: Validation) -> None:
    schedule = {"saturday": FULL_DAY, "sunday": FULL_DAY}
    error = v.only_error("convention", v.data("convention", schedule=schedule))
    assert error == FieldIssue(
        "schedule.sunday", "Pas de présence le dimanche : retirez les horaires de ce jour."
    )
    data = v.data("convention", pupil__birth_date=ADULT, schedule=schedule)
    assert v.only_error("convention", data).field == "schedule.sunday"


def test_weekly_cap_of_35_hours(v: Validation) -> None:
    schedule = dict.fromkeys(("monday", "tuesday", "wednesday", "thursday"), FULL_DAY)
    schedule["friday"] = ["08:30-12:00", "13:00-17:00"]
    data = v.data("convention", schedule=schedule, gratification="4,35 € de l'heure")
    error = v.only_error("convention", data)
    assert error.field == "schedule"
    assert error.message.startswith("35 h 30 de présence par semaine : au plus 35 h")


def test_more_than_30_hours_under_15_is_a_warning(v: Validation) -> None:
    schedule = dict.fromkeys(("monday", "tuesday", "wednesday", "thursday", "friday"), FULL_DAY)
    data = v.data(
        "convention",
        pupil__birth_date=BORN_14_AT_START,
        pupil__class_name="3e B",
        internship_type="observation_college",
        end_date="2027-01-12",
        site_visit_date="2027-01-08",
        schedule=schedule,
    )
    warning = v.only_warning("convention", data)
    assert warning.field == "schedule"
    assert "35 h de présence par semaine" in warning.message


def test_two_consecutive_rest_days_for_minors(v: Validation) -> None:
    short = ["09:00-12:00"]
    six_days = dict.fromkeys(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday"), short
    )
    error = v.only_error("convention", v.data("convention", schedule=six_days))
    assert error.field == "schedule"
    assert "deux jours de repos consécutifs" in error.message
    split_rest = dict.fromkeys(("monday", "tuesday", "thursday", "friday", "saturday"), short)
    assert v.only_error("convention", v.data("convention", schedule=split_rest)).field == "schedule"


def test_daily_rest_between_consecutive_days(v: Validation) -> None:
    schedule = {"monday": ["14:00-17:00", "18:00-21:00"], "tuesday": ["07:00-10:00"]}
    error = v.only_error("convention", v.data("convention", schedule=schedule))
    assert error.field == "schedule.tuesday"
    assert error.message.startswith("10 h de repos seulement entre le lundi et le mardi")


# --- PAFI ------------------------------------------------------------------------------------


def test_pafi_under_15_is_a_warning(v: Validation) -> None:
    data = v.data(
        "parcours", scheme="pafi", pupil__birth_date=BORN_14_AT_START, guardians__1__signs=True
    )
    warning = v.only_warning("parcours", data)
    assert warning.field == "scheme"
    assert "l'élève aura 14 ans au début du parcours" in warning.message


def test_pafi_lasts_a_year_at_most(v: Validation) -> None:
    data = v.data("parcours", scheme="pafi", end_date="2028-01-05", guardians__1__signs=True)
    error = v.only_error("parcours", data)
    assert error.field == "end_date"
    assert "Un PAFI dure au plus un an" in error.message
    data = v.data("parcours", scheme="pafi", end_date="2028-01-04", guardians__1__signs=True)
    assert v.passes("parcours", data)
    assert v.passes("parcours", v.data("parcours", end_date="2028-01-05"))


# --- everything at once ----------------------------------------------------------------------


def test_rule_errors_and_field_errors_come_together(v: Validation) -> None:
    data = v.data(
        "convention",
        internship_type="pfmp",
        host__siret="12345678200011",
        referent__email="zoe.martin@example.org",
        schedule={"monday": ["08:00-13:00"], "sunday": ["09:00-10:00"]},
    )
    errors, warnings = v.outcome("convention", data)
    assert [e.field for e in errors] == [
        "host.siret",
        "referent.email",
        "diploma",
        "course_hours",
        "schedule.sunday",
        "schedule.monday",
    ]
    assert warnings == []


def test_the_copy_for_the_guardians_is_offered_to_a_pupil_who_signs_alone_or_already_ticked(
    make_request,
):
    minor = make_request("parcours")["data"]
    adult = make_request("parcours", pupil_minor=False)["data"]
    day = date(2026, 11, 28)

    assert copy_offered(adult, day)
    assert not copy_offered(minor, day)
    assert not copy_offered({**adult, "guardians": []}, day)
    assert copy_offered({**minor, "inform_guardians": True}, day)  # so the form can untick it
    emancipated = {**minor, "pupil": {**minor["pupil"], "emancipated": True}}
    assert copy_offered(emancipated, day)
