"""A completed review that decided « ajuster » offers, on its own page, the amendment of its
contract, as long as the contract's page does (`FollowUp.adjusting`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from service.documents.links import amendments_of
from service.documents.models import Document
from service.follow_up.summary import follow_up_of
from signing.errors import TransitionRefused
from signing.follow_up.reviews import ReviewView
from signing.follow_up.vocabulary import ReviewDecision
from signing.vocabulary import DocumentState
from signing.workflow import AmendmentView, decide_amend


@dataclass(frozen=True)
class ContractToAdjust:
    review: ReviewView
    contract: Document
    may_amend: bool
    """The staff member may start the contract's amendment now (the workflow allows it)."""
    draft: Document | None
    """The contract's amendment being prepared, if one is."""


def contract_to_adjust(
    session: Session, document: Document, now: datetime, *, acts: bool
) -> ContractToAdjust | None:
    """For the completed review `document` that decided « ajuster » and that no amendment of
    its contract answered since: its contract and whether a staff member who `acts` may amend
    it; None otherwise."""
    link = document.kind.spec.parent
    contract = document.pathway
    if (
        link is None
        or not link.reviews_parent
        or contract is None
        or document.state != DocumentState.COMPLETED
        or document.data.get("decision") != ReviewDecision.ADJUST
    ):
        return None
    follow_up = follow_up_of(session, contract, now)
    if follow_up is None or follow_up.adjusting is None:
        return None
    if follow_up.adjusting.number != document.id:
        return None  # a later review decided otherwise: the contract's page tells
    amendments = amendments_of(session, contract)
    try:
        decide_amend(contract.state, [AmendmentView(a.id, a.state) for a in amendments])
    except TransitionRefused:
        may_amend = False
    else:
        may_amend = acts
    draft = next((a for a in amendments if a.state == DocumentState.DRAFT), None)
    return ContractToAdjust(follow_up.adjusting, contract, may_amend, draft)
