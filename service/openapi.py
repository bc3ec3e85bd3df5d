"""The OpenAPI 3.1 description of the JSON API, served at ``GET /api/v1/openapi.json``.

The schemas of each kind's `data` are made from the kind's field schema
(``contract_templates/<kind>/fields.toml``, through `signing.schema.load_schema`), so the
description names the same fields, labels, choices and lengths the validation applies. The rules
that span several fields (ages, dates, who signs) are not expressible here: the API answers 422
with the field and a French message when one is broken.
"""

from __future__ import annotations

import functools
from typing import Any

from service.models import DOCUMENT_KINDS, DOCUMENT_STATES, SIGNER_ROLES, SIGNER_STATES
from signing.schema import WEEKDAYS, FieldSpec, Schema, load_schema

Json = dict[str, Any]

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
_TIME_RANGE = r"^\s*[0-9]{1,2}(:[0-9]{2}|[hH]([0-9]{2})?)?\s*[-–—]\s*[0-9]{1,2}(:[0-9]{2}|[hH]([0-9]{2})?)?\s*$"  # noqa: E501 — one regular expression


def _ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Json) -> Json:
    """`schema`, or null: an optional field may be sent as null (or left out)."""
    if "$ref" in schema or "oneOf" in schema or "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


# ---------------------------------------------------------------------------------------------
# The `data` of a document, from its field schema


def _field_schema(schema: Schema, spec: FieldSpec) -> Json:
    described: Json = {"title": spec.label, **_type_schema(schema, spec)}
    if spec.default is not None:
        described["default"] = spec.default
    return described


def _type_schema(schema: Schema, spec: FieldSpec) -> Json:  # noqa: PLR0911 — one case per type
    kind = spec.type
    if kind in ("text", "longtext"):
        return {"type": "string", "maxLength": spec.max_length}
    if kind == "date":
        return {"type": "string", "format": "date"}
    if kind == "email":
        return {"type": "string", "format": "email", "maxLength": spec.max_length or 254}
    if kind == "phone":
        return {
            "type": "string",
            "description": "Numéro français, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78.",
        }
    if kind == "bool":
        return {"type": "boolean"}
    if kind == "choice":
        labels = "; ".join(f"`{key}` : {label}" for key, label in spec.choices.items())
        return {"type": "string", "enum": list(spec.choices), "description": labels}
    if kind == "siret":
        return {
            "type": "string",
            "pattern": r"^[0-9 ]{14,20}$",
            "description": "N° SIRET : 14 chiffres (espaces permis), clé de contrôle vérifiée.",
        }
    if kind == "uai":
        return {"type": "string", "pattern": r"^\s*[0-9]{7}[A-Za-z]\s*$"}
    if kind == "id":
        return {
            "oneOf": [
                {"type": "integer", "minimum": 1},
                {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,64}$"},
            ]
        }
    if kind == "weekly_schedule":
        return _weekly_schedule()
    if kind == "list":
        return _list_schema(schema, spec)
    if kind == "object":
        return _object_schema(schema, spec.path)
    raise ValueError(f"{spec.path}: type {kind!r} has no OpenAPI shape")


def _list_schema(schema: Schema, spec: FieldSpec) -> Json:
    item = schema.field(f"{spec.path}[]")
    described: Json = {"type": "array", "items": _field_schema(schema, item)}
    if spec.min_items is not None:
        described["minItems"] = spec.min_items
    if spec.max_items is not None:
        described["maxItems"] = spec.max_items
    return described


def _object_schema(schema: Schema, parent: str) -> Json:
    properties: Json = {}
    required: list[str] = []
    for child in schema.children(parent):
        shape = _field_schema(schema, child)
        if child.required:
            required.append(child.name)
            properties[child.name] = shape
        else:
            properties[child.name] = _nullable(shape)
    described: Json = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        described["required"] = required
    return described


def _weekly_schedule() -> Json:
    day = {
        "type": "array",
        "maxItems": 6,
        "items": {"type": "string", "pattern": _TIME_RANGE, "examples": ["08:30-12:00"]},
    }
    return {
        "type": "object",
        "description": "Plages horaires par jour, heure de Paris (« 08:30-12:00 »).",
        "properties": {
            key: {**day, "title": label.capitalize()} for key, label in WEEKDAYS.items()
        },
        "additionalProperties": False,
    }


