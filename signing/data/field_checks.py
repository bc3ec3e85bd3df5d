"""The check of each field of a document against its schema, one function per field type.

Each check returns the normalised value (or None) and records its problem in `Issues`; objects
and lists are walked field by field, so every problem of a document is listed at once.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import date, datetime
from types import MappingProxyType
from typing import Any

from signing.data import identifiers
from signing.data.issues import Issues, shown
from signing.data.parties import LEGACY_ANCHOR_PREFIX
from signing.data.schema import FieldSpec, Schema
from signing.data.typed_text import forbidden_char, unprintable
from signing.data.weekly_schedule import is_empty_schedule, weekly_schedule
from signing.errors import ValidationFailed


def check_root(schema: Schema, data: object, found: Issues) -> dict[str, Any]:
    if not isinstance(data, Mapping):
        found.add("", "Les données doivent être un objet JSON (des paires « champ : valeur »).")
        raise ValidationFailed(found.errors)
    return _check_object(schema, "", "", data, found)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _check_object(
    schema: Schema, spec_path: str, path: str, value: Mapping[Any, Any], found: Issues
) -> dict[str, Any]:
    specs = schema.children(spec_path)
    checked = {
        s.name: _check_field(schema, s, _join(path, s.name), value.get(s.name), found)
        for s in specs
    }
    for key in value:
        if key not in checked:
            found.add(_join(path, str(key)), f"Champ inconnu « {shown(key)} ».")
    return checked


def _is_absent(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _absent_value(spec: FieldSpec) -> object:
    if spec.default is not None:
        return copy.deepcopy(spec.default)
    return [] if spec.type == "list" else None


def _check_field(
    schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues
) -> object:
    if _is_absent(value) or (spec.type == "weekly_schedule" and is_empty_schedule(value)):
        if spec.required:
            found.add(path, f"{spec.label} : ce champ est obligatoire.")
        return _absent_value(spec)
    return _CHECKS[spec.type](schema, spec, path, value, found)


_Check = Callable[[Schema, FieldSpec, str, Any, Issues], object]


def _text(schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues) -> str | None:
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
    if (refused := unprintable(spec.label, text)) is not None:
        found.add(path, refused)
        return None
    if LEGACY_ANCHOR_PREFIX in text.casefold():
        found.add(
            path,
            f"{spec.label} : la suite « {LEGACY_ANCHOR_PREFIX} » est réservée aux "
            "emplacements de signature.",
        )
        return None
    if spec.max_length is not None and len(text) > spec.max_length:
        found.add(path, f"{spec.label} : {len(text)} caractères, {spec.max_length} au maximum.")
        return None
    return text


def _is_forbidden_char(char: str, multiline: bool) -> bool:
    """`signing.data.typed_text`'s rule, the one every typed text follows."""
    return forbidden_char(char, multiline=multiline)


def _date(schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues) -> str | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    text = value.strip() if isinstance(value, str) else None
    if text is None or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
        found.add(path, f"{spec.label} : date attendue au format AAAA-MM-JJ.")
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        found.add(path, f"{spec.label} : la date « {shown(text)} » n'existe pas.")
        return None


def _bool(schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues) -> bool | None:
    if not isinstance(value, bool):
        found.add(path, f"{spec.label} : true ou false attendu.")
        return None
    return value


def _choice(schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues) -> str | None:
    if not isinstance(value, str) or value.strip() not in spec.choices:
        allowed = ", ".join(spec.choices)
        found.add(
            path,
            f"{spec.label} : valeur inconnue « {shown(value)} » (valeurs possibles : {allowed}).",
        )
        return None
    return value.strip()


def _email(schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues) -> str | None:
    text = _text(schema, spec, path, value, found)
    if text is None:
        return None
    email = identifiers.normalize_email(text)
    if email is None:
        found.add(path, f"{spec.label} : adresse électronique invalide « {shown(text)} ».")
    return email


def _phone(schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues) -> str | None:
    text = _text(schema, spec, path, value, found)
    if text is not None and not identifiers.is_french_phone(text):
        found.add(
            path,
            f"{spec.label} : numéro de téléphone français attendu "
            "(par exemple 06 12 34 56 78 ou +33 6 12 34 56 78).",
        )
        return None
    return text


def _siret(schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues) -> str | None:
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


def _uai(schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues) -> str | None:
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


def _id(schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues) -> object:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    if isinstance(value, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", value.strip()):
        return value.strip()
    found.add(path, f"{spec.label} : identifiant invalide.")
    return None


_MAX_HOURS = 3000
"""More hours than a school year of 36 weeks at 80 hours: a typo."""


def _hours(schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues) -> object:
    """A whole number of hours (« 950 », a volume of teaching or a working week)."""
    text = str(value).strip().removesuffix("h").strip() if not isinstance(value, bool) else ""
    if isinstance(value, int | str) and text.isascii() and text.isdigit():
        hours = int(text)
        if 0 < hours <= _MAX_HOURS:
            return hours
    found.add(path, f"{spec.label} : un nombre entier d'heures est attendu (par exemple 35).")
    return None


def _list(
    schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues
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
    schema: Schema, spec: FieldSpec, path: str, value: object, found: Issues
) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        found.add(path, f"{spec.label} : un objet est attendu.")
        return None
    return _check_object(schema, spec.path, path, value, found)


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
        "hours": _hours,
        "list": _list,
        "object": _object,
        "weekly_schedule": weekly_schedule,
    }
)
