"""A convention linked to a pathway contract (its ``parcours_id``) belongs to it: the same pupil,
and a period inside the contract's (domain README §1.3b: « a convention linked to a pathway is the
same pupil's and inside its period »)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from signing.data.french import format_date_fr
from signing.data.names import pupil_identity
from signing.errors import FieldIssue

Data = Mapping[str, Any]


def fits_pathway(convention: Data, pathway: Data, pathway_id: int) -> list[FieldIssue]:
    """Why the convention cannot belong to pathway contract n° `pathway_id` (both validated
    data); empty when it can."""
    issues = []
    if pupil_identity(convention) != pupil_identity(pathway):
        pupil = pathway.get("pupil") or {}
        born = format_date_fr(pupil["birth_date"])
        issues.append(
            FieldIssue(
                "parcours_id",
                f"Le contrat de parcours n° {pathway_id} est celui de {pupil.get('first_name')} "
                f"{pupil.get('last_name')} (date de naissance : {born}) : une convention liée à "
                "ce contrat est celle du même élève.",
            )
        )
    start, end = convention.get("start_date"), convention.get("end_date")
    first, last = pathway.get("start_date"), pathway.get("end_date")
    if start and end and first and last and (start < first or end > last):
        issues.append(
            FieldIssue(
                "start_date" if start < first else "end_date",
                f"Le stage ({format_date_fr(start)} – {format_date_fr(end)}) doit se dérouler "
                f"pendant le contrat de parcours n° {pathway_id}, du {format_date_fr(first)} au "
                f"{format_date_fr(last)}.",
            )
        )
    return issues
