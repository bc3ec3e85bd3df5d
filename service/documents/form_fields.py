"""The inputs of the staff's forms, one per field of a kind's schema (`signing.data.schema`):
their names (a data path, ``guardians[1].email`` is ``guardians-1-email``), widgets, values,
hints and messages. `service.documents.forms` lays them out and reads them back."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from signing.data.schema import WEEKDAYS, FieldSpec, Schema
from signing.errors import FieldIssue

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
    new_article: str
    """« Nouveau » or « Nouvelle », as the kind's title agrees."""
    sections: list[Node]
    errors: list[Message]
    warnings: list[Message]


def input_name(path: str) -> str:
    """``guardians[1].email`` → ``guardians-1-email``; ``schedule.wednesday[0]`` →
    ``schedule-wednesday-0``."""
    return re.sub(r"\[([0-9]+)\]", r"-\1", path).replace(".", "-")


def join(prefix: str, name: str) -> str:
    return f"{prefix}-{name}" if prefix else name


def field_node(schema: Schema, blank_rows: bool, spec: FieldSpec, name: str, value: Any) -> Node:
    if spec.type == "object":
        value = value if isinstance(value, Mapping) else {}
        children = [
            field_node(schema, blank_rows, child, join(name, child.name), value.get(child.name))
            for child in schema.children(spec.path)
        ]
        return Node("group", name, spec.label, spec=spec, children=children)
    if spec.type == "weekly_schedule":
        return _schedule_node(spec, name, value)
    if spec.type == "list":
        return _list_node(schema, blank_rows, spec, name, value)
    return _input(spec, name, value)


def _schedule_node(spec: FieldSpec, name: str, value: Any) -> Node:
    """A weekly schedule: one input per day, its ranges separated by commas."""
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


def _list_node(schema: Schema, blank_rows: bool, spec: FieldSpec, name: str, value: Any) -> Node:
    """A list of texts is one textarea (an item per line); of objects or dates, rows to fill."""
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
            row = field_node(schema, blank_rows, item, row_name, row_value)
        else:
            row = _input(item, row_name, row_value)
            row.required = False
        row.label = f"{item.label} {index + 1}"
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


def _list_hint(spec: FieldSpec) -> str:
    if spec.min_items and spec.max_items:
        return f"De {spec.min_items} à {spec.max_items}. Laissez vides les lignes inutiles."
    if spec.max_items:
        return f"{spec.max_items} au plus. Laissez vides les lignes inutiles."
    return "Laissez vides les lignes inutiles."


_INPUT_TYPES = {"date": "date", "email": "email", "phone": "tel", "hours": "number"}


_HINTS = {
    "date": "Format : JJ/MM/AAAA.",
    "email": "Format attendu : nom@domaine.fr",
    "phone": "Par exemple 06 12 34 56 78.",
    "siret": "14 chiffres.",
    "id": "Numéro du contrat de parcours, s'il y en a un.",
    "hours": "Un nombre entier d'heures.",
}


def _input(spec: FieldSpec, name: str, value: Any) -> Node:
    if spec.type in ("bool", "choice") and value is None and spec.default is not None:
        value = spec.default  # a choice with a default (« par lien ») shows it chosen
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


def walk(nodes: Iterable[Node]) -> Iterable[Node]:
    for node in nodes:
        yield node
        yield from walk(node.children)


def attach(issues: Iterable[FieldIssue], by_name: Mapping[str, Node], attr: str) -> list[Message]:
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
            target = next((n for n in walk(node.children) if n.kind == "input"), node)
        summary.append(Message(target.id, issue.message))
    return summary
