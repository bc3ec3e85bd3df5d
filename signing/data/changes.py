"""What an amendment (avenant) changes in the document it amends, field by field, in French:
the heading that names it « Avenant n° 1 au contrat de parcours n° 3 du 28 novembre 2026 » and
each changed field with its value before and after (issue 14 §5), read from the two documents'
data and the kind's schema (labels, choices). Pure: the mails and the signer's page ask it.

Written here because no library compares two nested JSON documents *and* names the changes
with a schema's labels; the comparison itself is a plain walk over both."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from signing.data.french import format_date_fr
from signing.data.schema import Schema

EMPTY = "(non renseigné)"
IGNORED = ("amends",)
"""Filled by Cosigne on every amendment: not a change the parties agree to."""


@dataclass(frozen=True)
class Change:
    label: str
    """« Échéance (objectif 2) »."""
    before: str
    after: str


def amendment_heading(
    number: int, spec_article: str, short_title: str, of: Mapping[str, Any]
) -> str:
    """« Avenant n° 2 au contrat de parcours n° 3 du 28 novembre 2026 », from the amendment's
    ``amends`` stamp (`of`: the amended document's number and day) and its kind's words
    (`spec_article` « Nouveau » or « Nouvelle » tells « au » from « à la »)."""
    to = "au" if spec_article == "Nouveau" else "à la"
    day = f" du {format_date_fr(str(of['date']))}" if of.get("date") else ""
    return f"Avenant n°\u00a0{number} {to} {short_title} n°\u00a0{of.get('id')}{day}"


def changes_between(
    schema: Schema, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[Change]:
    """Every field whose value differs, in the order of the amended document, then the fields
    only the amendment has; a list item added or removed reads as its fields from or to
    « (non renseigné) »."""
    old, new = dict(_leaves(before)), dict(_leaves(after))
    paths = [p for p in [*old, *(p for p in new if p not in old)] if not p.startswith(IGNORED)]
    shown = [(p, _shown(schema, p, old.get(p)), _shown(schema, p, new.get(p))) for p in paths]
    return [Change(_label(schema, p), was, now) for p, was, now in shown if was != now]


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list) and any(isinstance(v, (Mapping, list)) for v in value):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    else:
        yield path, value


def _label(schema: Schema, path: str) -> str:
    """The leaf's label, with the item it belongs to: « Échéance (objectif 2) »."""
    spec = schema.get(path)
    label = spec.label if spec is not None else path
    items = []
    prefix = ""
    for part in path.split("."):
        prefix = f"{prefix}.{part}" if prefix else part
        if part.endswith("]") and "[" in part:
            name, index = part[:-1].split("[")
            parent = schema.get(prefix.rsplit("[", 1)[0] + "[]")
            noun = (parent.label if parent is not None else name).lower()
            items.append(f"{noun} {int(index) + 1}")
    return f"{label} ({', '.join(items)})" if items else label


def _shown(schema: Schema, path: str, value: Any) -> str:
    if value is None or value in ("", []):
        return EMPTY
    spec = schema.get(path)
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if spec is not None and spec.choices and str(value) in spec.choices:
        return spec.choices[str(value)]
    if spec is not None and spec.type == "date":
        return format_date_fr(str(value))
    if isinstance(value, list):
        return ", ".join(_shown(schema, f"{path}[]", v) for v in value)
    return str(value)
