"""What a signer of a contrat de parcours agrees to, in plain French (`signing.kinds.summary`):
the period, the objectives and their deadlines, the reviews, the referent, and the commitments
of the party the signer belongs to."""

from __future__ import annotations

from collections.abc import Sequence

from signing.kinds.summary import (
    Data,
    Section,
    day_fr,
    guardian_lead,
    join_fr,
    name_of,
    period,
    phrase,
    section,
    sections,
)
from signing.vocabulary import Role

_COMMITTED = {Role.PUPIL: "pupil", Role.GUARDIAN: "family"}
"""Whose commitments a signer takes on, by role; the school's are everyone's to read."""


def _lead(data: Data, role: Role) -> str | None:
    first_name = data["pupil"]["first_name"]
    leads = {
        Role.PUPIL: "En signant, vous acceptez ce parcours, ses objectifs et vos engagements.",
        Role.REFERENT: (
            f"En signant, vous acceptez de suivre le parcours de {first_name} comme référent."
        ),
        Role.HEAD: "En signant, vous engagez l'établissement.",
    }
    return leads.get(role) or guardian_lead(
        role, data, "suive ce parcours, et vous prenez les engagements de la famille"
    )


def _objectives(objectives: Sequence[Data]) -> Section | None:
    lines = []
    for number, objective in enumerate(objectives, start=1):
        deadline = objective.get("deadline")
        by = f", au plus tard le {day_fr(deadline)}" if deadline else ""
        lines.append(f"{number}. {objective['label']}{by}.")
        indicator = phrase(objective.get("indicator"))
        if indicator:
            lines.append(f"Comment on le vérifie : {indicator}")
    return section("Les objectifs", lines)


def _reviews(data: Data) -> Section | None:
    reviews = [day_fr(day) for day in data.get("reviews") or ()]
    final = data.get("final_review")
    return section(
        "Les bilans",
        (
            f"Bilans prévus : {join_fr(reviews)}." if reviews else None,
            f"Bilan final : {day_fr(final)}." if final else None,
        ),
    )


def _commitments(data: Data, role: Role) -> tuple[Section | None, ...]:
    commitments = data.get("commitments") or {}
    own = _COMMITTED.get(role)
    titles = {
        "pupil": "Les engagements de l'élève",
        "family": "Les engagements de la famille",
        "school": "Les engagements de l'établissement",
    }
    if own is not None:
        titles[own] = "Vos engagements" if own == "pupil" else "Les engagements de votre famille"
    order = [own] if own else []
    order += [key for key in ("pupil", "family", "school") if key != own]
    return tuple(
        section(titles[key], [phrase(item) for item in commitments.get(key) or ()]) for key in order
    )


def _internships(data: Data) -> Section | None:
    return section(
        "Le stage",
        [
            f"Stage chez {stage['host_name']} du {day_fr(stage['start_date'])} au "
            f"{day_fr(stage['end_date'])}, avec sa propre convention de stage."
            for stage in data.get("internships") or ()
        ]
        or (
            ["Le parcours comprend un stage, qui a sa propre convention de stage."]
            if data.get("includes_internship")
            else []
        ),
    )


def parcours_summary(data: Data, role: Role) -> tuple[Section, ...]:
    """The summary of a contrat de parcours for a signer of `role`."""
    referent = data.get("referent") or {}
    function = f" ({referent['function']})" if referent.get("function") else ""
    phone = f" Téléphone : {referent['phone']}." if referent.get("phone") else ""
    return sections(
        section("Ce que vous signez", (_lead(data, role),)),
        section(
            "Le parcours",
            (
                f"{data['pupil']['first_name']} suit ce parcours {period(data)}.",
                f"Emploi du temps : {phrase(data.get('schedule'))}"
                if phrase(data.get("schedule"))
                else None,
            ),
        ),
        _objectives(data.get("objectives") or ()),
        _reviews(data),
        section("Le référent", (f"{name_of(referent)}{function} suit le parcours.{phone}",)),
        *_commitments(data, role),
        _internships(data),
    )
