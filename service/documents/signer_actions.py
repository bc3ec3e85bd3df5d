"""What the document page offers on each signer's row: remind, hand the device over, print
for paper, the head's own signature, and what it says of a signer awaited at the school or
signed on paper. Each asks the workflow and the permissions; the page only shows them."""

from __future__ import annotations

from typing import Any

from service.documents.blueprint import staff_user
from service.documents.models import Document
from service.kiosk.sign_in_person import signers_now
from service.signers.models import Signer
from signing.pdf.evidence_texts import paper_digitizer
from signing.permissions import StaffAction, roles_allowed
from signing.vocabulary import (
    DocumentAction,
    DocumentState,
    EventType,
    Role,
    SignerAction,
    StaffRole,
)
from signing.workflow import allows, awaits_in_school, mails_links, signer_allows


def signer_actions(document: Document, *, acts: bool) -> dict[str, Any]:
    """The page's per-signer values, by the names its template reads."""
    return {
        "remindable": _remindable(document) if acts else set(),
        "in_school": _in_school(document),
        "hand_over": _hand_over(document),
        "on_paper": _on_paper(document),
        "paper_signed": _paper_signed(document),
        "head_signer": _head_to_sign(document),
    }


def _remindable(document: Document) -> set[int]:
    """The signers the workflow lets the staff remind now."""
    if not allows(document.state, DocumentAction.REMIND):
        return set()
    return {
        s.id
        for s in document.signers
        if signer_allows(s.state, SignerAction.REMIND) and mails_links(s.signs_by)
    }


def _in_school(document: Document) -> dict[int, str]:
    """The signers mailed no link whose signature the school has to gather now, each with what
    the page says instead of « Invité » (« À faire signer en présence »)."""
    if document.state != DocumentState.AWAITING_SIGNATURES:
        return {}
    return {
        s.id: s.signs_by.pending for s in document.signers if awaits_in_school(s.signs_by, s.state)
    }


def _hand_over(document: Document) -> set[int]:
    """The signers a head or référent may have sign now on this device (`service.kiosk`)."""
    if staff_user().role not in roles_allowed(StaffAction.HAND_OVER):
        return set()
    return {s.id for s in signers_now(document)}


def _on_paper(document: Document) -> set[int]:
    """The signers a head or référent may have sign on paper now (`service.signers.paper_views`):
    the same as in person, whose turn it is, never the head."""
    if staff_user().role not in roles_allowed(StaffAction.SIGN_ON_PAPER):
        return set()
    return {s.id for s in signers_now(document)}


def _paper_signed(document: Document) -> dict[int, str]:
    """« Anne Leroy (proviseure) le 3 décembre 2026 »: who digitized each paper signature."""
    found = {
        event.signer_id: paper_digitizer(event.data)
        for event in document.events
        if event.type == EventType.SIGNED and event.signer_id is not None
    }
    return {signer_id: who for signer_id, who in found.items() if who}


def _head_to_sign(document: Document) -> Signer | None:
    """The head's signer row when the logged-in head may sign now, from this page."""
    head = next((s for s in document.signers if s.role == Role.HEAD), None)
    if (
        staff_user().role == StaffRole.HEAD
        and head is not None
        and allows(document.state, DocumentAction.SIGN)
        and signer_allows(head.state, SignerAction.SIGN)
    ):
        return head
    return None
