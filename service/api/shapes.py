"""The shapes of the JSON API's answers: a document, its summary, a signer, an event.

Personal data stays as narrow as the use needs: signers' addresses are shown (the school's staff
wrote them), but the IP addresses and browsers recorded with each event are not part of any
answer; they stay in the audit trail of the final PDF and in `cosigne audit verify`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import url_for

from service.documents.models import Document, Event
from service.signers.models import Signer
from signing.event_types import EventType
from signing.pdf.evidence_texts import IDENTIFICATION_NAMES, identification_of, witness_of
from signing.trail import iso_utc


def _time(at: datetime | None) -> str | None:
    return iso_utc(at) if at is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def signer_json(signer: Signer) -> dict[str, Any]:
    return {
        "id": signer.id,
        "role": signer.role,
        "first_name": signer.first_name,
        "last_name": signer.last_name,
        "email": signer.email,
        "signs_by": signer.signs_by,
        "language": signer.language,
        "status": signer.state,
        "invited_at": _time(signer.invited_at),
        "opened_at": _time(signer.opened_at),
        "signed_at": _time(signer.signed_at),
        "declined_at": _time(signer.declined_at),
        "decline_reason": signer.decline_reason,
        "reminder_count": signer.reminder_count,
        "last_reminded_at": _time(signer.last_reminded_at),
        **_signing_method(signer),
    }


def _signing_method(signer: Signer) -> dict[str, Any]:
    """How the signer signed (`Identification`), its French name, and the staff member it names
    (in whose presence they signed; who digitized their paper sheet, and when)."""
    if signer.signed_at is None:
        return {"signing_method": None, "signing_method_label": None, "signing_witness": None}
    data = next(
        (
            e.data
            for e in signer.document.events
            if e.type == EventType.SIGNED and e.signer_id == signer.id
        ),
        None,
    )
    method = identification_of(data)
    return {
        "signing_method": method.value,
        "signing_method_label": IDENTIFICATION_NAMES[method],
        "signing_witness": witness_of(data),
    }


def summary_json(document: Document) -> dict[str, Any]:
    """A document as the list shows it: no data, no signers."""
    pupil = document.data.get("pupil") or {}
    return {
        "id": document.id,
        "kind": document.kind,
        "status": document.state,
        "version": document.version,
        "pupil": {
            "first_name": pupil.get("first_name"),
            "last_name": pupil.get("last_name"),
            "class_name": pupil.get("class_name"),
        },
        "created_at": _time(document.created_at),
        "updated_at": _time(document.updated_at),
        "issued_at": _time(document.issued_at),
        "deadline": _day(document.deadline),
        "amends_id": document.amends_id,
        "pathway_id": document.pathway_id,
        "url": url_for("api.read_document", document_id=document.id),
    }


def document_json(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "kind": document.kind,
        "status": document.state,
        "version": document.version,
        "data": document.data,
        "warnings": document.warnings,
        "created_at": _time(document.created_at),
        "updated_at": _time(document.updated_at),
        "issued_at": _time(document.issued_at),
        "deadline": _day(document.deadline),
        "pdf_sha256": document.pdf_sha256,
        "amends_id": document.amends_id,
        "pathway_id": document.pathway_id,
        "cancel_reason": document.cancel_reason,
        "timestamp_pending": document.timestamp_pending,
        "signers": [signer_json(s) for s in document.signers],
    }


def event_json(event: Event) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "type": event.type,
        "at": _time(event.at),
        "role": event.role,
        "actor_name": event.actor_name,
        "signer_id": event.signer_id,
        "data": event.data,
    }
