"""Staff forms generated from a kind's field schema (`signing.schema`).

Three jobs, and no rule of their own (the schema and `signing.rules` decide what is valid):

- `parse(kind, form)`: a posted form → the nested ``data`` dict the operations expect. Input
  names follow the data paths: ``guardians[1].email`` is ``guardians-1-email``, a day of a weekly
  schedule ``schedule-wednesday`` ("08:30-12:00, 13:00-16:30"), a list of texts one textarea
  (one item per line), a list of dates one input per row (``reviews-0``). Blank rows are dropped.
- `build(kind, data, errors, warnings)`: the fieldsets to show, each input with its value and
  the messages of its path (``schedule.wednesday[0]`` goes to ``schedule-wednesday``).
- `summary`: every message with the id of the input it belongs to, for the error summary.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from signing.errors import FieldIssue
from signing.schema import WEEKDAYS, FieldSpec, Schema, load_schema

_SCALAR_TYPES = frozenset(
    {"text", "longtext", "date", "email", "phone", "choice", "siret", "uai", "id"}
)

SECTIONS: Mapping[str, tuple[tuple[str, tuple[str, ...]] | str, ...]] = {
    "convention": (
        ("Stage", ("internship_type", "diploma", "parcours_id")),
        "host",
        ("Activités", ("activities", "skills", "evaluation")),
        ("Période et horaires", ("start_date", "end_date", "schedule", "site_visit_date")),
        ("Conditions matérielles", ("meals", "transport", "lodging", "gratification")),
    ),
    "parcours": (
        ("Dispositif", ("scheme", "reasons")),
        "objectives",
        (
            "Période et organisation",
            ("start_date", "end_date", "schedule", "includes_internship"),
        ),
        ("Bilans", ("reviews", "final_review")),
        "commitments",
    ),
}
"""How a kind's top-level fields are grouped into fieldsets, in order (presentation only): a
name alone is an object or list with a fieldset of its own; a title with names groups scalars.
A top-level field missing here still shows (objects and lists in their own fieldset, others in
« Autres informations »), so a new schema field is never lost."""

_FIRST = ("pupil", "guardians", "referent")
"""The fieldsets every form starts with, in this order."""

SERVER_FIELDS = frozenset({"amends"})
"""Top-level fields Cosigne fills itself (the document an amendment modifies): never an input,
never read from a posted form."""

_EXTRA_ROWS = 2
_MIN_ROWS = 3


@dataclass
class Node:
    """One input (`kind` "input"), a fieldset of inputs ("group"), or a list of rows ("repeat")."""

    kind: str
    name: str
    label: str
    spec: FieldSpec | None = None
    value: Any = None
    required: bool = False
    input_type: str = "text"
    hint: str = ""
    children: list[Node] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    index: int | None = None
    """The row's number in a repeat (0-based)."""
    max_items: int | None = None
    item_label: str = ""

    @property
    def has_content(self) -> bool:
        """Something was typed here (ticks aside): read-only summaries skip what is empty."""
        if self.kind == "input":
            return not isinstance(self.value, bool) and self.value not in (None, "")
        return any(child.has_content for child in self.children)

    @property
    def id(self) -> str:
        return f"champ-{self.name}"

    @property
    def choices(self) -> Mapping[str, str]:
        return self.spec.choices if self.spec else {}

    @property
    def widget(self) -> str:
        """How the template draws this input: text, textarea, select, checkbox, lines."""
        if self.spec is None:
            return "text"
        if self.spec.type == "bool":
            return "checkbox"
        if self.spec.type == "choice":
            return "select"
        if self.spec.type == "longtext":
            return "textarea"
        if self.spec.type == "list":
            return "lines"
        return "text"


@dataclass(frozen=True)
class Message:
    """A line of the error summary: the message and the id of the input to focus."""

    target: str
    message: str


@dataclass
class Form:
    kind: str
    title: str
    sections: list[Node]
    errors: list[Message]
    warnings: list[Message]


# ---------------------------------------------------------------------------------------------
# Names


def input_name(path: str) -> str:
    """``guardians[1].email`` → ``guardians-1-email``; ``schedule.wednesday[0]`` →
    ``schedule-wednesday-0``."""
    return re.sub(r"\[([0-9]+)\]", r"-\1", path).replace(".", "-")


