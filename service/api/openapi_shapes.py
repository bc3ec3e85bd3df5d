"""The JSON Schemas of the API's answers: errors, a signer, a document, its summary, an event."""

from __future__ import annotations

from typing import Any

from service.api.openapi_data import ref, values
from signing.i18n import LANGUAGES
from signing.kinds import Kind
from signing.pdf.evidence_texts import Identification
from signing.vocabulary import DocumentState, Role, SignerState, SigningChannel

Json = dict[str, Any]


def _time() -> Json:
    return {
        "type": ["string", "null"],
        "format": "date-time",
        "examples": ["2026-11-28T09:30:00.000000Z"],
    }


ISSUE = {
    "type": "object",
    "required": ["field", "message"],
    "properties": {
        "field": {
            "type": "string",
            "description": "Chemin du champ en cause (« guardians[0].email »), vide quand la "
            "demande entière est en cause.",
        },
        "message": {"type": "string", "description": "Message en français."},
    },
}


ERRORS = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {"type": "array", "items": ref("FieldIssue"), "minItems": 1},
        "warnings": {
            "type": "array",
            "items": ref("FieldIssue"),
            "description": "Avertissements trouvés avec les erreurs (réponses 422).",
        },
    },
}


SIGNER = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "role": {"type": "string", "enum": values(Role)},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "email": {
            "type": "string",
            "description": "Vide pour un élève ou un représentant légal sans courriel, qui "
            "signe en présence ou sur papier (`signs_by`).",
        },
        "signs_by": {
            "type": "string",
            "enum": values(SigningChannel),
            "description": "`link` : lien envoyé par courriel ; `in_person` : en présence, sur "
            "l'appareil de l'établissement ; `paper` : sur papier. Seul `link` reçoit des "
            "courriels avant le PDF final.",
        },
        "language": {
            "type": "string",
            "enum": list(LANGUAGES),
            "description": "Langue des pages et courriels du signataire (`fr` par défaut) ; le "
            "document reste en français.",
        },
        "status": {
            "type": "string",
            "enum": values(SignerState),
            "description": "`waiting` : pas encore son tour (le chef d'établissement signe en "
            "dernier).",
        },
        "invited_at": _time(),
        "opened_at": _time(),
        "signed_at": _time(),
        "declined_at": _time(),
        "decline_reason": {"type": ["string", "null"]},
        "reminder_count": {"type": "integer"},
        "last_reminded_at": _time(),
        "signing_method": {
            "type": ["string", "null"],
            "enum": [*values(Identification), None],
            "description": "Comment le signataire a signé (null tant qu'il n'a pas signé) : "
            "`paper` = sur papier, feuille numérisée par le personnel.",
        },
        "signing_method_label": {"type": ["string", "null"]},
        "signing_witness": {
            "type": ["string", "null"],
            "description": "Le membre du personnel nommé par la méthode : en présence de qui "
            "on a signé, ou qui a numérisé la feuille signée sur papier (et quand).",
        },
    },
}


COMMON_DOCUMENT = {
    "id": {"type": "integer"},
    "kind": {"type": "string", "enum": values(Kind)},
    "status": {"type": "string", "enum": values(DocumentState)},
    "version": {"type": "integer"},
    "created_at": {"type": "string", "format": "date-time"},
    "updated_at": {"type": "string", "format": "date-time"},
    "issued_at": _time(),
    "deadline": {"type": ["string", "null"], "format": "date"},
    "amends_id": {
        "type": ["integer", "null"],
        "description": "Le document que celui-ci modifie (avenant).",
    },
    "pathway_id": {
        "type": ["integer", "null"],
        "description": "Convention de stage : le contrat de parcours auquel elle est liée.",
    },
}


DOCUMENT = {
    "type": "object",
    "properties": {
        **COMMON_DOCUMENT,
        "data": {
            "description": "Les données du document, normalisées, selon son type (voir "
            "ParcoursData, ConventionData, BilanData).",
            "oneOf": [ref(f"{kind.value.capitalize()}Data") for kind in Kind],
        },
        "warnings": {"type": "array", "items": ref("FieldIssue")},
        "pdf_sha256": {
            "type": ["string", "null"],
            "pattern": "^[0-9a-f]{64}$",
            "description": "SHA-256 du PDF figé à l'émission.",
        },
        "cancel_reason": {"type": ["string", "null"]},
        "timestamp_pending": {
            "type": "boolean",
            "description": "Scellé sans horodatage (aucune autorité d'horodatage n'a répondu) : "
            "un horodatage RFC 3161 du document sera ajouté automatiquement, ce qui produira un "
            "nouveau fichier final ; le précédent reste valable.",
        },
        "signers": {
            "type": "array",
            "items": ref("Signer"),
            "description": "Vide tant que le document est un brouillon.",
        },
    },
}


SUMMARY = {
    "type": "object",
    "properties": {
        **COMMON_DOCUMENT,
        "pupil": {
            "type": "object",
            "properties": {
                "first_name": {"type": ["string", "null"]},
                "last_name": {"type": ["string", "null"]},
                "class_name": {"type": ["string", "null"]},
            },
        },
        "url": {"type": "string", "description": "Chemin du document complet."},
    },
}


EVENT = {
    "type": "object",
    "description": "Une ligne du journal. Les adresses IP et navigateurs enregistrés ne sont "
    "pas exposés ici (ils figurent dans la piste d'audit du PDF final).",
    "properties": {
        "seq": {"type": "integer"},
        "type": {
            "type": "string",
            "examples": [
                "created",
                "updated",
                "issued",
                "invited",
                "opened",
                "reminded",
                "signed",
                "declined",
                "cancelled",
                "expired",
                "completed",
            ],
        },
        "at": {"type": "string", "format": "date-time"},
        "role": {"type": ["string", "null"]},
        "actor_name": {"type": ["string", "null"]},
        "signer_id": {"type": ["integer", "null"]},
        "data": {"type": "object"},
    },
}


SIGNATURE = {
    "type": "object",
    "properties": {
        "role": {"type": "string", "enum": values(Role)},
        "role_label": {"type": "string", "examples": ["Le représentant légal"]},
        "name": {"type": "string"},
        "signed_at": {"type": "string", "format": "date-time"},
    },
}


NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
