"""The field schema of each document kind, and the validation of a document's data against it.

A kind's fields are declared in ``contract_templates/<kind>/fields.toml`` (plus the files it
includes); the school's identity in ``contract_templates/school_fields.toml``. Validation checks
each field's type, then asks `signing.rules` for the rules that span several fields, and lists
every problem at once.
"""

from __future__ import annotations

import copy
import functools
import re
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType
from typing import Any

import contract_templates
from signing import identifiers, rules
from signing.errors import FieldIssue, UnknownKind, ValidationFailed
from signing.french import DAYS
from signing.model import Kind
from signing.parties import ANCHOR_PREFIX

TYPES = frozenset(
    {"text", "longtext", "date", "email", "phone", "bool", "choice", "siret", "uai", "list"}
    | {"object", "id", "weekly_schedule"}
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


@dataclass(frozen=True)
class Validated:
    """Data that passed its schema and rules, normalised and JSON-ready; soft problems in
    `warnings`."""

    data: dict[str, Any] = field(hash=False)
    warnings: tuple[FieldIssue, ...] = ()


def generic_path(path: str) -> str:
    """``guardians[1].email`` → ``guardians[].email``: the path as the schema declares it."""
    return _INDEX.sub("[]", path)


# ---------------------------------------------------------------------------------------------
# Loading


def load_schema(kind: str) -> Schema:
    """The schema of a document kind (``parcours`` or ``convention``), read once and cached.

    Raises UnknownKind for any other name.
    """
    if not isinstance(kind, str) or kind not in {k.value for k in Kind}:
        raise UnknownKind(str(kind))
    return _load(f"{kind}/fields.toml")


def load_school_schema() -> Schema:
    """The schema of the school's identity (``school_fields.toml``), read once and cached."""
    return _load("school_fields.toml")


@functools.cache
def _load(name: str) -> Schema:
    document = tomllib.loads(_templates_root().joinpath(*name.split("/")).read_text("utf-8"))
    entries: list[Mapping[str, Any]] = []
    for included in document.get("include", []):
        entries.extend(
            tomllib.loads(
                _templates_root().joinpath(f"{included}_fields.toml").read_text("utf-8")
            ).get("fields", [])
        )
    entries.extend(document.get("fields", []))
    specs = tuple(_spec(name, entry) for entry in entries)
    _check_structure(name, specs)
    return Schema(kind=document["kind"], title=document["title"], fields=specs)


def _templates_root() -> Traversable:
    return resources.files(contract_templates)


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


def label_for(kind: str, path: str) -> str:
    """The French label of a field path, indices allowed (``guardians[1].email``).

    ``kind`` is a document kind or ``"school"``. A day of a weekly schedule
    (``schedule.wednesday[0]``) gets the schedule's label and the day's name; an undeclared path is
    returned as it is.
    """
    schema = load_school_schema() if kind == "school" else load_schema(kind)
    spec = schema.get(path)
    if spec is not None:
        return spec.label
    parent, _, rest = generic_path(path).rpartition(".")
    parent_spec = schema.get(parent)
    day = rest.removesuffix("[]")
    if parent_spec is not None and parent_spec.type == "weekly_schedule" and day in WEEKDAYS:
        return f"{parent_spec.label} – {WEEKDAYS[day]}"
    return path


# ---------------------------------------------------------------------------------------------
# Validation


def validate_document(kind: str, data: object, *, today: date) -> Validated:
    """Check `data` against the schema and the rules of `kind`; return it normalised.

    `today` is the reference date (the issue date) for ages and for the "not in the past" rules.
    Raises UnknownKind, or ValidationFailed listing every error (and the warnings found with them).
    """
    schema = load_schema(kind)
    if isinstance(today, datetime):
        today = today.date()
    found = _Issues()
    normalised = _check_root(schema, data, found)
    findings = [
        f
        for f in rules.check(kind, normalised, today)
        if not any(found.covers(path) for path in f.about)
    ]
    errors = found.errors + [f.issue for f in findings if f.blocking]
    warnings = [f.issue for f in findings if not f.blocking]
    if errors:
        raise ValidationFailed(errors, warnings)
    return Validated(normalised, tuple(warnings))


def validate_school(data: object) -> dict[str, Any]:
    """Check the school's identity (UAI, name, head…) and return it normalised.

    Raises ValidationFailed listing every error.
    """
    found = _Issues()
    normalised = _check_root(load_school_schema(), data, found)
    if found.errors:
        raise ValidationFailed(found.errors)
    return normalised


class _Issues:
    """The errors of the field checks, and the paths they concern."""

    def __init__(self) -> None:
        self.errors: list[FieldIssue] = []

    def add(self, path: str, message: str) -> None:
        self.errors.append(FieldIssue(path, message))

    def covers(self, path: str) -> bool:
        """True when `path` or one of its parents already has an error (said once is enough)."""
        return any(
            path == e.field or path.startswith((f"{e.field}.", f"{e.field}[")) for e in self.errors
        )


def _check_root(schema: Schema, data: object, found: _Issues) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        found.add("", "Les données doivent être un objet JSON (des paires « champ : valeur »).")
        raise ValidationFailed(found.errors)
    return _check_object(schema, "", "", data, found)


def _shown(value: object, limit: int = 40) -> str:
    """A user's value quoted in a message: printable, and cut when long."""
    text = "".join(c if c.isprintable() else "?" for c in str(value))
    return text if len(text) <= limit else f"{text[:limit]}…"


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _check_object(
    schema: Schema, spec_path: str, path: str, value: Mapping[Any, Any], found: _Issues
) -> dict[str, Any]:
    specs = schema.children(spec_path)
    checked = {
        s.name: _check_field(schema, s, _join(path, s.name), value.get(s.name), found)
        for s in specs
    }
    for key in value:
        if key not in checked:
            found.add(_join(path, str(key)), f"Champ inconnu « {_shown(key)} ».")
    return checked


def _is_absent(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _absent_value(spec: FieldSpec) -> object:
    if spec.default is not None:
        return copy.deepcopy(spec.default)
    return [] if spec.type == "list" else None


def _check_field(
    schema: Schema, spec: FieldSpec, path: str, value: object, found: _Issues
) -> object:
    if _is_absent(value) or (spec.type == "weekly_schedule" and _is_empty_schedule(value)):
        if spec.required:
            found.add(path, f"{spec.label} : ce champ est obligatoire.")
        return _absent_value(spec)
    return _CHECKS[spec.type](schema, spec, path, value, found)


_Check = Callable[[Schema, FieldSpec, str, Any, _Issues], object]


def _text(schema: Schema, spec: FieldSpec, path: str, value: object, found: _Issues) -> str | None:
    multiline = spec.type == "longtext"
    if not isinstance(value, str):
        found.add(path, f"{spec.label} : un texte est attendu.")
        return None
    text = unicodedata.normalize("NFC", value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.strip()
    bad = next((c for c in text if _is_forbidden_char(c, multiline)), None)
    if bad is not None:
        found.add(path, f"{spec.label} : caractère de contrôle interdit (U+{ord(bad):04X}).")
        return None
    if ANCHOR_PREFIX in text.casefold():
        found.add(
            path,
            f"{spec.label} : la suite « {ANCHOR_PREFIX} » est réservée aux "
            "emplacements de signature.",
        )
        return None
    if spec.max_length is not None and len(text) > spec.max_length:
        found.add(path, f"{spec.label} : {len(text)} caractères, {spec.max_length} au maximum.")
        return None
    return text


# Bidirectional overrides and isolates can make a name print differently from what it holds.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_forbidden_char(char: str, multiline: bool) -> bool:
    if multiline and char in "\n\t":
        return False
    return unicodedata.category(char) in {"Cc", "Cs", "Zl", "Zp"} or char in _BIDI_CONTROLS


def _date(schema: Schema, spec: FieldSpec, path: str, value: object, found: _Issues) -> str | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    text = value.strip() if isinstance(value, str) else None
    if text is None or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        found.add(path, f"{spec.label} : date attendue au format AAAA-MM-JJ.")
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        found.add(path, f"{spec.label} : la date « {_shown(text)} » n'existe pas.")
        return None


def _bool(schema: Schema, spec: FieldSpec, path: str, value: object, found: _Issues) -> bool | None:
    if not isinstance(value, bool):
        found.add(path, f"{spec.label} : true ou false attendu.")
        return None
    return value


def _choice(
    schema: Schema, spec: FieldSpec, path: str, value: object, found: _Issues
) -> str | None:
    if not isinstance(value, str) or value.strip() not in spec.choices:
        allowed = ", ".join(spec.choices)
        found.add(
            path,
            f"{spec.label} : valeur inconnue « {_shown(value)} » (valeurs possibles : {allowed}).",
        )
        return None
    return value.strip()


def _email(schema: Schema, spec: FieldSpec, path: str, value: object, found: _Issues) -> str | None:
    text = _text(schema, spec, path, value, found)
    if text is None:
        return None
    email = identifiers.normalize_email(text)
    if email is None:
        found.add(path, f"{spec.label} : adresse électronique invalide « {_shown(text)} ».")
    return email


def _phone(schema: Schema, spec: FieldSpec, path: str, value: object, found: _Issues) -> str | None:
    text = _text(schema, spec, path, value, found)
    if text is not None and not identifiers.is_french_phone(text):
        found.add(
            path,
            f"{spec.label} : numéro de téléphone français attendu "
            "(par exemple 06 12 34 56 78 ou +33 6 12 34 56 78).",
        )
        return None
    return text


def _siret(schema: Schema, spec: FieldSpec, path: str, value: object, found: _Issues) -> str | None:
    text = _text(schema, spec, path, value, found)
    if text is None:
        return None
    siret = identifiers.compact_siret(text)
    if not identifiers.is_siret_well_formed(siret):
        found.add(path, f"{spec.label} : 14 chiffres attendus.")
        return None
    if not identifiers.is_valid_siret(siret):
        found.add(
            path,
            f"{spec.label} : numéro invalide (la clé de contrôle ne correspond pas) ; "
            "vérifiez-le sur l'avis de situation SIRENE.",
        )
        return None
    return siret


def _uai(schema: Schema, spec: FieldSpec, path: str, value: object, found: _Issues) -> str | None:
    text = _text(schema, spec, path, value, found)
    if text is None:
        return None
    uai = identifiers.normalize_uai(text)
    if not identifiers.is_uai_well_formed(uai):
        found.add(
            path, f"{spec.label} : 7 chiffres suivis d'une lettre attendus (par exemple 0440021J)."
        )
        return None
    if not identifiers.is_valid_uai(uai):
        found.add(
            path,
            f"{spec.label} : la lettre clé ne correspond pas aux 7 chiffres ; vérifiez le numéro.",
        )
        return None
    return uai


def _id(schema: Schema, spec: FieldSpec, path: str, value: object, found: _Issues) -> object:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", value.strip()):
        return value.strip()
    found.add(path, f"{spec.label} : identifiant invalide.")
    return None


def _list(
    schema: Schema, spec: FieldSpec, path: str, value: object, found: _Issues
) -> list[Any] | None:
    if not isinstance(value, list | tuple):
        found.add(path, f"{spec.label} : une liste est attendue.")
        return None
    if spec.min_items is not None and len(value) < spec.min_items:
        found.add(path, f"{spec.label} : au moins {spec.min_items} élément(s) attendu(s).")
        return None
    if spec.max_items is not None and len(value) > spec.max_items:
        found.add(path, f"{spec.label} : au plus {spec.max_items} élément(s) ({len(value)} reçus).")
        return None
    item = schema.field(f"{spec.path}[]")
    items: list[Any] = []
    for index, raw in enumerate(value):
        item_path = f"{path}[{index}]"
        if _is_absent(raw):
            found.add(item_path, f"{item.label} : élément vide.")
            items.append(None)
        else:
            items.append(_CHECKS[item.type](schema, item, item_path, raw, found))
    return items


def _object(
    schema: Schema, spec: FieldSpec, path: str, value: object, found: _Issues
) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        found.add(path, f"{spec.label} : un objet est attendu.")
        return None
    return _check_object(schema, spec.path, path, value, found)


# ---------------------------------------------------------------------------------------------
# Weekly schedule: {"monday": ["08:30-12:00", "13:30-17:00"], …}, local time.

_TIME = r"([0-9]{1,2})(?::([0-9]{2})|[hH]([0-9]{2})?)?"
_RANGE = re.compile(rf"{_TIME}\s*[-–—]\s*{_TIME}")
MAX_RANGES_PER_DAY = 6


def _is_empty_schedule(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and all(key in WEEKDAYS for key in value)
        and not any(value.values())
    )


def _weekly_schedule(
    schema: Schema, spec: FieldSpec, path: str, value: object, found: _Issues
) -> dict[str, list[str]] | None:
    if not isinstance(value, Mapping):
        found.add(path, f"{spec.label} : un objet par jour (monday … sunday) est attendu.")
        return None
    before = len(found.errors)
    for key in value:
        if key not in WEEKDAYS:
            found.add(
                f"{path}.{key}",
                f"Jour inconnu « {_shown(key)} » (jours possibles : {', '.join(WEEKDAYS)}).",
            )
    week = {
        day: _day(f"{path}.{day}", french, value.get(day), found)
        for day, french in WEEKDAYS.items()
    }
    return None if len(found.errors) > before else week


def _day(path: str, french: str, value: object, found: _Issues) -> list[str]:
    prefix = f"Horaires du {french} :"
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        found.add(path, f"{prefix} une liste de plages « HH:MM-HH:MM » est attendue.")
        return []
    if len(value) > MAX_RANGES_PER_DAY:
        found.add(path, f"{prefix} au plus {MAX_RANGES_PER_DAY} plages par jour.")
        return []
    ranges: list[tuple[int, int]] = []
    for index, raw in enumerate(value):
        where, parsed = f"{path}[{index}]", _range(raw)
        if parsed is None:
            found.add(
                where,
                f"{prefix} plage « {_shown(raw)} » illisible (format attendu "
                "HH:MM-HH:MM, par exemple 08:30-12:00).",
            )
        elif parsed[0] >= parsed[1]:
            found.add(where, f"{prefix} la plage {_hhmm(parsed)} finit avant de commencer.")
        else:
            clash = next((r for r in ranges if r[0] < parsed[1] and parsed[0] < r[1]), None)
            if clash is not None:
                found.add(
                    where, f"{prefix} la plage {_hhmm(parsed)} chevauche la plage {_hhmm(clash)}."
                )
        ranges.append(parsed or (0, 0))
    return [_hhmm(r) for r in ranges]


def _range(raw: object) -> tuple[int, int] | None:
    match = _RANGE.fullmatch(raw.strip()) if isinstance(raw, str) else None
    if match is None:
        return None
    h1, m1a, m1b, h2, m2a, m2b = match.groups()
    start = _minutes(h1, m1a or m1b)
    end = _minutes(h2, m2a or m2b)
    return None if start is None or end is None else (start, end)


def _minutes(hours: str, minutes: str | None) -> int | None:
    h, m = int(hours), int(minutes or 0)
    return h * 60 + m if h < 24 and m < 60 else None


def _hhmm(span: tuple[int, int]) -> str:
    (h1, m1), (h2, m2) = divmod(span[0], 60), divmod(span[1], 60)
    return f"{h1:02d}:{m1:02d}-{h2:02d}:{m2:02d}"


_CHECKS: Mapping[str, _Check] = MappingProxyType(
    {
        "text": _text,
        "longtext": _text,
        "date": _date,
        "email": _email,
        "phone": _phone,
        "bool": _bool,
        "choice": _choice,
        "siret": _siret,
        "uai": _uai,
        "id": _id,
        "list": _list,
        "object": _object,
        "weekly_schedule": _weekly_schedule,
    }
)
