"""The OpenAPI description of the paper signature's operations (`service.api.paper`)."""

from __future__ import annotations

from typing import Any

from service.api.openapi_data import ref
from service.api.openapi_operations import DOCUMENT_ID, SIGNER_ID, json_response, operation

Json = dict[str, Any]


def paper_paths() -> Json:
    sheet = operation(
        "printPaperSheet",
        "Le PDF à imprimer pour qu'un signataire dont c'est le tour signe sur papier : le "
        "document figé puis sa feuille de signature (code de la feuille en clair et en QR code, "
        "aussi dans l'en-tête `X-Cosigne-Sheet-Code`). L'impression est inscrite au journal.",
        {
            "200": {
                "description": "Le document et la feuille de signature.",
                "content": {
                    "application/pdf": {
                        "schema": {"type": "string", "contentMediaType": "application/pdf"}
                    }
                },
            }
        },
        errors=("Forbidden", "NotFound"),
    )
    signature = operation(
        "recordPaperSignature",
        "Déposer la feuille signée et numérisée (PDF, JPEG ou PNG, 10 Mo au plus) : refusée "
        "(422, champ `code` ou `scan`, rien n'est enregistré) si le code est faux ou d'une autre "
        "feuille, si le document a changé depuis l'impression, si le cadre est vide.",
        {"200": json_response("Le signataire, `status: signed`.", ref("Signer"))},
        errors=("Forbidden", "NotFound", "Invalid"),
    )
    signature["requestBody"] = {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["scan"],
                    "properties": {
                        "scan": {"type": "string", "contentMediaType": "application/octet-stream"},
                        "code": {"type": "string", "examples": ["FS-12-34-1A2B3C4D-K7QXM2PZ9T"]},
                    },
                }
            }
        },
    }
    base = "/documents/{document_id}/signers/{signer_id}"
    return {
        f"{base}/paper-sheet": {"parameters": [DOCUMENT_ID, SIGNER_ID], "post": sheet},
        f"{base}/paper-signature": {"parameters": [DOCUMENT_ID, SIGNER_ID], "post": signature},
    }
