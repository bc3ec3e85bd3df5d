"""The paths of the API's OpenAPI description: every operation, its parameters and answers."""

from __future__ import annotations

from typing import Any

from service.api.openapi_data import ref, values
from service.api.openapi_shapes import NULLABLE_TIME, SIGNATURE
from signing.kinds import Kind
from signing.vocabulary import DocumentState

Json = dict[str, Any]

RESPONSES: Json = {
    "BadRequest": ("Le corps de la demande n'est pas du JSON.", "Errors"),
    "Unauthorized": (
        "Jeton absent ou invalide (en-tête `WWW-Authenticate: Bearer`).",
        "Errors",
    ),
    "NotFound": (
        "Document (ou signataire) introuvable ; un document d'un autre établissement reçoit "
        "exactement la même réponse.",
        "Errors",
    ),
    "Conflict": (
        "L'état du document ne permet pas cette action (message en français) ; rien n'a changé.",
        "Errors",
    ),
    "Invalid": ("Données invalides : chaque erreur nomme son champ ; rien n'a changé.", "Errors"),
    "Unavailable": (
        "Le PDF n'a pas pu être fabriqué (LibreOffice) ; rien n'a changé, réessayez.",
        "Errors",
    ),
}


def _response_ref(name: str) -> Json:
    return {"$ref": f"#/components/responses/{name}"}


def _json_response(description: str, schema: Json, **headers: Json) -> Json:
    response: Json = {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }
    if headers:
        response["headers"] = headers
    return response


def _operation(
    operation_id: str,
    summary: str,
    responses: Json,
    *,
    errors: tuple[str, ...] = (),
    parameters: list[Json] | None = None,
    body: Json | None = None,
    secured: bool = True,
) -> Json:
    operation: Json = {"operationId": operation_id, "summary": summary}
    if parameters:
        operation["parameters"] = parameters
    if body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": body}}
    every = (*errors, "Unauthorized") if secured else errors
    operation["responses"] = {
        **responses,
        **{_STATUS[name]: _response_ref(name) for name in every},
    }
    if not secured:
        operation["security"] = []
    return operation


_STATUS = {
    "BadRequest": "400",
    "Unauthorized": "401",
    "NotFound": "404",
    "Conflict": "409",
    "Invalid": "422",
    "Unavailable": "503",
}


