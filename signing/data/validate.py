"""Validating a document's data: its fields against its kind's schema, then the rules spanning
several fields (`signing.data.rules`, and the kind's own); every problem is listed at once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from signing.data import rules
from signing.data.field_checks import check_root
from signing.data.issues import Issues
from signing.data.schema import WEEKDAYS, generic_path, load_school_schema
from signing.data.territory import METROPOLE, Territory
from signing.errors import FieldIssue, ValidationFailed
from signing.kinds import spec_of


@dataclass(frozen=True)
class Validated:
    """Data that passed its schema and rules, normalised and JSON-ready; soft problems in
    `warnings`."""

    data: dict[str, Any] = field(hash=False)
    warnings: tuple[FieldIssue, ...] = ()


def label_for(kind: str, path: str) -> str:
    """The French label of a field path, indices allowed (``guardians[1].email``).

    ``kind`` is a document kind or ``"school"``. A day of a weekly schedule
    (``schedule.wednesday[0]``) gets the schedule's label and the day's name; an undeclared path is
    returned as it is.
    """
    schema = load_school_schema() if kind == "school" else spec_of(kind).schema
    spec = schema.get(path)
    if spec is not None:
        return spec.label
    parent, _, rest = generic_path(path).rpartition(".")
    parent_spec = schema.get(parent)
    day = rest.removesuffix("[]")
    if parent_spec is not None and parent_spec.type == "weekly_schedule" and day in WEEKDAYS:
        return f"{parent_spec.label} – {WEEKDAYS[day]}"
    return path


def validate_document(
    kind: str,
    data: object,
    *,
    today: date,
    territory: Territory = METROPOLE,
    reserved_emails: Mapping[str, str] | None = None,
    issuing: bool = False,
) -> Validated:
    """Check `data` against the schema and the rules of `kind`; return it normalised.

    `today` is the issue date (ages are judged on the period's first day, or on it when later);
    `territory` the school's (its public holidays); `reserved_emails` the addresses no signer may
    use (the head's), with whose they are; `issuing` when the data is about to be issued
    (`signing.data.rules.Checking.issuing`).
    Raises UnknownKind, or ValidationFailed listing every error (and the warnings found with them).
    """
    spec = spec_of(kind)
    schema = spec.schema
    if isinstance(today, datetime):
        today = today.date()
    found = Issues()
    normalised = check_root(schema, spec.complete(data), found)
    findings = [
        f
        for f in rules.check(
            spec.all_rules,
            normalised,
            rules.Checking(today, territory, reserved_emails or {}, issuing),
        )
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
    found = Issues()
    normalised = check_root(load_school_schema(), data, found)
    if found.errors:
        raise ValidationFailed(found.errors)
    return normalised
