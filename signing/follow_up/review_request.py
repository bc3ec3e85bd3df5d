"""The API's body of a new review (``POST /api/v1/documents/{id}/reviews``) turned into a
review's data, over what the contract prefills (`ParentLink.prefill`), and the review's field
names back into the body's, so a refusal names what the caller sent."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from signing.errors import FieldIssue, ValidationFailed

FIELDS = {
    "date": "review_date",
    "final": "review_type",
    "attendees": "attendees",
    "objectives": "objectives",
    "decision": "decision",
    "observations": "observations",
    "early_end_date": "early_end_date",
    "outcome": "outcome",
    "planned_date": "planned_date",
    "inform_guardians": "inform_guardians",
}
"""The body's keys, each with the review's field it sets."""
REQUIRED = ("date", "attendees", "objectives", "decision")


def review_data(prefill: Mapping[str, Any], body: object) -> dict[str, Any]:
    """The review's data: the contract's prefill, with what the body says (each objective's
    label from the contract); ValidationFailed for a body that is not one."""
    if not isinstance(body, dict):
        raise ValidationFailed([FieldIssue("", "le bilan doit être un objet JSON")])
    issues = [FieldIssue(key, "champ inconnu") for key in sorted(set(body) - set(FIELDS))]
    issues += [FieldIssue(key, "champ obligatoire") for key in REQUIRED if key not in body]
    final = body.get("final", False)
    if not isinstance(final, bool):
        issues.append(FieldIssue("final", "vrai (bilan final) ou faux attendu"))
    objectives = body.get("objectives")
    if "objectives" in body and not isinstance(objectives, list):
        issues.append(FieldIssue("objectives", "liste des objectifs appréciés attendue"))
    if issues:
        raise ValidationFailed(issues)
    data = dict(prefill)
    data.pop("planned_date", None)
    for key, field in FIELDS.items():
        if key in body and key not in ("final", "objectives"):
            data[field] = body[key]
    data["review_type"] = "final" if final else "intermediate"
    labels = {o["number"]: o.get("label") for o in prefill.get("objectives") or []}
    data["objectives"] = [
        {**item, "label": labels.get(item.get("number"))} if isinstance(item, dict) else item
        for item in objectives or []
    ]
    return data


def as_body_field(field: str) -> str:
    """``review_date`` → ``date``: a review's field as the body names it."""
    for key, name in FIELDS.items():
        if field == name or field.startswith((f"{name}.", f"{name}[")):
            return key + field[len(name) :]
    return field
