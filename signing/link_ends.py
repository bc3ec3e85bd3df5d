"""Why a genuine signing link no longer leads to its page (`LinkEnd`): what became of the signer
and the document first, then what became of the link. Pure, beside the workflow's table
(`signing.workflow`), whose states it reads."""

from __future__ import annotations

from signing.vocabulary import DocumentState, LinkEnd, SignerState
from signing.workflow import LINKS_LIVE_IN

_D = DocumentState
_S = SignerState


_DOCUMENT_ENDS = {
    _D.CANCELLED: LinkEnd.CANCELLED,
    _D.EXPIRED: LinkEnd.EXPIRED,
    _D.DECLINED: LinkEnd.OTHER_DECLINED,
}
_SIGNED_ENDS = {_D.COMPLETED: LinkEnd.COMPLETE, _D.SIGNED: LinkEnd.FINISHING}


def _settled_end(document_state: DocumentState, signer_state: SignerState) -> LinkEnd | None:
    """What became of the signer and the document, whatever the link: None while the document
    awaits this signer's answer."""
    if signer_state is _S.DECLINED:
        return LinkEnd.DECLINED
    if document_state in _DOCUMENT_ENDS:
        return _DOCUMENT_ENDS[document_state]
    if signer_state is _S.SIGNED:
        return _SIGNED_ENDS.get(document_state, LinkEnd.SIGNED)
    if document_state not in LINKS_LIVE_IN:
        return LinkEnd.CLOSED
    return LinkEnd.WAITING if signer_state is _S.WAITING else None


def link_end(
    document_state: DocumentState,
    signer_state: SignerState,
    *,
    current: bool,
    aged: bool = False,
    past_deadline: bool = False,
) -> LinkEnd | None:
    """Why a signer's link leads nowhere, or None when it leads to their page.

    `current`: the link carries the signer's current nonce (it was neither used, replaced nor
    cancelled); `aged`: it is older than a link lives; `past_deadline`: the document's
    deadline has passed, though the worker has not expired it yet. What became of the signer
    and the document comes first (a signer whose link is also old is told they declined, or
    that the document is complete); only then what became of the link."""
    settled = _settled_end(document_state, signer_state)
    if settled is not None or (current and not aged):
        return settled
    if past_deadline:
        return LinkEnd.EXPIRED
    return LinkEnd.AGED if current else LinkEnd.REPLACED
