"""The JSON Schema of each kind's `data`, made from the kind's field schema (its ``fields.toml``),
so the description names the same fields, labels, choices and lengths the validation applies.
The rules that span several fields (ages, dates, who signs) are not expressible here: the API
answers 422 with the field and a French message when one is broken."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from signing.data.schema import WEEKDAYS, FieldSpec, Schema
from signing.kinds import spec_of

Json = dict[str, Any]

_TIME_RANGE = r"^\s*[0-9]{1,2}(:[0-9]{2}|[hH]([0-9]{2})?)?\s*[-–—]\s*[0-9]{1,2}(:[0-9]{2}|[hH]([0-9]{2})?)?\s*$"  # noqa: E501 — one regular expression


def ref(name: str) -> Json:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Json) -> Json:
    """`schema`, or null: an optional field may be sent as null (or left out)."""
    if "$ref" in schema or "oneOf" in schema or "type" not in schema:
        return {"anyOf": [schema, {"type": "null"}]}
    nullable = {**schema, "type": [schema["type"], "null"]}
    if "enum" in schema:  # an enum without null would refuse the null the type allows
        nullable["enum"] = [*schema["enum"], None]
    return nullable


def _field_schema(schema: Schema, spec: FieldSpec) -> Json:
    described: Json = {"title": spec.label, **_type_schema(schema, spec)}
    if spec.default is not None:
        described["default"] = spec.default
    return described


_FIXED: dict[str, Json] = {
    "date": {"type": "string", "format": "date"},
    "bool": {"type": "boolean"},
    "uai": {"type": "string", "pattern": r"^\s*[0-9]{7}[A-Za-z]\s*$"},
    "hours": {
        "type": "integer",
        "minimum": 1,
        "maximum": 3000,
        "description": "Un nombre entier d'heures.",
    },
}
"""The OpenAPI shape of the field types that take no limit from their declaration."""


def _type_schema(schema: Schema, spec: FieldSpec) -> Json:  # noqa: PLR0911 — one case per type
    kind = spec.type
    if kind in ("text", "longtext"):
        return {"type": "string", "maxLength": spec.max_length}
    if kind == "email":
        return {"type": "string", "format": "email", "maxLength": spec.max_length or 254}
    if kind == "phone":
        return {
            "type": "string",
            "description": "Numéro français, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78.",
        }
    if kind == "choice":
        labels = "; ".join(f"`{key}` : {label}" for key, label in spec.choices.items())
        return {"type": "string", "enum": list(spec.choices), "description": labels}
    if kind == "siret":
        return {
            "type": "string",
            "pattern": r"^[0-9 ]{14,20}$",
            "description": "N° SIRET : 14 chiffres (espaces permis), clé de contrôle vérifiée.",
        }
    if kind == "id":
        return {
            "oneOf": [
                {"type": "integer", "minimum": 1},
                {"type": "string", "pattern": r"^[A-Za-z0-9_-]{1,64}$"},
            ]
        }
    if kind in _FIXED:
        return dict(_FIXED[kind])
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
    schema = spec_of(kind).schema
    return {"title": schema.title, **_object_schema(schema, "")}


def create_request(kind: str, data: str) -> Json:
    return {
        "type": "object",
        "required": ["kind", "data"],
        "additionalProperties": False,
        "properties": {
            "kind": {"const": kind},
            "data": ref(data),
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


def values(enum: Iterable[StrEnum]) -> list[str]:
    """The values of a vocabulary's enum, in its order: a JSON Schema ``enum``."""
    return [member.value for member in enum]
