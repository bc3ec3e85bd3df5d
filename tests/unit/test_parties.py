"""Who signs, decided from the data and the issue date."""

from __future__ import annotations

from datetime import date

from signing.data.parties import (
    Informed,
    anchor_text,
    channel_of,
    guardians_sharing,
    legacy_anchor_text,
    sharing_address,
)
from signing.kinds import spec_of
from signing.vocabulary import Role, SigningChannel


def _roles(plan) -> list[tuple[str, int]]:
    return [(p.role.value, p.index) for p in plan.parties]


def test_parcours_for_a_minor_is_signed_by_pupil_signing_guardian_referent_then_head(
    make_request, school, today
) -> None:
    data = make_request("parcours")["data"]  # the father is listed but does not sign

    plan = spec_of("parcours").plan(data, school, today)

    assert _roles(plan) == [("pupil", 0), ("guardian", 0), ("referent", 0), ("head", 0)]
    assert plan.last.role is Role.HEAD
    assert plan.last.email == school["head"]["email"]
    assert plan.age_rule.guardian_required
    assert plan.age_rule.pupil_age == 16


def test_an_adult_pupil_signs_alone_without_guardians(make_request, school, today) -> None:
    data = make_request("parcours", pupil_minor=False)["data"]

    plan = spec_of("parcours").plan(data, school, today)

    assert _roles(plan) == [("pupil", 0), ("referent", 0), ("head", 0)]
    assert not plan.age_rule.guardian_required


def test_an_emancipated_minor_signs_alone(make_request, school, today) -> None:
    data = make_request("parcours")["data"]
    data["pupil"]["emancipated"] = True

    plan = spec_of("parcours").plan(data, school, today)

    assert Role.GUARDIAN not in {p.role for p in plan.parties}
    assert plan.age_rule.emancipated


def test_majority_is_judged_on_the_issue_date(make_request, school) -> None:
    data = make_request("parcours")["data"]
    data["pupil"]["birth_date"] = "2008-11-29"

    day_before = spec_of("parcours").plan(data, school, date(2026, 11, 28))
    birthday = spec_of("parcours").plan(data, school, date(2026, 11, 29))

    assert day_before.age_rule.guardian_required
    assert not birthday.age_rule.guardian_required


def test_convention_signers_with_two_guardians_sharing_one_email(
    make_request, school, today
) -> None:
    data = make_request("convention")["data"]
    data["guardians"].append({**data["guardians"][0], "first_name": "Ali", "signs": True})

    plan = spec_of("convention").plan(data, school, today)

    assert _roles(plan) == [
        ("host_representative", 0),
        ("host_tutor", 0),
        ("referent", 0),
        ("pupil", 0),
        ("guardian", 0),
        ("guardian", 1),
        ("head", 0),
    ]
    assert [p.anchor for p in plan.parties if p.role is Role.GUARDIAN] == [
        "sig-guardian-0",
        "sig-guardian-1",
    ]


def test_anchor_texts() -> None:
    assert anchor_text(Role.HEAD) == "sig-head"
    assert anchor_text(Role.HOST_TUTOR) == "sig-host-tutor"
    assert anchor_text(Role.GUARDIAN, 1) == "sig-guardian-1"
    assert legacy_anchor_text("sig-host-tutor") == "[[sig:host_tutor]]"
    assert legacy_anchor_text("sig-guardian-1") == "[[sig:guardian:1]]"


def test_who_shares_an_address_is_told_by_name_case_left_out() -> None:
    nadia = Informed("Nadia", "Martin", "nadia.martin@example.org")
    karim = Informed("Karim", "Martin", "Nadia.Martin@example.org")
    zoe = Informed("Zoé", "Martin", "zoe.martin@example.org")
    nobody = Informed("Sans", "Courriel", "")

    assert sharing_address(nadia, [nadia, karim, zoe, karim]) == ("Karim Martin",)
    assert sharing_address(zoe, [nadia, karim, zoe]) == ()
    assert sharing_address(nobody, [nobody, Informed("Autre", "Personne", "")]) == ()


def test_a_guardians_page_names_the_other_signing_guardians_at_their_address(
    make_request,
) -> None:
    data = make_request(
        "parcours", guardians__1__email="NADIA.martin@example.org", guardians__1__signs=True
    )["data"]
    assert guardians_sharing(data, 0) == ("Karim Lefèvre",)
    assert guardians_sharing(data, 1) == ("Nadia Martin",)
    data["guardians"][1]["signs"] = False  # informed only: no link of his to point to
    assert guardians_sharing(data, 0) == ()
    assert guardians_sharing(data, 5) == ()


def test_each_party_signs_as_the_data_says_by_link_unless_chosen(
    make_request, school, today
) -> None:
    data = make_request("parcours", pupil__signs_by="paper", guardians__0__signs_by="in_person")[
        "data"
    ]
    del data["pupil"]["email"]

    plan = spec_of("parcours").plan(data, school, today)

    assert [(p.role.value, p.signs_by, p.email) for p in plan.parties] == [
        ("pupil", SigningChannel.PAPER, ""),
        ("guardian", SigningChannel.IN_PERSON, "nadia.martin@example.org"),
        ("referent", SigningChannel.LINK, "claire.dubois@example.edu"),
        ("head", SigningChannel.LINK, school["head"]["email"]),
    ]
    assert channel_of(data, Role.GUARDIAN, 0) is SigningChannel.IN_PERSON
    assert channel_of(data, Role.GUARDIAN, 1) is SigningChannel.LINK  # not said: by link
    assert channel_of(data, Role.GUARDIAN, 5) is SigningChannel.LINK
    assert channel_of({}, Role.PUPIL) is SigningChannel.LINK  # issued before the choice
