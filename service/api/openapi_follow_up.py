"""The OpenAPI description of the follow-up's routes (`service.api.follow_up_views`): a
completed contract's follow-up and a note on one of its objectives, with their schemas written
in place (every field described), so the description needs one line in `openapi_paths`."""

from __future__ import annotations

from typing import Any

from service.api.openapi_data import values
from service.api.openapi_operations import DOCUMENT_ID, json_response, operation
from service.api.openapi_reviews import REVIEW
from signing.follow_up.visits import VisitState
from signing.follow_up.vocabulary import ObjectiveStatus, PathwayState

Json = dict[str, Any]

_DAY: Json = {"type": "string", "format": "date"}
_OPTIONAL_DAY: Json = {"type": ["string", "null"], "format": "date"}
_STATUS: Json = {
    "type": "string",
    "enum": values(ObjectiveStatus),
    "description": "Statut de l'objectif : "
    + ", ".join(f"`{s.value}` ({s.label})" for s in ObjectiveStatus)
    + ".",
}

NUMBER = {
    "name": "number",
    "in": "path",
    "required": True,
    "description": "Numéro de l'objectif dans le contrat, à partir de 1.",
    "schema": {"type": "integer", "minimum": 1},
}

NOTE: Json = {
    "type": "object",
    "description": "Une note datée sur un objectif : qui, quand, quoi.",
    "required": ["id", "objective", "status", "date", "note", "author", "created_at"],
    "properties": {
        "id": {"type": "integer"},
        "objective": {"type": "integer", "description": "Numéro de l'objectif."},
        "status": _STATUS,
        "status_label": {"type": "string", "description": "Le statut en français."},
        "date": {**_DAY, "description": "Jour dont parle la note (calendrier de l'école)."},
        "new_deadline": {**_OPTIONAL_DAY, "description": "Nouvelle échéance (report)."},
        "note": {"type": "string", "description": "Ce qui a été constaté."},
        "author": {
            "type": "object",
            "description": "L'auteur, tel qu'il était quand il a écrit.",
            "properties": {"name": {"type": "string"}, "role": {"type": "string"}},
        },
        "created_at": {"type": "string", "format": "date-time", "description": "Écrite le."},
    },
}

NEW_NOTE: Json = {
    "type": "object",
    "additionalProperties": False,
    "required": ["status", "note"],
    "properties": {
        "status": _STATUS,
        "note": {"type": "string", "minLength": 1, "maxLength": 4000},
        "date": {**_OPTIONAL_DAY, "description": "Jour constaté ; aujourd'hui s'il manque."},
        "new_deadline": {
            **_OPTIONAL_DAY,
            "description": "Pour `postponed` : la nouvelle échéance, dans la période du "
            "contrat (au-delà, un avenant est nécessaire : 422).",
        },
    },
}

_OBJECTIVE: Json = {
    "type": "object",
    "properties": {
        "number": {"type": "integer"},
        "label": {"type": "string", "description": "L'objectif, tel qu'au contrat."},
        "indicator": {"type": "string", "description": "Son indicateur de réussite."},
        "status": _STATUS,
        "status_label": {"type": "string"},
        "deadline": {**_DAY, "description": "Échéance actuelle (après les reports)."},
        "planned_deadline": {**_DAY, "description": "Échéance prévue au contrat."},
        "overdue": {"type": "boolean", "description": "Échéance passée, objectif ouvert."},
        "notes": {"type": "array", "items": NOTE, "description": "Les plus anciennes d'abord."},
    },
}

_DUE: Json = {
    "type": "object",
    "properties": {
        "date": _DAY,
        "what": {
            "type": "string",
            "enum": ["objective", "review", "final_review", "end", "visit"],
            "description": "`visit` : la visite du lieu de stage d'une convention du contrat.",
        },
        "label": {"type": "string", "description": "En français : « Bilan final »."},
        "objective": {"type": ["integer", "null"], "description": "Pour une échéance."},
        "overdue": {"type": "boolean"},
        "document_id": {
            "type": ["integer", "null"],
            "description": "Le document de l'échéance quand ce n'est pas le contrat (la "
            "convention d'une visite) ; null sinon.",
        },
    },
}

_TEXT: Json = {"type": ["string", "null"]}

