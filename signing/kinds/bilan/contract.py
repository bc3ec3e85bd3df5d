"""A review belongs to a contract (its ``parcours_id``): it starts from the contract's parties,
period and objectives, and stays the same pupil's, within its period, about its objectives."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from signing.data.french import format_date_fr
from signing.data.names import pupil_identity
from signing.errors import FieldIssue

Data = Mapping[str, Any]


def from_contract(contract: Data, contract_id: int) -> dict[str, Any]:
    """A review started from contract n° `contract_id`: its pupil, guardians, référent,
    scheme, period and objectives (each to assess), the attendees the contract names (the
    pupil, the guardians, the référent), and its next planned review."""
    pupil = contract.get("pupil") or {}
    referent = contract.get("referent") or {}
    attendees = [_attendee(pupil, "élève")]
    attendees += [
        _attendee(g, str(g.get("relationship") or "représentant légal"))
        for g in contract.get("guardians") or []
    ]
    attendees.append(_attendee(referent, str(referent.get("function") or "référent")))
    planned = list(contract.get("reviews") or [])
    return {
        "parcours_id": contract_id,
        "scheme": contract.get("scheme"),
        "pupil": pupil,
        "guardians": contract.get("guardians"),
        "referent": referent,
        "start_date": contract.get("start_date"),
        "end_date": contract.get("end_date"),
        "review_type": "intermediate" if planned else "final",
        "planned_date": planned[0] if planned else contract.get("final_review"),
        "attendees": attendees,
        "objectives": [
            {"number": number, "label": item.get("label"), "status": "ongoing"}
            for number, item in enumerate(contract.get("objectives") or [], start=1)
        ],
    }


def _attendee(person: Data, capacity: str) -> dict[str, str]:
    name = f"{person.get('first_name') or ''} {person.get('last_name') or ''}".strip()
    return {"name": name, "capacity": capacity}


def fits_contract(review: Data, contract: Data, contract_id: int) -> list[FieldIssue]:
    """Why the review cannot be one of contract n° `contract_id` (both validated data): another
    pupil, another period, an objective the contract does not have; empty when it can."""
    issues = []
    if pupil_identity(review) != pupil_identity(contract):
        pupil = contract.get("pupil") or {}
        issues.append(
            FieldIssue(
                "parcours_id",
                f"Le contrat de parcours n° {contract_id} est celui de {pupil.get('first_name')} "
                f"{pupil.get('last_name')} : un bilan de ce contrat est celui du même élève.",
            )
        )
    for key in ("start_date", "end_date"):
        if review.get(key) != contract.get(key):
            issues.append(
                FieldIssue(
                    key,
                    f"Le contrat de parcours n° {contract_id} court du "
                    f"{format_date_fr(contract['start_date'])} au "
                    f"{format_date_fr(contract['end_date'])} : le bilan reprend sa période.",
                )
            )
    count = len(contract.get("objectives") or [])
    for index, item in enumerate(review.get("objectives") or []):
        number = item.get("number")
        if not isinstance(number, int) or not 1 <= number <= count:
            issues.append(
                FieldIssue(
                    f"objectives[{index}].number",
                    f"Objectif n° {number} : le contrat de parcours n° {contract_id} a "
                    f"{count} objectif(s), numérotés de 1 à {count}.",
                )
            )
    return issues