def _join(prefix: str, name: str) -> str:
    return f"{prefix}-{name}" if prefix else name


def _is_scalar_list(schema: Schema, spec: FieldSpec) -> bool:
    return spec.type == "list" and schema.field(f"{spec.path}[]").type != "object"


# ---------------------------------------------------------------------------------------------
# Posted form → data


def parse(kind: str, form: Mapping[str, str]) -> dict[str, Any]:
    """The ``data`` of a document from a posted form (values as typed: the schema checks them)."""
    schema = load_schema(kind)
    data: dict[str, Any] = _parse_object(schema, "", "", form)
    for name in SERVER_FIELDS:
        data.pop(name, None)
    return data


def _parse_object(schema: Schema, spec_path: str, prefix: str, form: Mapping[str, str]) -> Any:
    return {
        spec.name: _parse_field(schema, spec, _join(prefix, spec.name), form)
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
            return [row for row in rows if not _is_blank(row)]
        if item.type == "date":
            values = (_text_of(form, f"{name}-{i}") for i in _rows(form, name))
            return [v for v in values if v]
        return [line.strip() for line in (form.get(name) or "").splitlines() if line.strip()]
    if spec.type == "id":
        text = _text_of(form, name)
        return int(text) if text and text.isdigit() else text
    return _text_of(form, name)


def _rows(form: Mapping[str, str], name: str) -> list[int]:
    pattern = re.compile(rf"{re.escape(name)}-([0-9]+)(?:-|$)")
    return sorted({int(m.group(1)) for key in form if (m := pattern.match(key))})


def _is_blank(value: Any) -> bool:
    """A row nobody filled in (check boxes aside: an empty row keeps its default ticks)."""
    if isinstance(value, dict):
        return all(_is_blank(v) for v in value.values())
    if isinstance(value, list):
        return not value
    return value is None or isinstance(value, bool)


# ---------------------------------------------------------------------------------------------
# Data → fieldsets


def build(
    kind: str,
    data: Mapping[str, Any] | None = None,
    errors: Iterable[FieldIssue] = (),
    warnings: Iterable[FieldIssue] = (),
    *,
    blank_rows: bool = True,
) -> Form:
    """The form of `kind` filled with `data`, each message next to the input of its path.

    `blank_rows`: lists get empty rows to fill in (a form works without JavaScript); a
    read-only summary asks for none."""
    schema = load_schema(kind)
    data = data or {}
    top = {spec.name: spec for spec in schema.children("") if spec.name not in SERVER_FIELDS}
    sections: list[Node] = []
    placed: set[str] = set()

    def add(name: str) -> None:
        spec = top[name]
        placed.add(name)
        node = _node(schema, blank_rows, spec, name, data.get(name))
        if node.kind == "input":
            node = Node("group", f"section-{name}", spec.label, children=[node])
        sections.append(node)

    for name in _FIRST:
        add(name)
    for entry in SECTIONS.get(kind, ()):
        if isinstance(entry, str):
            if entry in top:
                add(entry)
            continue
        title, names = entry
        present = [n for n in names if n in top]
        if present:
            placed.update(present)
            children = [_node(schema, blank_rows, top[n], n, data.get(n)) for n in present]
            sections.append(Node("group", f"section-{present[0]}", title, children=children))
    rest = [n for n in top if n not in placed]
    loose = [n for n in rest if top[n].type not in ("object", "list")]
    for name in rest:
        if name not in loose:
            add(name)
    if loose:
        children = [_node(schema, blank_rows, top[n], n, data.get(n)) for n in loose]
        sections.append(Node("group", "section-autres", "Autres informations", children=children))

    by_name = {n.name: n for n in _walk(sections)}
    return Form(
        kind=kind,
        title=schema.title,
        sections=sections,
        errors=_attach(errors, by_name, "errors"),
        warnings=_attach(warnings, by_name, "warnings"),
    )


def _node(schema: Schema, blank_rows: bool, spec: FieldSpec, name: str, value: Any) -> Node:
    if spec.type == "object":
        value = value if isinstance(value, Mapping) else {}
        children = [
            _node(schema, blank_rows, child, _join(name, child.name), value.get(child.name))
            for child in schema.children(spec.path)
        ]
        return Node("group", name, spec.label, spec=spec, children=children)
    if spec.type == "weekly_schedule":
        value = value if isinstance(value, Mapping) else {}
        children = [
            Node(
                "input",
                f"{name}-{day}",
                french.capitalize(),
                value=", ".join(value.get(day) or []),
                hint="Par exemple 08:30-12:00, 13:30-17:00 ; laissez vide un jour sans stage.",
            )
            for day, french in WEEKDAYS.items()
        ]
        return Node("group", name, spec.label, spec=spec, required=spec.required, children=children)
    if spec.type == "list":
        item = schema.field(f"{spec.path}[]")
        items = list(value) if isinstance(value, list | tuple) else []
        if item.type not in ("object", "date"):
            return Node(
                "input",
                name,
                spec.label,
                spec=spec,
                value="\n".join(str(v) for v in items if v is not None),
                required=spec.required,
                hint="Un élément par ligne.",
            )
        count = max(len(items) + _EXTRA_ROWS, _MIN_ROWS) if blank_rows else len(items)
        if spec.max_items is not None:
            count = max(min(count, spec.max_items), len(items))
        rows = []
        for index in range(count):
            row_value = items[index] if index < len(items) else None
            row_name = f"{name}-{index}"
            if item.type == "object":
                row = _node(schema, blank_rows, item, row_name, row_value)
                row.label = f"{item.label} {index + 1}"
            else:
                row = _input(item, row_name, row_value)
                row.label = f"{item.label} {index + 1}"
                row.required = False
            row.index = index
            rows.append(row)
        return Node(
            "repeat",
            name,
            spec.label,
            spec=spec,
            children=rows,
            required=spec.required,
            max_items=spec.max_items,
            item_label=item.label,
            hint=_list_hint(spec),
        )
    return _input(spec, name, value)


def _list_hint(spec: FieldSpec) -> str:
    if spec.min_items and spec.max_items:
        return f"De {spec.min_items} à {spec.max_items}. Laissez vides les lignes inutiles."
    if spec.max_items:
        return f"{spec.max_items} au plus. Laissez vides les lignes inutiles."
    return "Laissez vides les lignes inutiles."


_INPUT_TYPES = {"date": "date", "email": "email", "phone": "tel"}
_HINTS = {
    "date": "Format : JJ/MM/AAAA.",
    "email": "Format attendu : nom@domaine.fr",
    "phone": "Par exemple 06 12 34 56 78.",
    "siret": "14 chiffres.",
    "id": "Numéro du contrat de parcours, s'il y en a un.",
}


def _input(spec: FieldSpec, name: str, value: Any) -> Node:
    if spec.type == "bool":
        value = spec.default if value is None else value
    elif value is None:
        value = ""
    return Node(
        "input",
        name,
        spec.label,
        spec=spec,
        value=value,
        required=spec.required,
        input_type=_INPUT_TYPES.get(spec.type, "text"),
        hint=_HINTS.get(spec.type, ""),
    )


def _walk(nodes: Iterable[Node]) -> Iterable[Node]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _attach(issues: Iterable[FieldIssue], by_name: Mapping[str, Node], attr: str) -> list[Message]:
    """Put each message on the input of its path, or of the closest enclosing fieldset."""
    summary = []
    for issue in issues:
        name = input_name(issue.field)
        while name and name not in by_name:
            name = name.rpartition("-")[0]
        node = by_name.get(name) if name else None
        if node is None:
            summary.append(Message("formulaire", issue.message))
            continue
        getattr(node, attr).append(issue.message)
        target = node
        if node.kind != "input" and node.children:
            target = next((n for n in _walk(node.children) if n.kind == "input"), node)
        summary.append(Message(target.id, issue.message))
    return summary


def issues_from_json(items: Iterable[Mapping[str, str]]) -> list[FieldIssue]:
    """Stored warnings (``[{"field": …, "message": …}]``) as FieldIssues."""
    return [FieldIssue(i.get("field", ""), i.get("message", "")) for i in items]
