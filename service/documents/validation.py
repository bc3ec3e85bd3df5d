"""What a document's data is checked against before it is stored: the request's envelope, the
kind's schema and rules (`signing.data.validate`), on the reference day."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from service.accounts.models import School
from signing.data.territory import Territory, territory_of
from signing.data.validate import validate_document
from signing.kinds import Kind, parse_request


def school_territory(session: Session, school_id: int) -> Territory:
    """Where the school is (its public holidays, its time zone), from its UAI."""
    school = session.get(School, school_id)
    return territory_of(school.uai if school else None)


def reserved_emails(session: Session, school_id: int) -> dict[str, str]:
    """The addresses no signer of the school's documents may use: its head's."""
    school = session.get(School, school_id)
    return head_reserved(school.head_email if school else None)


def head_reserved(head_email: str | None) -> dict[str, str]:
    return {head_email: "du chef d'établissement"} if head_email else {}


def validate_request(
    body: object,
    today: date,
    territory: Territory,
    reserved: Mapping[str, str] | None = None,
    *,
    issuing: bool = False,
) -> tuple[Kind, dict[str, Any], list[dict[str, str]]]:
    """The kind, the normalised data and the warnings (as JSON) of a create or update body (or
    of a draft about to be issued, `issuing`), judged on `today` and for the school's
    `territory`, no signer using a `reserved` address; ValidationFailed listing every problem."""
    kind, data = parse_request(body)
    validated = validate_document(
        kind, data, today=today, territory=territory, reserved_emails=reserved, issuing=issuing
    )
    return kind, validated.data, [w.as_json() for w in validated.warnings]
