"""What a document's data is checked against before it is stored: the request's envelope, the
kind's schema and rules (`signing.data.validate`), on the reference day."""

from __future__ import annotations

from datetime import date
from typing import Any

from signing.data.validate import validate_document
from signing.kinds import Kind, parse_request


def validate_request(
    body: object, today: date
) -> tuple[Kind, dict[str, Any], list[dict[str, str]]]:
    """The kind, the normalised data and the warnings (as JSON) of a create or update body;
    ValidationFailed listing every problem."""
    kind, data = parse_request(body)
    validated = validate_document(kind, data, today=today)
    return kind, validated.data, [w.as_json() for w in validated.warnings]
