"""The `info` every template receives: what it prints that is not a field of the data.

The common part (title, issue date, the pupil's age and whether the guardians sign, the signature
blocks) is built here from the kind's spec; a kind adds its own keys (`KindSpec.info`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, TypeVar

from signing.data.ages import MAJORITY_AGE
from signing.data.french import format_date_fr, guardian_label
from signing.data.parties import Party, SignerPlan
from signing.data.territory import territory_of
from signing.kinds.spec import Info, KindSpec
from signing.vocabulary import Role

_GUARDIAN_NOTE_ADULT = (
    "L'élève ayant 18 ans révolus au {date}, ses représentants légaux ne signent pas."
)
_GUARDIAN_NOTE_EMANCIPATED = (
    "L'émancipation de l'élève ayant été prononcée, ses représentants légaux ne signent pas."
)


def document_info(
    spec: KindSpec, data: Mapping[str, Any], school: Mapping[str, Any], plan: SignerPlan
) -> Info:
    """The whole `info` of a document of kind `spec`: the common part, then the kind's own."""
    rule = plan.age_rule
    issued = format_date_fr(rule.issue_date or rule.reference_date)
    minor = rule.pupil_age < MAJORITY_AGE
    if rule.guardian_required:
        note = ""
    elif minor:
        note = _GUARDIAN_NOTE_EMANCIPATED
    else:
        note = _GUARDIAN_NOTE_ADULT.format(date=issued)
    signers = _signers(spec, data, school, plan)
    info: Info = {
        "title": spec.title,
        "reference_date": issued,
        "age_basis": _age_basis(rule.reference_date, rule.issue_date is not None),
        "pupil_age": rule.pupil_age,
        "pupil_is_minor": minor,
        "guardian_required": rule.guardian_required,
        "guardian_note": note,
        "signers": signers,
        "signer_pages": signer_pages(signers),
        "clock_name": territory_of(school.get("uai")).clock_name,
        "guardians_heading": _guardians_heading(data),
    }
    info.update(spec.info(data, school, plan))
    return info


def _guardians_heading(data: Mapping[str, Any]) -> str:
    """« Représentants légaux », or for one guardian « Représentante légale » (a mother) or
    « Représentant légal »."""
    guardians = data.get("guardians") or []
    if len(guardians) != 1:
        return "Représentants légaux"
    label = guardian_label(str(guardians[0].get("relationship") or "")).split(" ", 1)[1]
    return label[:1].upper() + label[1:]


def _age_basis(day: date, is_start: bool) -> str:
    """How the document says which day its ages are judged on (`signing.data.ages`)."""
    if is_start:
        return f"au {format_date_fr(day)}, premier jour de la période"
    return f"au {format_date_fr(day)}, jour d'établissement du document"


def _signers(
    spec: KindSpec, data: Mapping[str, Any], school: Mapping[str, Any], plan: SignerPlan
) -> list[dict[str, str]]:
    """The signature blocks, in the order the document shows them."""
    order = spec.printed_order
    parties = sorted(plan.parties, key=lambda p: (order.index(p.role), p.index))
    return [
        {
            "role": party.role.value,
            "label": _label(spec, party, data),
            "name": party.full_name,
            "detail": _signer_detail(spec, party, data, school),
            "mention": spec.mentions.get(party.role, "Lu et approuvé"),
            "anchor": party.anchor,
        }
        for party in parties
    ]


_Block = TypeVar("_Block")

SIGNERS_PER_PAGE = 6
"""Signature blocks that fit on one page (each row is at least 3.6 cm high)."""


def signer_pages(signers: list[_Block]) -> list[list[_Block]]:
    """The blocks shared out over as few pages as hold them, as evenly as possible: seven
    signers make a page of four and one of three, never a block alone on its page."""
    pages = max(1, -(-len(signers) // SIGNERS_PER_PAGE))
    size, extra = divmod(len(signers), pages)
    groups: list[list[_Block]] = []
    start = 0
    for page in range(pages):
        end = start + size + (1 if page < extra else 0)
        groups.append(signers[start:end])
        start = end
    return groups


def _label(spec: KindSpec, party: Party, data: Mapping[str, Any]) -> str:
    return party_label(spec, party.role, party.index, data)


def party_label(spec: KindSpec, role: Role, index: int | None, data: Mapping[str, Any]) -> str:
    """A signer's label, as the document's block, its certificate, the staff's pages and the API
    give it: a guardian's follows her or his relationship (« La représentante légale » for a
    mother), the others are the kind's (« L'enseignant référent » in a convention)."""
    if role is Role.GUARDIAN:
        guardians = data.get("guardians") or []
        if index is not None and 0 <= index < len(guardians):
            return guardian_label(str(guardians[index].get("relationship") or ""))
    return spec.role_labels.get(role, role.label)


def without_article(label: str) -> str:
    """« représentante légale » from « La représentante légale », « élève » from « L'élève »."""
    for article in ("Le ", "La ", "L'", "L’"):
        if label.startswith(article):
            return label.removeprefix(article)
    return label


def _signer_detail(
    spec: KindSpec, party: Party, data: Mapping[str, Any], school: Mapping[str, Any]
) -> str:
    """The signer's capacity, under the name: ``Proviseure, Lycée …``, ``Mère de l'élève``."""
    own = spec.signer_detail(party, data, school)
    if own is not None:
        return own
    if party.role is Role.HEAD:
        return f"{school['head']['title']}, {school['name']}"
    if party.role is Role.REFERENT:
        return str(data["referent"]["function"])
    if party.role is Role.GUARDIAN:
        relationship = str(data["guardians"][party.index]["relationship"])
        return f"{relationship[:1].upper()}{relationship[1:]} de l'élève"
    return f"Classe de {data['pupil']['class_name']}"


def plural(count: int, noun: str) -> str:
    """« 1 jour », « 3 jours »."""
    return f"{count} {noun}{'s' if count > 1 else ''}"


def party_phone(
    spec: KindSpec,
    role: Role,
    index: int | None,
    data: Mapping[str, Any],
    school_phone: str | None = None,
) -> str | None:
    """The phone number registered for a signer in the document's data (the school's for the
    head), as the certificate prints it; None when the data has none."""
    person: Any = None
    if role is Role.HEAD:
        return school_phone or None
    if role is Role.GUARDIAN:
        guardians = data.get("guardians") or []
        if index is not None and 0 <= index < len(guardians):
            person = guardians[index]
    elif role in spec.people:
        person = data
        for key in spec.people[role].split("."):
            person = person.get(key) if isinstance(person, Mapping) else None
    phone = person.get("phone") if isinstance(person, Mapping) else None
    return str(phone) if phone else None
