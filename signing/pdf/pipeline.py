"""The first stages chained, from a document's data to its PDF: validate, render, convert."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from signing.data.school_identity import missing_identity
from signing.data.territory import territory_of
from signing.data.validate import validate_document, validate_school
from signing.errors import FieldIssue, ValidationFailed
from signing.pdf.render import render_docx


class Converter(Protocol):
    def convert(self, docx: bytes) -> bytes: ...


@dataclass(frozen=True)
class RenderedDocument:
    kind: str
    data: dict[str, object]
    """The validated, normalised data the document was filled with."""
    school: dict[str, object]
    warnings: tuple[FieldIssue, ...]
    docx: bytes
    pdf: bytes


def render_document(
    kind: str, data: object, school: object, *, today: date, converter: Converter
) -> RenderedDocument:
    """Validate `data` and `school`, fill the kind's template and convert it to PDF.

    Raises ValidationFailed listing every problem of both, before any rendering.
    """
    errors: list[FieldIssue] = []
    warnings: tuple[FieldIssue, ...] = ()
    uai = school.get("uai") if isinstance(school, dict) else None
    territory = territory_of(uai if isinstance(uai, str) else None)
    try:
        validated = validate_document(kind, data, today=today, territory=territory)
        warnings = validated.warnings
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        warnings = tuple(exc.warnings)
    try:
        school_data = validate_school(school)
    except ValidationFailed as exc:
        errors.extend(FieldIssue(f"school.{e.field}".rstrip("."), e.message) for e in exc.errors)
    else:
        errors.extend(missing_identity(school_data))
    if errors:
        raise ValidationFailed(errors, list(warnings))
    docx = render_docx(kind, validated.data, school_data, on=today)
    pdf = converter.convert(docx)
    return RenderedDocument(kind, validated.data, school_data, warnings, docx, pdf)
