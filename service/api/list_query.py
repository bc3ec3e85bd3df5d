"""The document list's filters, read from the query string."""

from __future__ import annotations

from typing import Any

from flask import request

from signing.data.school_year import parse_school_year
from signing.errors import (
    FieldIssue,
    ValidationFailed,
)
from signing.kinds import Kind
from signing.vocabulary import DocumentState

DEFAULT_PER_PAGE = 20


MAX_PER_PAGE = 100


MAX_PUPIL_SEARCH = 100


def list_query() -> dict[str, Any]:
    """The list's filters from the query string; ValidationFailed naming each bad parameter."""
    args = request.args
    issues: list[FieldIssue] = []
    status = args.get("status") or None
    states = [state.value for state in DocumentState]
    if status is not None and status not in states:
        issues.append(
            FieldIssue("status", f"statut inconnu (valeurs possibles : {', '.join(states)})")
        )
    kind = args.get("kind") or None
    kinds = [kind.value for kind in Kind]
    if kind is not None and kind not in kinds:
        issues.append(FieldIssue("kind", f"type inconnu (valeurs possibles : {', '.join(kinds)})"))
    pupil = " ".join(args.get("pupil", "").split()) or None
    if pupil is not None and len(pupil) > MAX_PUPIL_SEARCH:
        issues.append(FieldIssue("pupil", f"{MAX_PUPIL_SEARCH} caractères au plus"))

    def number(name: str, default: int, maximum: int | None) -> int:
        raw = args.get(name, "").strip()
        if not raw:
            return default
        bound = f"entre 1 et {maximum}" if maximum else "supérieur ou égal à 1"
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= (maximum or 10**6):
            issues.append(FieldIssue(name, f"nombre entier {bound} attendu"))
            return default
        return int(raw)

    school_year = None
    if raw_year := args.get("school_year", "").strip():
        school_year = parse_school_year(raw_year)
        if school_year is None:
            issues.append(
                FieldIssue("school_year", "année scolaire attendue, par exemple 2026-2027")
            )
    page = number("page", 1, None)
    per_page = number("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    if issues:
        raise ValidationFailed(issues)
    return {
        "state": DocumentState(status) if status else None,
        "kind": Kind(kind) if kind else None,
        "pupil": pupil,
        "school_year": school_year,
        "page": page,
        "per_page": per_page,
    }