def data_schema(kind: str) -> Json:
    """The JSON Schema of a `kind`'s `data`, from its field schema."""
    schema = load_schema(kind)
    return {"title": schema.title, **_object_schema(schema, "")}


# ---------------------------------------------------------------------------------------------
# The answers


def _time() -> Json:
    return {
        "type": ["string", "null"],
        "format": "date-time",
        "examples": ["2026-11-28T09:30:00.000000Z"],
    }


_ISSUE = {
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

_ERRORS = {
    "type": "object",
    "required": ["errors"],
    "properties": {
        "errors": {"type": "array", "items": _ref("FieldIssue"), "minItems": 1},
        "warnings": {
            "type": "array",
            "items": _ref("FieldIssue"),
            "description": "Avertissements trouvés avec les erreurs (réponses 422).",
        },
    },
}

_SIGNER = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "role": {"type": "string", "enum": list(SIGNER_ROLES)},
        "first_name": {"type": "string"},
        "last_name": {"type": "string"},
        "email": {"type": "string", "format": "email"},
        "status": {
            "type": "string",
            "enum": list(SIGNER_STATES),
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
    },
}

_COMMON_DOCUMENT = {
    "id": {"type": "integer"},
    "kind": {"type": "string", "enum": list(DOCUMENT_KINDS)},
    "status": {"type": "string", "enum": list(DOCUMENT_STATES)},
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

_DOCUMENT = {
    "type": "object",
    "properties": {
        **_COMMON_DOCUMENT,
        "data": {
            "description": "Les données du document, normalisées (voir ParcoursData, "
            "ConventionData).",
            "oneOf": [_ref("ParcoursData"), _ref("ConventionData")],
        },
        "warnings": {"type": "array", "items": _ref("FieldIssue")},
        "pdf_sha256": {
            "type": ["string", "null"],
            "pattern": "^[0-9a-f]{64}$",
            "description": "SHA-256 du PDF figé à l'émission.",
        },
        "cancel_reason": {"type": ["string", "null"]},
        "signers": {
            "type": "array",
            "items": _ref("Signer"),
            "description": "Vide tant que le document est un brouillon.",
        },
    },
}

_SUMMARY = {
    "type": "object",
    "properties": {
        **_COMMON_DOCUMENT,
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

_EVENT = {
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


def _create_request(kind: str, data: str) -> Json:
    return {
        "type": "object",
        "required": ["kind", "data"],
        "additionalProperties": False,
        "properties": {
            "kind": {"const": kind},
            "data": _ref(data),
            "amends": {
                "type": "integer",
                "minimum": 1,
                "description": (
                    "Établir un avenant au document de ce numéro, de même type : il doit être "
                    "finalisé (signé et archivé) et ne pas avoir déjà d'avenant finalisé ou en "
                    "cours (sinon 409). Cosigne remplit `data.amends` (numéro et date du "
                    "document modifié) ; l'avenant est un nouveau brouillon, à émettre et "
                    "signer à nouveau."
                ),
            },
        },
    }


# ---------------------------------------------------------------------------------------------
# Paths

_RESPONSES: Json = {
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


def _paths() -> Json:
    document = _json_response("Le document.", _ref("Document"))
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
                "Créer un brouillon (contrat de parcours ou convention de stage).",
                {
                    "201": _json_response(
                        "Le brouillon créé (`status: draft`) et ses avertissements.",
                        _ref("Document"),
                        Location={
                            "description": "Chemin du document créé.",
                            "schema": {"type": "string"},
                        },
                    )
                },
                errors=("BadRequest", "NotFound", "Conflict", "Invalid"),
                body={"schema": _ref("CreateDocument")},
            ),
            "get": _operation(
                "listDocuments",
                "Les documents de l'établissement, les plus récents d'abord.",
                {"200": _json_response("Une page de documents.", _ref("DocumentList"))},
                errors=("Invalid",),
                parameters=[
                    _query("status", "Statut.", {"type": "string", "enum": list(DOCUMENT_STATES)}),
                    _query(
                        "kind",
                        "Type de document.",
                        {"type": "string", "enum": list(DOCUMENT_KINDS)},
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
                body={"schema": _ref("UpdateDocument")},
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
        "/documents/{document_id}/issue": {
            "parameters": [_DOCUMENT_ID],
            "post": _operation(
                "issueDocument",
                "Émettre : figer le PDF, désigner les signataires, envoyer les invitations.",
                {
                    "200": _json_response(
                        "Le document, `status: awaiting_signatures`.", _ref("Document")
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
                {"200": _json_response("Le document, `status: cancelled`.", _ref("Document"))},
                errors=("BadRequest", "NotFound", "Conflict", "Invalid"),
                body={"schema": _ref("CancelRequest")},
            ),
        },
        "/documents/{document_id}/signers/{signer_id}/remind": {
            "parameters": [_DOCUMENT_ID, _SIGNER_ID],
            "post": _operation(
                "remindSigner",
                "Relancer un signataire invité (le lien reste le même, son délai repart).",
                {"200": _json_response("Le signataire.", _ref("Signer"))},
                errors=("NotFound", "Conflict"),
            ),
        },
        "/documents/{document_id}/events": {
            "parameters": [_DOCUMENT_ID],
            "get": _operation(
                "listDocumentEvents",
                "Le journal du document, dans l'ordre.",
                {"200": _json_response("Les événements.", _ref("EventList"))},
                errors=("NotFound",),
            ),
        },
        "/verify": {"post": _verify_operation()},
    }


_SIGNATURE = {
    "type": "object",
    "properties": {
        "role": {"type": "string", "enum": list(SIGNER_ROLES)},
        "role_label": {"type": "string", "examples": ["Le représentant légal"]},
        "name": {"type": "string"},
        "signed_at": {"type": "string", "format": "date-time"},
    },
}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}


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
            "kind": {"type": ["string", "null"], "enum": [*DOCUMENT_KINDS, None]},
            "completed_at": _NULLABLE_TIME,
            "signed_by": {"type": ["string", "null"]},
            "sealed_at": _NULLABLE_TIME,
            "signers": {"type": "array", "items": _SIGNATURE},
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
            "413": _json_response("Fichier trop volumineux.", _ref("Errors")),
            "503": _json_response("Vérification momentanément impossible.", _ref("Errors")),
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


@functools.cache
def document() -> Json:
    """The whole OpenAPI document (built once per process: it depends only on the code)."""
    schemas: Json = {
        "FieldIssue": _ISSUE,
        "Errors": _ERRORS,
        "ParcoursData": data_schema("parcours"),
        "ConventionData": data_schema("convention"),
        "CreateParcours": _create_request("parcours", "ParcoursData"),
        "CreateConvention": _create_request("convention", "ConventionData"),
        "CreateDocument": {
            "oneOf": [_ref("CreateParcours"), _ref("CreateConvention")],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {
                    "parcours": "#/components/schemas/CreateParcours",
                    "convention": "#/components/schemas/CreateConvention",
                },
            },
        },
        "UpdateDocument": {
            "type": "object",
            "description": "Les nouvelles données d'un brouillon ; `kind`, s'il est donné, doit "
            "être celui du document.",
            "required": ["data"],
            "additionalProperties": False,
            "properties": {
                "kind": {"type": "string", "enum": list(DOCUMENT_KINDS)},
                "data": {"oneOf": [_ref("ParcoursData"), _ref("ConventionData")]},
            },
        },
        "CancelRequest": {
            "type": "object",
            "required": ["reason"],
            "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 500}},
        },
        "Signer": _SIGNER,
        "Document": _DOCUMENT,
        "DocumentSummary": _SUMMARY,
        "DocumentList": {
            "type": "object",
            "required": ["items", "total", "page", "per_page"],
            "properties": {
                "items": {"type": "array", "items": _ref("DocumentSummary")},
                "total": {"type": "integer", "description": "Nombre de documents du filtre."},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
            },
        },
        "Event": _EVENT,
        "EventList": {
            "type": "object",
            "required": ["events"],
            "properties": {"events": {"type": "array", "items": _ref("Event")}},
        },
    }
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "Cosigne",
            "version": API_VERSION,
            "description": "Contrats de parcours individualisé et conventions de stage : "
            "création, émission, suivi des signatures électroniques. Toutes les réponses "
            "d'erreur ont la forme `Errors` ; les messages sont en français.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "Jeton créé par `cosigne token create --email …`.",
                }
            },
            "schemas": schemas,
            "responses": {
                name: {
                    "description": description,
                    "content": {"application/json": {"schema": _ref(schema)}},
                }
                for name, (description, schema) in _RESPONSES.items()
            },
        },
    }
