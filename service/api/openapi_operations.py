"""How an operation of the OpenAPI description is written: its answers, the error answers it
may give (`RESPONSES`, by the statuses of `service.errors`), and its parameters."""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


RESPONSES: Json = {
    "BadRequest": ("Le corps de la demande n'est pas du JSON.", "Errors"),
    "Unauthorized": (
        "Jeton absent ou invalide (en-tête `WWW-Authenticate: Bearer`).",
        "Errors",
    ),
    "Forbidden": (
        "Le rôle du compte ne permet pas cette action (`signing.permissions` : un administrateur "
        "consulte, ne modifie rien ; seul le chef d'établissement signe) ; rien n'a changé.",
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


def json_response(description: str, schema: Json, **headers: Json) -> Json:
    response: Json = {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }
    if headers:
        response["headers"] = headers
    return response


def operation(
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
    "Forbidden": "403",
    "NotFound": "404",
    "Conflict": "409",
    "Invalid": "422",
    "Unavailable": "503",
}


DOCUMENT_ID = {
    "name": "document_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


SIGNER_ID = {
    "name": "signer_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}


def query(name: str, description: str, schema: Json) -> Json:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }
