"""What a document prints of the documents that belong to it (a pathway contract lists its
conventions de stage: host, dates, planned visit, number; `ParentLink.listed_as`). Cosigne fills
that field when the parent is issued; a caller never sets it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from service.documents.links import children_of
from service.documents.models import Document
from signing.errors import FieldIssue, ValidationFailed
from signing.kinds import Kind
from signing.kinds import children_of as child_kinds
from signing.kinds.spec import ParentLink
from signing.vocabulary import DocumentState

LIVE = frozenset(
    {DocumentState.DRAFT, DocumentState.AWAITING_SIGNATURES, DocumentState.SIGNED}
    | {DocumentState.COMPLETED}
)
"""A child that still stands: neither declined, cancelled nor expired."""


def _lists(kind: str) -> list[tuple[Kind, ParentLink, str]]:
    return [(child, link, link.listed_as) for child, link in child_kinds(kind) if link.listed_as]


def refuse_listed(body: object) -> None:
    """A create or update body that sets a field Cosigne fills is refused, naming it."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return
    kind = body.get("kind")
    if kind not in tuple(Kind):
        return
    for _, _, field in _lists(str(kind)):
        if body["data"].get(field):
            raise ValidationFailed(
                [
                    FieldIssue(
                        field,
                        "Ce champ est rempli par Cosigne quand le document est émis, à partir "
                        "des documents qui lui sont liés : ne l'envoyez pas.",
                    )
                ]
            )


def with_listed(
    session: Session, document: Document, data: dict[str, Any], *, required: bool
) -> dict[str, Any]:
    """`data` with each listed field filled from `document`'s live children; when `required`
    (at issue), ValidationFailed if the data asks for one (`offered_when`) and none stands."""
    filled = dict(data)
    lists = _lists(document.kind)
    children = [c for c in children_of(session, document) if c.state in LIVE] if lists else []
    for child_kind, link, field in lists:
        live = [c for c in children if c.kind == child_kind]
        if required and not live and link.offered_when(data):
            raise ValidationFailed([FieldIssue(field, link.missing_help)])
        filled[field] = [link.summary(child.data, child.id) for child in live]
    return filled
