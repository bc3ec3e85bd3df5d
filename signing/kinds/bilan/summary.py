"""What a signer of a bilan (a review of a contrat de parcours) agrees to, in plain words
(`signing.kinds.summary`): the review's date, each objective's assessment, the decision.
The labels of the review's choices (its type, decision, outcome) are the schema's French."""

from __future__ import annotations

from collections.abc import Mapping

from signing.data.schema import load_schema_file
from signing.i18n import FRENCH, Words
from signing.kinds.summary import (
    Data,
    Section,
    first_name,
    head_lead,
    phrase,
    section,
    sections,
)
from signing.vocabulary import Role


def _lead(data: Data, role: Role, words: Words) -> str | None:
    tr = words.tr
    leads = {
        Role.PUPIL: tr("En signant, vous confirmez ce bilan et la décision prise."),
        Role.REFERENT: tr(
            "En signant, vous confirmez ce bilan et la décision prise, comme référent."
        ),
        Role.HEAD: head_lead(words),
        Role.GUARDIAN: tr(
            "En signant, vous confirmez ce bilan et la décision prise pour {first_name}."
        ).format(first_name=first_name(data)),
    }
    return leads.get(role)


def _objectives(data: Data, labels: Mapping[str, str], words: Words) -> Section | None:
    lines = []
    for objective in data.get("objectives") or ():
        status = labels.get(str(objective.get("status")), "")
        lines.append(f"{objective['number']}. {objective['label']} : {status.lower()}.")
        assessment = phrase(objective.get("assessment"))
        if assessment:
            lines.append(assessment)
    return section(words.tr("Les objectifs"), lines)


def _choices(path: str) -> Mapping[str, str]:
    """The French labels of a choice field of the review's schema."""
    return load_schema_file(__package__ or "signing.kinds.bilan", "fields.toml").field(path).choices


def review_summary(data: Data, role: Role, words: Words = FRENCH) -> tuple[Section, ...]:
    """The summary of a review for a signer of `role`, in `words`' language."""
    paths = ("review_type", "decision", "outcome", "objectives[].status")
    choices = {path: _choices(path) for path in paths}
    tr = words.tr
    kind = choices["review_type"].get(str(data.get("review_type")), "Bilan")
    attendees = [str(a.get("name")) for a in data.get("attendees") or () if a.get("name")]
    decision = choices["decision"].get(str(data.get("decision")))
    outcome = choices["outcome"].get(str(data.get("outcome")))
    early_end = data.get("early_end_date")
    return sections(
        section(tr("Ce que vous signez"), (_lead(data, role, words),)),
        section(
            tr("Le bilan"),
            (
                tr("{kind} du {day}, pour le parcours de {first_name} du {start} au {end}.").format(
                    kind=kind,
                    day=words.day(data["review_date"]),
                    first_name=first_name(data),
                    start=words.day(data["start_date"]),
                    end=words.day(data["end_date"]),
                ),
                tr("Présents : {names}.").format(names=words.join(attendees))
                if attendees
                else None,
            ),
        ),
        _objectives(data, choices["objectives[].status"], words),
        section(tr("Les observations"), (phrase(data.get("observations")),)),
        section(
            tr("La décision"),
            (
                tr("Décision : {decision}.").format(decision=decision) if decision else None,
                tr("Fin anticipée du parcours : {day}.").format(day=words.day(early_end))
                if early_end
                else None,
                tr("Issue du parcours : {outcome}.").format(outcome=outcome) if outcome else None,
            ),
        ),
    )
