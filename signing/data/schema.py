"""The field schema of a document kind: which fields its data has, their types, labels and limits.

A kind's fields are declared in its folder's ``fields.toml`` (`signing.kinds`), after the files it
includes (``include = ["common"]`` reads ``signing/data/common_fields.toml``); the school's
identity in ``signing/data/school_fields.toml``. `signing.data.validate` checks data against them.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any

from signing.data.french import DAYS

TYPES = frozenset(
    {"text", "longtext", "date", "email", "phone", "bool", "choice", "siret", "uai", "list"}
    | {"object", "id", "weekly_schedule", "hours"}
)


_TEXT_TYPES = frozenset({"text", "longtext"})


_FIELD_KEYS = frozenset(
    {"path", "type", "label", "required", "max_length", "min_items", "max_items"}
    | {"choices", "default"}
)


_INDEX = re.compile(r"\[[0-9]+\]")


WEEKDAYS: Mapping[str, str] = MappingProxyType({key: label.lower() for key, label in DAYS})
"""The keys of a weekly schedule, Monday first, with the day's French name."""


@dataclass(frozen=True)
class FieldSpec:
    """One field as a kind's ``fields.toml`` declares it.

    `path` names it in the data: ``pupil.email``; ``guardians[].email`` for the email of every
    guardian; ``reviews[]`` for an item of a list of scalars.
    """

    path: str
    type: str
    label: str
    required: bool = False
    max_length: int | None = None
    min_items: int | None = None
    max_items: int | None = None
    choices: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    default: object = field(default=None, hash=False)

    @property
    def name(self) -> str:
        """The key of the field inside its object (``email`` for ``guardians[].email``)."""
        return self.path.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class Schema:
    """The fields of one kind, in the order of its files (included files first)."""

    kind: str
    title: str
    fields: tuple[FieldSpec, ...]
    _by_path: Mapping[str, FieldSpec] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_path", MappingProxyType({f.path: f for f in self.fields}))

    @property
    def paths(self) -> tuple[str, ...]:
        """Every declared path, in declaration order."""
        return tuple(f.path for f in self.fields)

    def get(self, path: str) -> FieldSpec | None:
        """The spec of `path`, indices allowed (``guardians[1].email``); None if undeclared."""
        return self._by_path.get(generic_path(path))

    def field(self, path: str) -> FieldSpec:
        """The spec of `path`, indices allowed; KeyError if the schema does not declare it."""
        spec = self.get(path)
        if spec is None:
            raise KeyError(path)
        return spec

    def children(self, parent: str) -> tuple[FieldSpec, ...]:
        """The fields of the object at `parent` (``""`` for the top level, ``guardians[]``)."""
        prefix = f"{parent}." if parent else ""
        return tuple(
            f
            for f in self.fields
            if f.path.startswith(prefix)
            and "." not in f.path[len(prefix) :]
            and not f.path.endswith("[]")
        )


def generic_path(path: str) -> str:
    """``guardians[1].email`` → ``guardians[].email``: the path as the schema declares it."""
    return _INDEX.sub("[]", path)


# ---------------------------------------------------------------------------------------------
# Loading


def load_schema_file(package: str, name: str) -> Schema:
    """The schema in `package`'s file `name`, its included files first; read once and cached."""
    return _load(package, name)


def load_school_schema() -> Schema:
    """The schema of the school's identity (``school_fields.toml``), read once and cached."""
    return _load(__name__.rpartition(".")[0], "school_fields.toml")


@functools.cache
def _load(package: str, name: str) -> Schema:
    document = tomllib.loads(resources.files(package).joinpath(name).read_text("utf-8"))
    entries: list[Mapping[str, Any]] = []
    for included in document.get("include", []):
        entries.extend(
            tomllib.loads(
                _data_folder().joinpath(f"{included}_fields.toml").read_text("utf-8")
            ).get("fields", [])
        )
    entries.extend(document.get("fields", []))
    specs = tuple(_spec(name, entry) for entry in entries)
    _check_structure(name, specs)
    return Schema(kind=document["kind"], title=document["title"], fields=specs)


def _data_folder() -> Traversable:
    return resources.files(__name__.rpartition(".")[0])


def _spec(source: str, entry: Mapping[str, Any]) -> FieldSpec:
    unknown = set(entry) - _FIELD_KEYS
    path = entry.get("path", "?")
    if unknown:
        raise ValueError(f"{source}: {path}: unknown keys {sorted(unknown)}")
    if entry.get("type") not in TYPES or not entry.get("label"):
        raise ValueError(f"{source}: {path}: a field needs a known type and a label")
    if entry["type"] in _TEXT_TYPES and "max_length" not in entry:
        raise ValueError(f"{source}: {path}: a text field needs a max_length")
    if entry["type"] == "choice" and not entry.get("choices"):
        raise ValueError(f"{source}: {path}: a choice field needs choices")
    default = entry.get("default")
    if entry["type"] == "choice" and default is not None and default not in entry["choices"]:
        raise ValueError(f"{source}: {path}: a choice's default must be one of its choices")
    return FieldSpec(
        path=entry["path"],
        type=entry["type"],
        label=entry["label"],
        required=bool(entry.get("required", False)),
        max_length=entry.get("max_length"),
        min_items=entry.get("min_items"),
        max_items=entry.get("max_items"),
        choices=MappingProxyType(dict(entry.get("choices", {}))),
        default=entry.get("default"),
    )


def _check_structure(source: str, specs: tuple[FieldSpec, ...]) -> None:
    by_path = {s.path: s for s in specs}
    if len(by_path) != len(specs):
        raise ValueError(f"{source}: a path is declared twice")
    for spec in specs:
        if spec.path.endswith("[]"):
            parent, expected = spec.path[:-2], "list"
        elif "." in spec.path:
            parent, expected = spec.path.rsplit(".", 1)[0], "object"
        else:
            continue
        if parent not in by_path or by_path[parent].type != expected:
            raise ValueError(f"{source}: {spec.path}: no {expected} {parent!r} declared")
    for spec in specs:
        if spec.type == "list" and f"{spec.path}[]" not in by_path:
            raise ValueError(f"{source}: {spec.path}: a list needs an item field {spec.path}[]")


def example_school() -> dict[str, Any]:
    """A complete school identity (``example_school.json``), as documents print it."""
    text = _data_folder().joinpath("example_school.json").read_text("utf-8")
    school: dict[str, Any] = json.loads(text)
    return school
