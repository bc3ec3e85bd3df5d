"""From a document request to a PDF: validate, fill the DOCX, convert. Each stage stays separate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from signing.errors import FieldIssue, ValidationFailed
from signing.model import Kind
from signing.render import render_docx
from signing.schema import validate_document, validate_school


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


def split_request(body: object) -> tuple[str, object]:
    """Read `{"kind": …, "data": …}` (the body of the API's create call)."""
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
    return str(kind), body["data"]


def render_document(
    kind: str, data: object, school: object, *, today: date, converter: Converter
) -> RenderedDocument:
    """Validate `data` and `school`, fill the kind's template and convert it to PDF.

    Raises ValidationFailed listing every problem of both, before any rendering.
    """
    errors: list[FieldIssue] = []
    warnings: tuple[FieldIssue, ...] = ()
    try:
        validated = validate_document(kind, data, today=today)
        warnings = validated.warnings
    except ValidationFailed as exc:
        errors.extend(exc.errors)
        warnings = tuple(exc.warnings)
    try:
        school_data = validate_school(school)
    except ValidationFailed as exc:
        errors.extend(FieldIssue(f"school.{e.field}".rstrip("."), e.message) for e in exc.errors)
    if errors:
        raise ValidationFailed(errors, list(warnings))
    docx = render_docx(kind, validated.data, school_data, on=today)
    pdf = converter.convert(docx)
    return RenderedDocument(kind, validated.data, school_data, warnings, docx, pdf)
