"""``POST /verify`` in the OpenAPI description: a multipart upload, and the report it answers."""

from __future__ import annotations

from typing import Any

from service.api.openapi_data import ref, values
from service.api.openapi_operations import json_response, operation
from service.api.openapi_shapes import NULLABLE_TIME, SIGNATURE
from signing.kinds import Kind

Json = dict[str, Any]


def _report() -> Json:
    """The report's schema."""
    return {
        "type": "object",
        "properties": {
            "is_pdf": {"type": "boolean"},
            "seal_present": {"type": "boolean"},
            "seal_valid": {"type": "boolean", "description": "Cachet sain et de confiance."},
            "intact": {
                "type": "boolean",
                "description": "Rien de changé depuis le cachet (ajouts incrémentaux compris).",
            },
            "known": {
                "type": "boolean",
                "description": "Le fichier est le PDF final d'un document terminé de votre "
                "établissement.",
            },
            "trustworthy": {"type": "boolean", "description": "seal_valid, intact et known."},
            "document_id": {"type": ["integer", "null"]},
            "kind": {"type": ["string", "null"], "enum": [*values(Kind), None]},
            "completed_at": NULLABLE_TIME,
            "signed_by": {"type": ["string", "null"]},
            "sealed_at": NULLABLE_TIME,
            "timestamped_at": {
                **NULLABLE_TIME,
                "description": "L'heure attestée par une autorité d'horodatage RFC 3161 reconnue "
                "(jeton du cachet, ou horodatage du document ajouté après le cachet).",
            },
            "timestamped_by": {
                "type": ["string", "null"],
                "description": "Le certificat de cette autorité d'horodatage.",
            },
            "superseded": {
                "type": "boolean",
                "description": "Le fichier est un PDF final antérieur du document (scellé sans "
                "horodatage, envoyé aux parties) : il reste valable ; l'archive détient la "
                "version horodatée.",
            },
            "signers": {"type": "array", "items": SIGNATURE},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "problems": {"type": "array", "items": {"type": "string"}},
        },
    }


def verify_operation() -> Json:
    """``POST /verify``: multipart upload, so its body is described here, not by `_operation`."""
    report = _report()
    described = operation(
        "verifyPdf",
        "Vérifier un PDF : cachet, intégrité, et s'il s'agit d'un document de "
        "l'établissement. Tout fichier reçoit 200 et son rapport (un fichier qui n'est pas un "
        "PDF aussi : `is_pdf: false`).",
        {
            "200": json_response("Le rapport.", report),
            "413": json_response("Fichier trop volumineux.", ref("Errors")),
            "503": json_response("Vérification momentanément impossible.", ref("Errors")),
        },
        errors=("Invalid",),
    )
    described["requestBody"] = {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "contentMediaType": "application/pdf"}
                    },
                }
            }
        },
    }
    return described
