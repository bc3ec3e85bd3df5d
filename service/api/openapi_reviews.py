"""The OpenAPI description of the reviews (bilans) of a contract (issue 13 §3, §8): the body of
``POST /api/v1/documents/{id}/reviews`` and its answer (the review's draft, a `Document` of kind
``bilan``), and `REVIEW`, one completed review as the follow-up lists it (``reviews`` of
``GET /documents/{id}/follow-up``, `service.api.follow_up_shapes`)."""

from __future__ import annotations

from typing import Any

from service.api.openapi_data import ref
from service.api.openapi_operations import DOCUMENT_ID, json_response, operation
from signing.follow_up.vocabulary import (
    ObjectiveStatus,
    PathwayOutcome,
    ReviewDecision,
    ReviewType,
)
from signing.kinds import Kind

Json = dict[str, Any]


def _choices(vocabulary: Any, what: str = "") -> Json:
    listed = " ; ".join(f"`{m.value}` : {m.label}" for m in vocabulary)
    return {
        "type": "string",
        "enum": [m.value for m in vocabulary],
        "description": f"{what} {listed}" if what else listed,
    }


def _nullable(schema: Json) -> Json:
    return {**schema, "type": [schema["type"], "null"], "enum": [*schema["enum"], None]}


_DAY: Json = {"type": "string", "format": "date"}
_OPTIONAL_DAY: Json = {"type": ["string", "null"], "format": "date"}

_ATTENDEE: Json = {
    "type": "object",
    "required": ["name", "capacity"],
    "properties": {
        "name": {"type": "string", "description": "Prénom et nom du participant."},
        "capacity": {
            "type": "string",
            "description": "Sa qualité : élève, mère, CPE, professeur principal…",
        },
    },
}

REVIEW: Json = {
    "type": "object",
    "description": "Un bilan signé de tous et scellé ; ses décisions valent pour le suivi du "
    "contrat (statuts des objectifs, fin anticipée, issue du parcours).",
    "required": [
        "document_id",
        "date",
        "type",
        "decision",
        "planned_date",
        "early_end",
        "outcome",
        "statuses",
        "attendees",
    ],
    "properties": {
        "document_id": {
            "type": "integer",
            "description": "Le numéro du document du bilan (`GET /documents/{document_id}`).",
        },
        "date": {**_DAY, "description": "Jour où le bilan a été tenu."},
        "type": _choices(ReviewType, "Type de bilan :"),
        "decision": _choices(ReviewDecision, "Décision prise au bilan :"),
        "planned_date": {
            **_OPTIONAL_DAY,
            "description": "Date prévue au contrat pour ce bilan ; null pour un bilan ajouté.",
        },
        "early_end": {
            **_OPTIONAL_DAY,
            "description": "Fin anticipée du parcours décidée au bilan (décision `end`) ; null "
            "sinon.",
        },
        "outcome": _nullable(
            _choices(PathwayOutcome, "Issue du parcours, donnée par le bilan final ; null sinon :")
        ),
        "statuses": {
            "type": "object",
            "description": "Le statut que le bilan donne à chaque objectif apprécié, par numéro "
            "d'objectif (« 1 », « 2 »…).",
            "propertyNames": {"pattern": "^[1-9][0-9]*$"},
            "additionalProperties": _choices(ObjectiveStatus, "Statut de l'objectif :"),
        },
        "attendees": {
            "type": "array",
            "description": "Les participants au bilan, comme il les nomme.",
            "items": _ATTENDEE,
        },
    },
}

_ASSESSMENT: Json = {
    "type": "object",
    "required": ["number", "assessment", "status"],
    "properties": {
        "number": {
            "type": "integer",
            "minimum": 1,
            "description": "Numéro de l'objectif dans le contrat (son intitulé en est repris).",
        },
        "assessment": {"type": "string", "description": "Appréciation de l'objectif."},
        "status": _choices(ObjectiveStatus, "Où en est l'objectif :"),
    },
}

REVIEW_REQUEST: Json = {
    "type": "object",
    "additionalProperties": False,
    "required": ["date", "attendees", "objectives", "decision"],
    "properties": {
        "date": {**_DAY, "description": "Jour où le bilan est tenu."},
        "attendees": {
            "type": "array",
            "minItems": 1,
            "description": "Les personnes présentes au bilan.",
            "items": _ATTENDEE,
        },
        "objectives": {
            "type": "array",
            "description": "L'appréciation de chaque objectif du contrat.",
            "items": _ASSESSMENT,
        },
        "decision": _choices(ReviewDecision, "Décision prise au bilan :"),
        "observations": {"type": "string", "description": "Observations libres."},
        "early_end_date": {
            **_DAY,
            "description": "Fin anticipée du parcours (obligatoire avec la décision `end`).",
        },
        "final": {"type": "boolean", "description": "Bilan final (par défaut : intermédiaire)."},
        "outcome": _choices(PathwayOutcome, "Issue du parcours (obligatoire au bilan final) :"),
        "planned_date": {
            **_DAY,
            "description": "La date que le contrat prévoyait pour ce bilan, s'il en tient un.",
        },
        "inform_guardians": {
            "type": "boolean",
            "description": "Élève majeur : il accepte que ses représentants légaux reçoivent "
            "une copie du bilan signé.",
        },
    },
}

REVIEW_DRAFT: Json = {
    "description": "Le brouillon du bilan : un document de type `bilan`, ses données selon "
    "BilanData (élève, représentants légaux, référent et objectifs repris du contrat).",
    "allOf": [
        ref("Document"),
        {
            "type": "object",
            "properties": {
                "kind": {"const": Kind.REVIEW.value},
                "data": ref(f"{Kind.REVIEW.value.capitalize()}Data"),
            },
        },
    ],
}


def review_paths() -> Json:
    return {
        "/documents/{document_id}/reviews": {
            "parameters": [DOCUMENT_ID],
            "post": operation(
                "createDocumentReview",
                "Tenir un bilan d'un contrat de parcours finalisé : son brouillon, repris du "
                "contrat (élève, représentants légaux, référent, objectifs) et complété du corps.",
                {"201": json_response("Le bilan créé (brouillon).", REVIEW_DRAFT)},
                errors=("BadRequest", "Forbidden", "NotFound", "Conflict", "Invalid"),
                body={"schema": REVIEW_REQUEST},
            ),
        },
    }
