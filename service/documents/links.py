"""The links between documents: an amendment and the document it amends, a document and the one
it belongs to (a convention and its pathway contract, `signing.kinds.spec.ParentLink`)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.clock import school_day
from service.documents.models import Document
from signing.errors import FieldIssue, TransitionRefused, ValidationFailed
from signing.follow_up import require_followed
from signing.follow_up.pathway import FOLLOW_UP
from signing.kinds import Kind
from signing.vocabulary import DocumentState


def parent_of(session: Session, school_id: int, kind: Kind, data: dict[str, Any]) -> int | None:
    """The document a document of `kind` names in its parent link's field (a convention's
    ``parcours_id``), which must be one of the school's documents of the parent kind, and one
    the document fits (`ParentLink.fits`: the same pupil, inside its period). A
    reference that is not a number (a contract signed on paper) is printed as it is and links
    nothing."""
    link = kind.spec.parent
    if link is None:
        return None
    reference = data.get(link.field)
    if not isinstance(reference, int) or isinstance(reference, bool):
        return None
    parent = session.get(Document, reference)
    if parent is None or parent.school_id != school_id or parent.kind != link.parent:
        label = kind.spec.schema.field(link.field).label
        raise ValidationFailed(
            [
                FieldIssue(
                    link.field,
                    f"{label} : aucun {link.parent_noun} n° {reference} dans votre établissement.",
                )
            ]
        )
    if link.requires_followed:
        require_followed(parent.kind.spec.followed, parent.state)
        require_current(session, parent)
    misfits = link.fits(data, parent.data, parent.id)
    if misfits:
        raise ValidationFailed(misfits)
    return parent.id


def with_amendment(body: object, stamp: dict[str, Any] | None) -> object:
    """`body` with ``data.amends`` set to `stamp` (the amended document's number and date, or
    None): Cosigne fills it, so a caller who sends another value is told so."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return body
    data = body["data"]
    given = data.get("amends")
    if given not in (None, stamp):
        raise ValidationFailed(
            [
                FieldIssue(
                    "amends",
                    "Document modifié par cet avenant : ce champ est rempli par Cosigne ; "
                    "pour établir un avenant, indiquez le numéro du document dans « amends ».",
                )
            ]
        )
    return {**body, "data": {**data, "amends": stamp}}


def amendment_stamp(document: Document) -> dict[str, Any]:
    """What an amendment of `document` prints about it: its number and the day it was
    completed (in the school's time)."""
    completed = document.completed_at or document.updated_at
    return {"id": document.id, "date": school_day(completed, document.school.uai).isoformat()}


def amendments_of(session: Session, document: Document) -> list[Document]:
    """The amendments of `document`, oldest first."""
    return list(
        session.scalars(
            select(Document)
            .where(Document.school_id == document.school_id, Document.amends_id == document.id)
            .order_by(Document.id)
        )
    )


def versions_of(document: Document) -> list[Document]:
    """`document` and every document it amends, newest first: one contract's versions, whose
    follow-up (notes, reviews, visits) is read as one."""
    found = [document]
    while found[-1].amends is not None and found[-1].amends not in found:
        found.append(found[-1].amends)
    return found


def replacement_of(session: Session, document: Document) -> Document | None:
    """The completed amendment that replaces `document` (the newest one), if any: its follow-up
    goes on there."""
    return session.scalars(
        select(Document)
        .where(
            Document.school_id == document.school_id,
            Document.amends_id == document.id,
            Document.state == DocumentState.COMPLETED,
        )
        .order_by(Document.id.desc())
    ).first()


def require_current(session: Session, document: Document) -> None:
    """TransitionRefused (409, in French) when a completed amendment replaced `document`: its
    follow-up goes on on the amendment, which holds the objectives as they now stand."""
    newer = replacement_of(session, document)
    if newer is not None:
        raise TransitionRefused(
            FOLLOW_UP,
            document.state,
            f"ce contrat a été remplacé par l'avenant n° {newer.id} : "
            "le suivi continue sur l'avenant",
        )


def children_of(session: Session, parent: Document) -> list[Document]:
    """The documents that belong to `parent` (a pathway contract's conventions), oldest first."""
    return list(
        session.scalars(
            select(Document)
            .where(Document.school_id == parent.school_id, Document.pathway_id == parent.id)
            .order_by(Document.id)
        )
    )