_MOVE: Json = {
    "type": "object",
    "description": "Un déplacement d'une visite déjà datée.",
    "required": ["date", "previous_date", "reason", "moved_at"],
    "properties": {
        "date": {**_DAY, "description": "La nouvelle date prévue."},
        "previous_date": {**_OPTIONAL_DAY, "description": "La date prévue avant."},
        "reason": {**_TEXT, "description": "La raison du déplacement."},
        "moved_at": {"type": "string", "format": "date-time", "description": "Déplacée le."},
    },
}

_VISIT: Json = {
    "type": "object",
    "description": "La visite du lieu de stage d'une convention finalisée du contrat.",
    "required": ["convention_id", "state", "overdue", "planned_date", "done_date", "moves"],
    "properties": {
        "convention_id": {"type": "integer", "description": "Numéro de la convention."},
        "state": {
            "type": "string",
            "enum": values(VisitState),
            "description": "État de la visite : "
            + ", ".join(f"`{s.value}` ({s.label})" for s in VisitState)
            + ".",
        },
        "state_label": {"type": "string", "description": "L'état en français."},
        "overdue": {"type": "boolean", "description": "Date passée sans compte rendu."},
        "planned_date": {**_OPTIONAL_DAY, "description": "Date prévue ; null : à planifier."},
        "visitor": {**_TEXT, "description": "Qui doit venir (le référent de la convention)."},
        "done_date": {**_OPTIONAL_DAY, "description": "Date de la visite faite."},
        "visited_by": {**_TEXT, "description": "La personne venue."},
        "tutor_met": {**_TEXT, "description": "Le tuteur rencontré."},
        "report": {**_TEXT, "description": "Le compte rendu (court)."},
        "moves": {"type": "array", "items": _MOVE, "description": "Les plus anciens d'abord."},
    },
}

FOLLOW_UP: Json = {
    "type": "object",
    "description": "Le suivi d'un contrat de parcours finalisé, comme sa page le montre.",
    "required": ["document_id", "state", "period", "objectives", "due", "reviews", "visits"],
    "properties": {
        "document_id": {"type": "integer"},
        "today": {**_DAY, "description": "Le jour de l'école où le suivi est lu."},
        "state": {"type": "string", "enum": values(PathwayState)},
        "state_label": {"type": "string", "description": "« À venir », « En cours », « Terminé »."},
        "period": {
            "type": "object",
            "properties": {
                "start": _DAY,
                "end": {**_DAY, "description": "Fin effective (fin anticipée s'il y en a une)."},
                "planned_end": _DAY,
                "ended_early_on": _OPTIONAL_DAY,
            },
        },
        "objectives": {"type": "array", "items": _OBJECTIVE},
        "due": {"type": "array", "items": _DUE, "description": "Prochaines échéances."},
        "reviews": {
            "type": "array",
            "items": REVIEW,
            "description": "Les bilans signés et scellés, les plus anciens d'abord.",
        },
        "visits": {
            "type": "array",
            "items": _VISIT,
            "description": "Visites du lieu de stage des conventions du contrat.",
        },
        "amendment_awaited": {
            "type": ["object", "null"],
            "description": "Le dernier bilan, quand il a décidé d'ajuster le contrat et qu'aucun "
            "avenant n'a été émis depuis ; null sinon.",
            "properties": {
                "review": {"type": "integer", "description": "Le numéro du document du bilan."},
                "date": {**_DAY, "description": "Jour où le bilan a été tenu."},
            },
        },
    },
}


def follow_up_paths() -> Json:
    return {
        "/documents/{document_id}/follow-up": {
            "parameters": [DOCUMENT_ID],
            "get": operation(
                "getFollowUp",
                "Le suivi d'un contrat de parcours finalisé : état, objectifs et notes, "
                "échéances (409 pour un document sans suivi).",
                {"200": json_response("Le suivi.", FOLLOW_UP)},
                errors=("NotFound", "Conflict"),
            ),
        },
        "/documents/{document_id}/objectives/{number}/notes": {
            "parameters": [DOCUMENT_ID, NUMBER],
            "post": operation(
                "addObjectiveNote",
                "Noter où en est un objectif (chef d'établissement, référent) ; chaque note "
                "est un événement du journal du contrat.",
                {"201": json_response("La note enregistrée.", NOTE)},
                errors=("BadRequest", "Forbidden", "NotFound", "Conflict", "Invalid"),
                body={"schema": NEW_NOTE},
            ),
        },
    }
