"""The registry of document kinds: one folder each, one line each here.

`Kind` lists them; ``Kind.X.spec`` is the `KindSpec` its folder declares (``SPEC`` in its
``__init__.py``). Adding a kind is a folder with its schema, template, example and spec, plus its
line in `Kind` (and a migration of the database's check on the kind column).
"""

from __future__ import annotations

import importlib
from enum import StrEnum

from signing.errors import FieldIssue, UnknownKind, ValidationFailed
from signing.kinds.spec import KindSpec, ParentLink


class Kind(StrEnum):
    """A document kind; its value names its folder."""

    PARCOURS = "parcours"
    CONVENTION = "convention"
    REVIEW = "bilan"

    @property
    def spec(self) -> KindSpec:
        return _SPECS[self]


def _load(kind: Kind) -> KindSpec:
    spec = getattr(importlib.import_module(f"{__name__}.{kind.value}"), "SPEC", None)
    if not isinstance(spec, KindSpec) or spec.name != kind.value:
        raise TypeError(f"signing/kinds/{kind.value}/__init__.py must define SPEC, named {kind}")
    return spec


_SPECS: dict[Kind, KindSpec] = {kind: _load(kind) for kind in Kind}


def spec_of(kind: str) -> KindSpec:
    """The spec of the kind named `kind`; UnknownKind for any other value."""
    try:
        return Kind(kind).spec
    except ValueError:
        raise UnknownKind(str(kind)) from None


def children_of(kind: str) -> list[tuple[Kind, ParentLink]]:
    """The kinds whose documents may belong to a document of `kind`, with their link."""
    return [
        (child, link)
        for child in Kind
        if (link := child.spec.parent) is not None and link.parent == kind
    ]


def parse_request(body: object) -> tuple[Kind, object]:
    """Read ``{"kind": …, "data": …}`` (the body of the API's create call): the kind and its
    data, still to validate. ValidationFailed names every problem of the envelope."""
    if not isinstance(body, dict):
        raise ValidationFailed([FieldIssue("", "le document doit être un objet JSON")])
    errors = []
    kind = body.get("kind")
    if kind not in tuple(Kind):
        choices = ", ".join(k.value for k in Kind)
        errors.append(FieldIssue("kind", f"type de document inconnu (attendu : {choices})"))
    if "data" not in body:
        errors.append(FieldIssue("data", "champ obligatoire"))
    unknown = sorted(set(body) - {"kind", "data"})
    errors.extend(FieldIssue(key, "champ inconnu") for key in unknown)
    if errors:
        raise ValidationFailed(errors)
    return Kind(str(kind)), body["data"]