_DOCUMENT_ID = {
    "name": "document_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


_SIGNER_ID = {
    "name": "signer_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


def _query(name: str, description: str, schema: Json) -> Json:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


def paths() -> Json:
    """Every path of the API, with its operations."""
    return {
        **_collection_paths(),
        **_document_paths(),
        **_action_paths(),
        "/verify": {"post": _verify_operation()},
    }


def _collection_paths() -> Json:
    return {
        "/openapi.json": {
            "get": _operation(
                "openapi",
                "Cette description (sans authentification).",
                {
                    "200": {
                        "description": "Le document OpenAPI.",
                        "content": {"application/json": {}},
                    }
                },
                secured=False,
            )
        },
        "/documents": {
            "post": _operation(
                "createDocument",
                f"Créer un brouillon ({' ou '.join(kind.spec.short_title for kind in Kind)}).",
                {
                    "201": _json_response(
                        "Le brouillon créé (`status: draft`) et ses avertissements.",
                        ref("Document"),
                        Location={
                            "description": "Chemin du document créé.",
                            "schema": {"type": "string"},
                        },
                    )
                },
                errors=("BadRequest", "NotFound", "Conflict", "Invalid"),
                body={"schema": ref("CreateDocument")},
            ),
            "get": _operation(
                "listDocuments",
                "Les documents de l'établissement, les plus récents d'abord.",
                {"200": _json_response("Une page de documents.", ref("DocumentList"))},
                errors=("Invalid",),
                parameters=[
                    _query("status", "Statut.", {"type": "string", "enum": values(DocumentState)}),
                    _query(
                        "kind",
                        "Type de document.",
                        {"type": "string", "enum": values(Kind)},
                    ),
                    _query(
                        "pupil",
                        "Partie du prénom ou du nom de l'élève (sans distinction de casse).",
                        {"type": "string", "maxLength": 100},
                    ),
                    _query(
                        "school_year",
                        "Année scolaire de la date de début (1er septembre – 31 août).",
                        {
                            "type": "string",
                            "pattern": "^[0-9]{4}-[0-9]{4}$",
                            "examples": ["2026-2027"],
                        },
                    ),
                    _query(
                        "page", "Numéro de page.", {"type": "integer", "minimum": 1, "default": 1}
                    ),
                    _query(
                        "per_page",
                        "Documents par page.",
                        {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                    ),
                ],
            ),
        },
    }


def _document_paths() -> Json:
    document = _json_response("Le document.", ref("Document"))
    return {
        "/documents/{document_id}": {
            "parameters": [_DOCUMENT_ID],
            "get": _operation(
                "getDocument",
                "Un document, ses signataires et leur avancement.",
                {"200": document},
                errors=("NotFound",),
            ),
            "put": _operation(
                "updateDocument",
                "Remplacer les données d'un brouillon (un document émis ne se modifie plus).",
                {"200": document},
                errors=("BadRequest", "NotFound", "Conflict", "Invalid"),
                body={"schema": ref("UpdateDocument")},
            ),
        },
        "/documents/{document_id}/pdf": {
            "parameters": [_DOCUMENT_ID],
            "get": _operation(
                "getDocumentPdf",
                "Le PDF : aperçu d'un brouillon, PDF figé une fois émis.",
                {
                    "200": {
                        "description": "Le PDF (`Content-Disposition: inline; "
                        'filename="<kind>-<id>.pdf"`).',
                        "content": {
                            "application/pdf": {
                                "schema": {"type": "string", "contentMediaType": "application/pdf"}
                            }
                        },
                    }
                },
                errors=("NotFound", "Unavailable"),
            ),
        },
    }


def _action_paths() -> Json:
    return {
        "/documents/{document_id}/issue": {
            "parameters": [_DOCUMENT_ID],
            "post": _operation(
                "issueDocument",
                "Émettre : figer le PDF, désigner les signataires, envoyer les invitations.",
                {
                    "200": _json_response(
                        "Le document, `status: awaiting_signatures`.", ref("Document")
                    )
                },
                errors=("NotFound", "Conflict", "Invalid", "Unavailable"),
            ),
        },
        "/documents/{document_id}/cancel": {
            "parameters": [_DOCUMENT_ID],
            "post": _operation(
                "cancelDocument",
                "Annuler (brouillon ou en attente de signatures) ; tous les liens cessent de "
                "fonctionner.",
                {"200": _json_response("Le document, `status: cancelled`.", ref("Document"))},
                errors=("BadRequest", "NotFound", "Conflict", "Invalid"),
                body={"schema": ref("CancelRequest")},
            ),
        },
        "/documents/{document_id}/signers/{signer_id}/remind": {
            "parameters": [_DOCUMENT_ID, _SIGNER_ID],
            "post": _operation(
                "remindSigner",
                "Relancer un signataire invité (le lien reste le même, son délai repart).",
                {"200": _json_response("Le signataire.", ref("Signer"))},
                errors=("NotFound", "Conflict"),
            ),
        },
        "/documents/{document_id}/events": {
            "parameters": [_DOCUMENT_ID],
            "get": _operation(
                "listDocumentEvents",
                "Le journal du document, dans l'ordre.",
                {"200": _json_response("Les événements.", ref("EventList"))},
                errors=("NotFound",),
            ),
        },
    }


def _verify_operation() -> Json:
    """``POST /verify``: multipart upload, so its body is described here, not by `_operation`."""
    report = {
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
            "signers": {"type": "array", "items": SIGNATURE},
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "problems": {"type": "array", "items": {"type": "string"}},
        },
    }
    operation = _operation(
        "verifyPdf",
        "Vérifier un PDF : cachet, intégrité, et s'il s'agit d'un document de "
        "l'établissement. Tout fichier reçoit 200 et son rapport (un fichier qui n'est pas un "
        "PDF aussi : `is_pdf: false`).",
        {
            "200": _json_response("Le rapport.", report),
            "413": _json_response("Fichier trop volumineux.", ref("Errors")),
            "503": _json_response("Vérification momentanément impossible.", ref("Errors")),
        },
        errors=("Invalid",),
    )
    operation["requestBody"] = {
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
    return operation
