"""``GET /follow-up/due`` in the OpenAPI description: the caller's due and overdue items."""

from __future__ import annotations

from typing import Any

from service.api.openapi_operations import json_response, operation, query
from signing.follow_up.week import MAX_WITHIN_DAYS, WITHIN_DAYS

Json = dict[str, Any]

_ITEM: Json = {
    "type": "object",
    "required": ["document_id", "pupil_name", "what", "day", "label", "overdue", "url"],
    "properties": {
        "document_id": {"type": "integer", "description": "Le contrat de parcours."},
        "pupil_name": {"type": "string"},
        "what": {
            "type": "string",
            "description": "objective, review, final_review, end (d'autres valeurs, comme "
            "visit, peuvent s'ajouter).",
        },
        "day": {"type": "string", "format": "date"},
        "label": {"type": "string", "description": "En français : « Bilan intermédiaire »."},
        "objective": {"type": ["integer", "null"], "description": "Numéro de l'objectif."},
        "overdue": {"type": "boolean", "description": "Date passée, toujours à faire."},
        "url": {"type": "string", "description": "La page du contrat, à l'endroit de l'élément."},
    },
}


def due_operation() -> Json:
    return operation(
        "listFollowUpDue",
        "Mon suivi : ce qui arrive à échéance dans les prochains jours et ce qui est en retard, "
        "pour les parcours que suit l'appelant (le chef d'établissement : tous ceux de "
        "l'établissement ; un référent : ceux qui le nomment référent). En retard d'abord.",
        {
            "200": json_response(
                "Les éléments dus.",
                {
                    "type": "object",
                    "properties": {
                        "today": {"type": "string", "format": "date"},
                        "within_days": {"type": "integer"},
                        "items": {"type": "array", "items": _ITEM},
                    },
                },
            )
        },
        errors=("Forbidden", "Invalid"),
        parameters=[
            query(
                "within_days",
                "Jours à venir pris en compte, aujourd'hui compris.",
                {
                    "type": "integer",
                    "minimum": 0,
                    "maximum": MAX_WITHIN_DAYS,
                    "default": WITHIN_DAYS,
                },
            )
        ],
    )
