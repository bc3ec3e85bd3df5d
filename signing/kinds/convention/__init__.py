"""Convention de stage: the agreement with the host organisation of an internship — an
observation sequence (3e, 2de), a PFMP, or a stage inside a pathway (domain README §1)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

from signing.data.parties import Party, SignerPlan
from signing.data.signer_emails import distinct_emails
from signing.kinds.convention import calendar, hours, rules
from signing.kinds.convention.pathway import fits_pathway
from signing.kinds.convention.regime import regime_of
from signing.kinds.convention.sequence import fits_sequence
from signing.kinds.convention.summary import convention_summary
from signing.kinds.convention.texts import convention_info
from signing.kinds.spec import KindSpec, ParentLink, link_deadline
from signing.vocabulary import Role

Data = Mapping[str, Any]


def _tutor_is_representative(data: Data) -> bool:
    host = data.get("host")
    return isinstance(host, Mapping) and host.get("tutor_is_representative") is True


def _complete(data: object) -> object:
    """A tutor who is the host's representative (the usual artisan) takes the representative's
    identity: one person, no second address to invent."""
    if not isinstance(data, Mapping) or not _tutor_is_representative(data):
        return data
    host = data["host"]
    representative = host.get("representative")
    if not isinstance(representative, Mapping):
        return data
    tutor = {key: representative.get(key) for key in ("first_name", "last_name", "email", "phone")}
    tutor["function"] = representative.get("title")
    return {**data, "host": {**host, "tutor": tutor}}


def _absent(data: Data) -> frozenset[Role]:
    return frozenset({Role.HOST_TUTOR}) if _tutor_is_representative(data) else frozenset()


def _signer_detail(party: Party, data: Data, school: Data) -> str | None:
    host = data["host"]
    if party.role is Role.HOST_REPRESENTATIVE:
        also = ", signe aussi en qualité de tuteur" if _tutor_is_representative(data) else ""
        return f"{host['representative']['title']}, {host['name']}{also}"
    if party.role is Role.HOST_TUTOR:
        return f"{host['tutor']['function']}, {host['name']}"
    return None


def _host_name(data: Data) -> str | None:
    host = data.get("host") or {}
    name = host.get("name")
    return str(name) if name else None


def _deadline(data: Data, today: date, link_days: int) -> date:
    """Within the link's life, and before the internship starts."""
    deadline = link_deadline(data, today, link_days)
    start = date.fromisoformat(data["start_date"])
    if start > today:
        deadline = min(deadline, start - timedelta(days=1))
    return deadline


def _internship_summary(data: Data, number: int) -> dict[str, Any]:
    """What a pathway contract prints of one of its conventions (domain README §2.2: each stage
    has its linked convention and a planned visit)."""
    return {
        "convention_id": number,
        "host_name": data["host"]["name"],
        "start_date": data["start_date"],
        "end_date": data["end_date"],
        "site_visit_date": data["site_visit_date"],
    }


def _regime(data: Data, plan: SignerPlan) -> str:
    return regime_of(data["internship_type"], plan.age_rule.pupil_age)


def _from_pathway(pathway: Data, pathway_id: int) -> dict[str, Any]:
    """A convention started from a pathway contract takes its pupil, guardians and referent."""
    return {
        "internship_type": "stage_parcours",
        "pupil": pathway.get("pupil"),
        "guardians": pathway.get("guardians"),
        "referent": pathway.get("referent"),
        "parcours_id": pathway_id,
    }


SPEC = KindSpec(
    name="convention",
    package=__name__,
    new_article="Nouvelle",
    short_title="convention de stage",
    rules=(
        distinct_emails(
            (
                ("host.representative.email", "du représentant de l'organisme d'accueil"),
                ("host.tutor.email", "du tuteur"),
            ),
            lambda data: (
                frozenset({"host.tutor.email"}) if _tutor_is_representative(data) else frozenset()
            ),
        ),
        rules.start_not_passed,
        rules.site_visit_in_period,
        rules.siret_or_reason,
        rules.young_pupil_host,
        rules.pfmp_diploma,
        rules.observation_unpaid,
        rules.gratification_when_long,
        calendar.some_presence,
        calendar.observation_level,
        calendar.observation_length,
        hours.sunday_presence,
        hours.presence_limits,
    ),
    signing_order=(
        Role.HOST_REPRESENTATIVE,
        Role.HOST_TUTOR,
        Role.REFERENT,
        Role.PUPIL,
        Role.GUARDIAN,
    ),
    # The head signs last (the signing order); on paper the contracting parties come first.
    printed_order=(
        Role.HEAD,
        Role.HOST_REPRESENTATIVE,
        Role.PUPIL,
        Role.GUARDIAN,
        Role.REFERENT,
        Role.HOST_TUTOR,
    ),
    people=MappingProxyType(
        {
            Role.PUPIL: "pupil",
            Role.REFERENT: "referent",
            Role.HOST_REPRESENTATIVE: "host.representative",
            Role.HOST_TUTOR: "host.tutor",
        }
    ),
    role_labels=MappingProxyType({Role.REFERENT: "L'enseignant référent"}),
    info=convention_info,
    summary=convention_summary,
    signer_detail=_signer_detail,
    host_name=_host_name,
    deadline=_deadline,
    regime=_regime,
    complete=_complete,
    series=fits_sequence,
    absent=_absent,
    form_sections=(
        ("Stage", ("internship_type", "diploma", "parcours_id")),
        "host",
        ("Activités", ("activities", "skills", "evaluation")),
        ("Période et horaires", ("start_date", "end_date", "schedule", "site_visit_date")),
        ("Conditions matérielles", ("meals", "transport", "lodging", "gratification")),
    ),
    parent=ParentLink(
        parent="parcours",
        field="parcours_id",
        offered_when=lambda pathway: bool(pathway.get("includes_internship")),
        prefill=_from_pathway,
        parent_label="Contrat de parcours associé",
        parent_noun="contrat de parcours",
        child_label="Convention de stage liée à ce contrat",
        offer_label="Créer la convention de stage",
        fits=fits_pathway,
        listed_as="internships",
        expecting=lambda pathway: {**pathway, "includes_internship": True},
        summary=_internship_summary,
        missing_help=(
            "Ce contrat comprend un stage : créez d'abord sa convention de stage (bouton « Créer "
            "la convention de stage »), dont le contrat reprend l'organisme, les dates et la "
            "visite prévue."
        ),
        offer_help=(
            "Ce parcours comprend un stage : la convention de stage reprend l’élève, ses "
            "représentants légaux et le référent de ce contrat, et lui reste liée."
        ),
    ),
)
