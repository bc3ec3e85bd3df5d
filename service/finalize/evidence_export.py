"""The evidence file of a document as JSON (`signing.pdf.evidence_json`), for its school's staff
and the API: the certificate's facts, with every stored event's hash."""

from __future__ import annotations

from typing import Any

from service.accounts.models import School
from service.documents.models import Document
from service.errors import Conflict
from service.finalize.final_pdf import audit_trail
from service.settings import Settings
from signing.pdf.evidence_json import evidence_json
from signing.vocabulary import DocumentState


def evidence_of(settings: Settings, document: Document, school: School) -> dict[str, Any]:
    """The evidence file; `Conflict` for a draft (nothing was issued, no PDF to point to)."""
    if document.state == DocumentState.DRAFT or document.pdf_sha256 is None:
        raise Conflict("Ce brouillon n'a pas été émis : il n'a pas encore de dossier de preuve.")
    trail = audit_trail(settings, document, school)
    return evidence_json(
        trail,
        event_hashes=[e.hash for e in document.events],
        final_sha256=document.final_pdf_sha256,
        state=str(document.state),
    )
