"""Whether an API answer is what the OpenAPI document says: `mismatches(value, schema, spec)`
lists, one per line with its path, every field the answer has and the description does not
name, every required field missing, every value of another type, outside its enum or not an
ISO day. A small reader of the JSON Schema the description uses (``$ref``, ``allOf``,
``oneOf``/``anyOf``, ``type``, ``enum``, ``const``, ``format: date``, ``properties``,
``required``, ``additionalProperties``, ``propertyNames`` patterns, ``items``), strict where a
general validator is lenient: an object's fields must all be described."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

Json = dict[str, Any]

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list,),
    "object": (dict,),
    "null": (type(None),),
}


def _resolved(schema: Json, spec: Json) -> Json:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = spec["components"]["schemas"][name]
    if "allOf" not in schema:
        return schema
    merged: Json = {k: v for k, v in schema.items() if k != "allOf"}
    for part in (_resolved(p, spec) for p in schema["allOf"]):
        for key, value in part.items():
            if key == "properties":  # a field described twice must match both
                properties = merged.setdefault("properties", {})
                for name, shape in value.items():
                    properties[name] = (
                        {"allOf": [properties[name], shape]} if name in properties else shape
                    )
            elif key == "required":
                merged["required"] = [*merged.get("required", []), *value]
            else:
                merged.setdefault(key, value)
    return merged


def _is_day(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) is not None


def _is_type(value: Any, name: str) -> bool:
    if isinstance(value, bool) and name in ("integer", "number"):
        return False
    return isinstance(value, _TYPES[name])


def mismatches(value: Any, schema: Json, spec: Json, path: str = "$") -> list[str]:
    """What in `value` the `schema` (of the OpenAPI document `spec`) does not describe."""
    schema = _resolved(schema, spec)
    for choice in ("oneOf", "anyOf"):
        if choice in schema:
            tries = [mismatches(value, s, spec, path) for s in schema[choice]]
            if all(tries):
                return [f"{path} : aucune des formes de {choice}", *min(tries, key=len)]
    wrong = _wrong_value(value, schema)
    if wrong:
        return [f"{path} : {value!r} {wrong}"]
    if isinstance(value, list) and "items" in schema:
        return [
            found
            for index, item in enumerate(value)
            for found in mismatches(item, schema["items"], spec, f"{path}[{index}]")
        ]
    if isinstance(value, dict):
        return _object_mismatches(value, schema, spec, path)
    return []


def _wrong_value(value: Any, schema: Json) -> str | None:
    """What is wrong with `value` itself (its type, enum, constant, day), if anything."""
    types = schema.get("type")
    names = [types] if isinstance(types, str) else types or []
    if names and not any(_is_type(value, n) for n in names):
        return f"n'est pas de type {types}"
    if "enum" in schema and value not in schema["enum"]:
        return f"hors de {schema['enum']}"
    if "const" in schema and value != schema["const"]:
        return f"au lieu de {schema['const']!r}"
    if schema.get("format") == "date" and isinstance(value, str) and not _is_day(value):
        return "n'est pas une date AAAA-MM-JJ"
    return None


def _object_mismatches(value: Json, schema: Json, spec: Json, path: str) -> list[str]:
    described = schema.get("properties", {})
    others = schema.get("additionalProperties")
    pattern = schema.get("propertyNames", {}).get("pattern")
    required = schema.get("required", [])
    found = [f"{path}.{key} : obligatoire, absent" for key in required if key not in value]
    for key, item in value.items():
        if key in described:
            found += mismatches(item, described[key], spec, f"{path}.{key}")
        elif isinstance(others, dict):
            if pattern and not re.match(pattern, key):
                found.append(f"{path}.{key} : nom hors du motif {pattern}")
            found += mismatches(item, others, spec, f"{path}.{key}")
        elif others is not True:
            found.append(f"{path}.{key} : renvoyé mais pas décrit")
    return found
