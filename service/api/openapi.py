"""The OpenAPI 3.1 description of the JSON API, served at ``GET /api/v1/openapi.json``.

The schemas of each kind's `data` are made from the kind's field schema (its folder's
``fields.toml``, through `signing.kinds`), so the description names the same fields, labels,
choices and lengths the validation applies. The rules that span several fields (ages, dates, who
signs) are not expressible here: the API answers 422 with the field and a French message when
one is broken."""

from __future__ import annotations

import functools
from typing import Any

from service.api.openapi_data import create_request, data_schema, ref, values
from service.api.openapi_operations import RESPONSES
from service.api.openapi_paths import paths
from service.api.openapi_shapes import DOCUMENT, ERRORS, EVENT, ISSUE, SIGNER, SUMMARY
from signing.kinds import Kind

Json = dict[str, Any]

OPENAPI_VERSION = "3.1.0"


API_VERSION = "1.0.0"


@functools.cache
def document() -> Json:
    """The whole OpenAPI document (built once per process: it depends only on the code)."""
    schemas = _schemas()
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
        "paths": paths(),
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
                    "content": {"application/json": {"schema": ref(schema)}},
                }
                for name, (description, schema) in RESPONSES.items()
            },
        },
    }


def _name(kind: Kind) -> str:
    """``Parcours``: the kind's name in the description's schema names (``ParcoursData``)."""
    return kind.value.capitalize()


def _schemas() -> Json:
    kinds = list(Kind)
    return {
        "FieldIssue": ISSUE,
        "Errors": ERRORS,
        **{f"{_name(kind)}Data": data_schema(kind) for kind in kinds},
        **{f"Create{_name(kind)}": create_request(kind, f"{_name(kind)}Data") for kind in kinds},
        "CreateDocument": {
            "oneOf": [ref(f"Create{_name(kind)}") for kind in kinds],
            "discriminator": {
                "propertyName": "kind",
                "mapping": {
                    kind.value: f"#/components/schemas/Create{_name(kind)}" for kind in kinds
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
                "kind": {"type": "string", "enum": values(Kind)},
                "data": {"oneOf": [ref(f"{_name(kind)}Data") for kind in kinds]},
            },
        },
        "CancelRequest": {
            "type": "object",
            "required": ["reason"],
            "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 500}},
        },
        "Signer": SIGNER,
        "Document": DOCUMENT,
        "DocumentSummary": SUMMARY,
        "DocumentList": {
            "type": "object",
            "required": ["items", "total", "page", "per_page"],
            "properties": {
                "items": {"type": "array", "items": ref("DocumentSummary")},
                "total": {"type": "integer", "description": "Nombre de documents du filtre."},
                "page": {"type": "integer"},
                "per_page": {"type": "integer"},
            },
        },
        "Event": EVENT,
        "EventList": {
            "type": "object",
            "required": ["events"],
            "properties": {"events": {"type": "array", "items": ref("Event")}},
        },
    }
