"""Staff forms generated from a kind's field schema (`signing.data.schema`).

Three jobs, and no rule of their own (the schema and the rules decide what is valid):

- `parse(kind, form)`: a posted form → the nested ``data`` dict the use cases expect. Input
  names follow the data paths: ``guardians[1].email`` is ``guardians-1-email``, a day of a weekly
  schedule ``schedule-wednesday`` ("08:30-12:00, 13:00-16:30"), a list of texts one textarea
  (one item per line), a list of dates one input per row (``reviews-0``). Blank rows are dropped.
- `build(kind, data, errors, warnings, today=…)`: the fieldsets to show, each input with its
  value and the messages of its path (``schedule.wednesday[0]`` goes to ``schedule-wednesday``);
  on `today`, a field the kind offers only on a condition (`KindSpec.offered`) is left out
  when its data does not meet it.
- `summary`: every message with the id of the input it belongs to, for the error summary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from service.documents.form_fields import (
    Form,
    Node,
    attach,
    field_node,
    join,
    walk,
)
from signing.data.schema import WEEKDAYS, FieldSpec, Schema
from signing.errors import FieldIssue
from signing.kinds import spec_of
from signing.kinds.spec import KindSpec

_FIRST = ("pupil", "guardians", "referent")
"""The fieldsets every form starts with, in this order."""


SERVER_FIELDS = frozenset({"amends", "internships"})
"""Top-level fields Cosigne fills itself (the document an amendment modifies, a contract's
internships): never an input, never read from a posted form."""


def parse(kind: str, form: Mapping[str, str]) -> dict[str, Any]:
    """The ``data`` of a document from a posted form (values as typed: the schema checks them)."""
    schema = spec_of(kind).schema
    data: dict[str, Any] = _parse_object(schema, "", "", form)
    for name in SERVER_FIELDS:
        data.pop(name, None)
    return data


def _parse_object(schema: Schema, spec_path: str, prefix: str, form: Mapping[str, str]) -> Any:
    return {
        spec.name: _parse_field(schema, spec, join(prefix, spec.name), form)
        for spec in schema.children(spec_path)
    }


def _text_of(form: Mapping[str, str], name: str) -> str | None:
    text = (form.get(name) or "").strip()
    return text or None


def _parse_field(  # noqa: PLR0911 — one return per field type reads best
    schema: Schema, spec: FieldSpec, name: str, form: Mapping[str, str]
) -> Any:
    if spec.type == "bool":
        return name in form
    if spec.type == "object":
        return _parse_object(schema, spec.path, name, form)
    if spec.type == "weekly_schedule":
        return {
            day: [
                r.strip() for r in re.split(r"[,;\n]", form.get(f"{name}-{day}") or "") if r.strip()
            ]
            for day in WEEKDAYS
        }
    if spec.type == "list":
        item = schema.field(f"{spec.path}[]")
        if item.type == "object":
            rows = [
                _parse_object(schema, item.path, f"{name}-{i}", form) for i in _rows(form, name)
            ]
            return [row for row in rows if not _is_blank(_chosen(schema, item.path, row))]
        if item.type == "date":
            values = (_text_of(form, f"{name}-{i}") for i in _rows(form, name))
            return [v for v in values if v]
        return [line.strip() for line in (form.get(name) or "").splitlines() if line.strip()]
    if spec.type in {"id", "hours"}:
        text = _text_of(form, name)
        return int(text) if text and text.isdigit() else text
    return _text_of(form, name)


def _rows(form: Mapping[str, str], name: str) -> list[int]:
    pattern = re.compile(rf"{re.escape(name)}-([0-9]+)(?:-|$)")
    return sorted({int(m.group(1)) for key in form if (m := pattern.match(key))})


def _chosen(schema: Schema, spec_path: str, row: dict[str, Any]) -> dict[str, Any]:
    """The row without the choices left at their default (an empty row shows « par lien »
    chosen, as its check boxes keep their ticks)."""
    return {
        name: value
        for name, value in row.items()
        if not _at_default(schema.get(f"{spec_path}.{name}"), value)
    }


def _at_default(spec: FieldSpec | None, value: Any) -> bool:
    return spec is not None and spec.type == "choice" and value == spec.default


def _is_blank(value: Any) -> bool:
    """A row nobody filled in (check boxes aside: an empty row keeps its default ticks)."""
    if isinstance(value, dict):
        return all(_is_blank(v) for v in value.values())
    if isinstance(value, list):
        return not value
    return value is None or isinstance(value, bool)


def build(
    kind: str,
    data: Mapping[str, Any] | None = None,
    errors: Iterable[FieldIssue] = (),
    warnings: Iterable[FieldIssue] = (),
    *,
    blank_rows: bool = True,
    today: date | None = None,
) -> Form:
    """The form of `kind` filled with `data`, each message next to the input of its path.

    `blank_rows`: lists get empty rows to fill in (a form works without JavaScript); a
    read-only summary asks for none. `today`, the school's day, leaves out the fields the kind
    does not offer with this data (`KindSpec.offered`); without it every field is there."""
    spec = spec_of(kind)
    schema, data = spec.schema, data or {}
    top = {f.name: f for f in schema.children("") if _shown(spec, f.name, data, today)}
    sections: list[Node] = []
    placed: set[str] = set()

    def group(section_id: str, title: str, names: list[str]) -> None:
        placed.update(names)
        children = [field_node(schema, blank_rows, top[n], n, data.get(n)) for n in names]
        sections.append(Node("group", section_id, title, children=children))

    def add(name: str) -> None:
        placed.add(name)
        node = field_node(schema, blank_rows, top[name], name, data.get(name))
        if node.kind == "input":
            node = Node("group", f"section-{name}", top[name].label, children=[node])
        sections.append(node)

    for name in _FIRST:
        add(name)
    for entry in spec.form_sections:
        if isinstance(entry, str):
            if entry in top:
                add(entry)
        elif present := [n for n in entry[1] if n in top]:
            group(f"section-{present[0]}", entry[0], present)
    rest = [n for n in top if n not in placed]
    loose = [n for n in rest if top[n].type not in ("object", "list")]
    for name in rest:
        if name not in loose:
            add(name)
    if loose:
        group("section-autres", "Autres informations", loose)
    by_name = {n.name: n for n in walk(sections)}
    return Form(
        kind=kind,
        title=schema.title,
        new_article=spec.new_article,
        sections=sections,
        errors=attach(errors, by_name, "errors"),
        warnings=attach(warnings, by_name, "warnings"),
    )


def _shown(spec: KindSpec, name: str, data: Mapping[str, Any], today: date | None) -> bool:
    """A top-level field is an input unless Cosigne fills it, or the kind offers it only on a
    condition this data does not meet on `today`."""
    if name in SERVER_FIELDS:
        return False
    return today is None or name not in spec.offered or spec.offered[name](data, today)


def issues_from_json(items: Iterable[Mapping[str, str]]) -> list[FieldIssue]:
    """Stored warnings (``[{"field": …, "message": …}]``) as FieldIssues."""
    return [FieldIssue(i.get("field", ""), i.get("message", "")) for i in items]
