"""What a signer of a bilan (a review of a contrat de parcours) agrees to, in plain French
(`signing.kinds.summary`): the review's date, each objective's assessment, the decision."""

from __future__ import annotations

from collections.abc import Mapping

from signing.data.schema import load_schema_file
from signing.kinds.summary import (
    Data,
    Section,
    day_fr,
    join_fr,
    phrase,
    section,
    sections,
)
from signing.vocabulary import Role


def _lead(data: Data, role: Role) -> str | None:
    leads = {
        Role.PUPIL: "En signant, vous confirmez ce bilan et la décision prise.",
        Role.REFERENT: "En signant, vous confirmez ce bilan et la décision prise, comme référent.",
        Role.HEAD: "En signant, vous engagez l'établissement.",
    }
    first_name = data["pupil"]["first_name"]
    return leads.get(role) or (
        f"En signant, vous confirmez ce bilan et la décision prise pour {first_name}."
        if role is Role.GUARDIAN
        else None
    )


def _objectives(data: Data, labels: Mapping[str, str]) -> Section | None:
    lines = []
    for objective in data.get("objectives") or ():
        status = labels.get(str(objective.get("status")), "")
        lines.append(f"{objective['number']}. {objective['label']} : {status.lower()}.")
        assessment = phrase(objective.get("assessment"))
        if assessment:
            lines.append(assessment)
    return section("Les objectifs", lines)


def _choices(path: str) -> Mapping[str, str]:
    """The French labels of a choice field of the review's schema."""
    return load_schema_file(__package__ or "signing.kinds.bilan", "fields.toml").field(path).choices


def review_summary(data: Data, role: Role) -> tuple[Section, ...]:
    """The summary of a review for a signer of `role`."""
    paths = ("review_type", "decision", "outcome", "objectives[].status")
    choices = {path: _choices(path) for path in paths}
    kind = choices["review_type"].get(str(data.get("review_type")), "Bilan")
    attendees = [str(a.get("name")) for a in data.get("attendees") or () if a.get("name")]
    decision = choices["decision"].get(str(data.get("decision")))
    outcome = choices["outcome"].get(str(data.get("outcome")))
    early_end = data.get("early_end_date")
    return sections(
        section("Ce que vous signez", (_lead(data, role),)),
        section(
            "Le bilan",
            (
                f"{kind} du {day_fr(data['review_date'])}, pour le parcours de "
                f"{data['pupil']['first_name']} du {day_fr(data['start_date'])} au "
                f"{day_fr(data['end_date'])}.",
                f"Présents : {join_fr(attendees)}." if attendees else None,
            ),
        ),
        _objectives(data, choices["objectives[].status"]),
        section("Les observations", (phrase(data.get("observations")),)),
        section(
            "La décision",
            (
                f"Décision : {decision}." if decision else None,
                f"Fin anticipée du parcours : {day_fr(early_end)}." if early_end else None,
                f"Issue du parcours : {outcome}." if outcome else None,
            ),
        ),
    )
