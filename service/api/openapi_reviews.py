"""The OpenAPI description of ``POST /api/v1/documents/{id}/reviews`` (issue 13 §8)."""

from __future__ import annotations

from typing import Any

from service.api.openapi_data import ref
from service.api.openapi_operations import DOCUMENT_ID, json_response, operation
from signing.follow_up.vocabulary import ObjectiveStatus, PathwayOutcome, ReviewDecision

Json = dict[str, Any]


def _choices(vocabulary: Any) -> Json:
    return {
        "type": "string",
        "enum": [m.value for m in vocabulary],
        "description": " ; ".join(f"`{m.value}` : {m.label}" for m in vocabulary),
    }


REVIEW_REQUEST: Json = {
    "type": "object",
    "additionalProperties": False,
    "required": ["date", "attendees", "objectives", "decision"],
    "properties": {
        "date": {"type": "string", "format": "date", "description": "Jour où le bilan est tenu."},
        "attendees": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["name", "capacity"],
                "properties": {"name": {"type": "string"}, "capacity": {"type": "string"}},
            },
        },
        "objectives": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["number", "assessment", "status"],
                "properties": {
                    "number": {"type": "integer", "minimum": 1},
                    "assessment": {"type": "string"},
                    "status": _choices(ObjectiveStatus),
                },
            },
        },
        "decision": _choices(ReviewDecision),
        "observations": {"type": "string"},
        "early_end_date": {
            "type": "string",
            "format": "date",
            "description": "Fin anticipée du parcours (décision `end`).",
        },
        "final": {"type": "boolean", "description": "Bilan final (par défaut : intermédiaire)."},
        "outcome": {**_choices(PathwayOutcome), "description": "Issue du parcours (bilan final)."},
        "planned_date": {"type": "string", "format": "date"},
        "inform_guardians": {"type": "boolean"},
    },
}


def review_paths() -> Json:
    return {
        "/documents/{document_id}/reviews": {
            "parameters": [DOCUMENT_ID],
            "post": operation(
                "createDocumentReview",
                "Tenir un bilan d'un contrat de parcours finalisé : son brouillon, repris du "
                "contrat (élève, représentants légaux, référent, objectifs) et complété du corps.",
                {"201": json_response("Le bilan créé (brouillon).", ref("Document"))},
                errors=("BadRequest", "Forbidden", "NotFound", "Conflict", "Invalid"),
                body={"schema": REVIEW_REQUEST},
            ),
        },
    }
