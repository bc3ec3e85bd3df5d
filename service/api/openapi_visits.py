"""The OpenAPI description of ``POST /documents/{document_id}/visits`` (`service.api.visits`)."""

from __future__ import annotations

from typing import Any

from service.api.openapi_data import values
from service.api.openapi_operations import DOCUMENT_ID, json_response, operation
from signing.follow_up.visits import NAME_MAX, REASON_MAX, REPORT_MAX, VisitState

Json = dict[str, Any]

_DAY = {"type": "string", "format": "date"}
_OPTIONAL_DAY = {"type": ["string", "null"], "format": "date"}
_TEXT = {"type": ["string", "null"]}

VISIT: Json = {
    "type": "object",
    "description": "La visite du lieu de stage d'une convention finalisée.",
    "properties": {
        "document_id": {"type": "integer"},
        "state": {"type": "string", "enum": values(VisitState)},
        "state_label": {"type": "string", "examples": ["Visite non faite"]},
        "overdue": {"type": "boolean", "description": "Date passée sans compte rendu."},
        "planned_date": _OPTIONAL_DAY,
        "visitor": _TEXT,
        "done_date": _OPTIONAL_DAY,
        "visited_by": _TEXT,
        "tutor_met": _TEXT,
        "report": _TEXT,
        "moved_reason": _TEXT,
        "recorded_by": _TEXT,
    },
    "required": ["document_id", "state", "overdue", "planned_date", "done_date"],
}

PLAN: Json = {
    "type": "object",
    "title": "Planifier ou déplacer",
    "properties": {
        "planned_date": {**_DAY, "description": "Pendant le stage, pas dans le passé."},
        "reason": {
            "type": "string",
            "maxLength": REASON_MAX,
            "description": "Obligatoire pour déplacer une visite déjà datée.",
        },
    },
    "required": ["planned_date"],
}

DONE: Json = {
    "type": "object",
    "title": "Noter la visite faite",
    "properties": {
        "done_date": {**_DAY, "description": "Ni à venir, ni avant le début du stage."},
        "visited_by": {"type": "string", "minLength": 1, "maxLength": NAME_MAX},
        "report": {"type": "string", "minLength": 1, "maxLength": REPORT_MAX},
        "tutor_met": {"type": "string", "minLength": 1, "maxLength": NAME_MAX},
    },
    "required": ["done_date", "visited_by", "report", "tutor_met"],
}


def visit_paths() -> Json:
    return {
        "/documents/{document_id}/visits": {
            "parameters": [DOCUMENT_ID],
            "post": operation(
                "recordVisit",
                "La visite du lieu de stage d'une convention finalisée : la planifier ou la "
                "déplacer (`planned_date`, `reason`), ou la noter faite (`done_date`, "
                "`visited_by`, `report`, `tutor_met`). 409 pour un document sans stage ou "
                "pas encore finalisé.",
                {
                    "200": json_response("La visite planifiée ou déplacée.", VISIT),
                    "201": json_response("La visite notée faite.", VISIT),
                },
                errors=("BadRequest", "Forbidden", "NotFound", "Conflict", "Invalid"),
                body={"schema": {"oneOf": [PLAN, DONE]}},
            ),
        }
    }
